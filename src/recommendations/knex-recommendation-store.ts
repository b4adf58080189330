import type { Knex } from 'knex';
import { chunksOf } from '../db/chunks-of.ts';
import {
  readBoolean,
  readJson,
  readNullableNumber,
  readNullableString,
  readNumber,
} from '../db/row-values.ts';
import { compareText } from '../shared/compare-text.ts';
import {
  type Attribution,
  type AttributionMethodInfo,
  areItemsHidden,
  type EarlierModelSuggestion,
  GIVEN_STATUSES,
  type ModelRef,
  OPEN_STATUSES,
  type ProfileSnapshot,
  type RecommendationItem,
  type RecommendationSet,
  type SecondReviewRead,
  type SetContests,
  type SetReplacement,
  type SetStatus,
  viewSetAt,
} from './recommendation.ts';
import type { RecommendationStore, SetMaker, SetQuery, SetSummary } from './recommendation-store.ts';
import { toSecondReviewReadColumns } from './second-review-read-columns.ts';

const SETS = 'recommendation_sets';
const ITEMS = 'recommendation_items';
const JOB_SEEKERS = 'job_seekers';
const FEEDBACK = 'feedback';
/** Set ids bound in one statement (see `chunksOf`). */
const ID_CHUNK = 400;
/**
 * The sets given, written out as the partial indexes of the sets given and of the sets shown, by
 * person and publication, write it (migrations 20261212040000 and 20261212050000), so that both
 * engines' planners match them.
 */
const GIVEN_PREDICATE = `status in (${GIVEN_STATUSES.map((status) => `'${status}'`).join(', ')})`;

export class KnexRecommendationStore implements RecommendationStore {
  constructor(private readonly db: Knex) {}

  async insert(trx: Knex.Transaction, set: RecommendationSet): Promise<void> {
    await trx(SETS).insert({ id: set.id, ...toSetRow(set) });
    if (set.items.length > 0) await trx(ITEMS).insert(set.items.map((item) => toItemRow(set.id, item)));
  }

  async findById(id: string, trx?: Knex.Transaction): Promise<RecommendationSet | undefined> {
    const db = trx ?? this.db;
    const row = await db(SETS).where({ id }).first();
    if (row === undefined) return undefined;
    const items = await db(ITEMS).where({ set_id: id });
    return toSet(row, items);
  }

  async saveSecondReviewReads(trx: Knex.Transaction, set: RecommendationSet): Promise<void> {
    await trx(SETS).where({ id: set.id }).update(toSecondReviewReadColumns(set.secondReview.reads));
  }

  async listHeldIds(ids: readonly string[], trx?: Knex.Transaction): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows: Array<{ id: unknown }> = await (trx ?? this.db)(SETS)
      .whereIn('id', [...ids])
      .select('id');
    return rows.map((row) => String(row.id));
  }

  async save(trx: Knex.Transaction, set: RecommendationSet, expectedVersion: number): Promise<boolean> {
    // The guarded update comes first: on PostgreSQL it takes the row lock that serialises two tabs.
    const changed = await trx(SETS)
      .where({ id: set.id, version: expectedVersion })
      .update({ ...toSetRow(set), version: expectedVersion + 1 });
    if (changed === 0) return false;
    set.version = expectedVersion + 1;
    const stored = new Map<string, Record<string, unknown>>(
      (await trx(ITEMS).where({ set_id: set.id })).map((row: Record<string, unknown>) => [
        String(row.id),
        row,
      ]),
    );
    for (const item of set.items) {
      const row = toItemRow(set.id, item);
      const held = stored.get(item.id);
      if (held === undefined) await trx(ITEMS).insert(row);
      // Only the items the change touched are written (a decision touches one): rewriting every
      // item, scores and attributions included, on each action cost a set's review its items squared.
      else if (!isHeldAsIs(held, row)) await trx(ITEMS).where({ id: item.id }).update(row);
    }
    return true;
  }

  async list(query: SetQuery): Promise<SetSummary[]> {
    const builder = this.db(SETS)
      .select(
        `${SETS}.*`,
        this.db.raw(`(select count(*) from ${ITEMS} i where i.set_id = ${SETS}.id) as item_count`),
        this.db.raw(
          `(select count(*) from ${ITEMS} i where i.set_id = ${SETS}.id and i.decision = 'pending') as pending_count`,
        ),
        contestsOf(this.db, this.db.ref(`${SETS}.id`))
          .count('*')
          .as('contest_count'),
        contestsOf(this.db, this.db.ref(`${SETS}.id`))
          .max('f.created_at')
          .as('last_contested_at'),
        unansweredContestsOf(this.db, this.db.ref(`${SETS}.id`))
          .count('*')
          .as('unanswered_contest_count'),
      )
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(query.limit);
    const now = query.now.toISOString();
    if (query.queue === 'second_review') {
      // One whose lifetime has passed awaits nobody (by the (status, expires_at) index).
      builder
        .where('status', 'awaiting_second_review')
        .where('expires_at', '>', now)
        .whereNot('first_reviewer_id', query.counselorId);
    } else {
      // The sets of the job seekers on the counselor's caseload now (by the seeker_id index).
      builder.whereIn(
        'seeker_id',
        this.db(JOB_SEEKERS).select('id').where('counselor_id', query.counselorId),
      );
    }
    if (query.statuses !== undefined) {
      // The statuses at `now`: an open set whose lifetime has passed is expired, recorded or not (a
      // queue read records a batch of expiries only), so a counselor never sees it as still open.
      const wanted = query.statuses;
      const open = wanted.filter((status) => OPEN_STATUSES.includes(status));
      const closed = wanted.filter((status) => !OPEN_STATUSES.includes(status));
      builder.where((w) => {
        w.whereIn('status', closed).orWhere((x) => x.whereIn('status', open).where('expires_at', '>', now));
        if (wanted.includes('expired'))
          w.orWhere((x) => x.whereIn('status', [...OPEN_STATUSES]).where('expires_at', '<=', now));
      });
    }
    if (query.seekerId !== undefined) builder.where('seeker_id', query.seekerId);
    // Read among the rows the queue picked by index (its seekers, or the second-review status), so
    // model_id needs none. A set made by hand has a null model_id, which equals nothing.
    if (query.modelId !== undefined) builder.where('model_id', query.modelId);
    // Read among the queue's rows too, each set's contests by the partial index of contests by item.
    if (query.contested !== undefined) {
      const contests = contestsOf(this.db, this.db.ref(`${SETS}.id`)).select(this.db.raw('1'));
      if (query.contested) builder.whereExists(contests);
      else builder.whereNotExists(contests);
    }
    if (query.after !== undefined) {
      const { createdAt, id } = query.after;
      builder.where((w) =>
        w
          .where('created_at', '<', createdAt)
          .orWhere((x) => x.where('created_at', createdAt).where('id', '<', id)),
      );
    }
    const rows = await builder;
    return rows.map((row) => {
      // Counted as the set's read shows them: none while blind-first hides the model's items, so that
      // the queue tells nothing of the model's choice (how many it found) before the shortlist.
      const hidden = areItemsHidden({
        blindFirst: readBoolean(row.blind_first),
        shortlist: readShortlist(row),
      });
      return viewSetAt(
        {
          id: String(row.id),
          seekerId: String(row.seeker_id),
          counselorId: String(row.counselor_id),
          status: row.status as SetStatus,
          createdAt: String(row.created_at),
          expiresAt: String(row.expires_at),
          openedAt: readNullableString(row.opened_at),
          closedAt: readNullableString(row.closed_at),
          discardedBy: row.status === 'discarded' ? readNullableString(row.discarded_by) : null,
          returnedAt: readNullableString(row.returned_at),
          replacedBy: toReplacement(row),
          itemCount: hidden ? 0 : readNumber(row.item_count),
          pendingCount: hidden ? 0 : readNumber(row.pending_count),
          model: toModelRef(row),
          contests: toContests(row.contest_count, row.last_contested_at, row.unanswered_contest_count),
        },
        query.now,
      );
    });
  }

  async summarizeContests(setId: string, trx?: Knex.Transaction): Promise<SetContests> {
    const db = trx ?? this.db;
    const row = await contestsOf(db, setId).first({
      n: db.raw('count(*)'),
      last: db.raw('max(f.created_at)'),
    });
    const unanswered = await unansweredContestsOf(db, setId).first({ n: db.raw('count(*)') });
    return toContests(row?.n, row?.last, unanswered?.n);
  }

  async findShownSet(seekerId: string, trx?: Knex.Transaction): Promise<RecommendationSet | undefined> {
    // The first entry from the end of the partial index of the sets shown (given, never replaced),
    // however many the person was given: the predicate is written out as the index writes it.
    const row = await (trx ?? this.db)(SETS)
      .where({ seeker_id: seekerId })
      .whereRaw(GIVEN_PREDICATE)
      // A replaced set stays out of sight even when the set that replaced it is gone.
      .whereNull('replaced_by_set_id')
      .orderBy([
        { column: 'published_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .first('id');
    return row === undefined ? undefined : this.findById(String(row.id), trx);
  }

  async listForSeeker(seekerId: string, trx?: Knex.Transaction): Promise<RecommendationSet[]> {
    const db = trx ?? this.db;
    const rows = await db(SETS)
      .where({ seeker_id: seekerId })
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ]);
    if (rows.length === 0) return [];
    const itemRows: Array<Record<string, unknown>> = await db(ITEMS).whereIn(
      'set_id',
      db(SETS).select('id').where({ seeker_id: seekerId }),
    );
    return withItems(rows, itemRows);
  }

  async findOutstandingForModel(modelId: string, trx: Knex.Transaction): Promise<RecommendationSet[]> {
    // By the (model_id, status) index: the open statuses, and the published ones, replaced or not.
    const outstanding = () =>
      trx(SETS)
        .where({ model_id: modelId })
        .whereIn('status', [...OPEN_STATUSES, 'published']);
    const rows = await outstanding().orderBy([
      { column: 'created_at', order: 'asc' },
      { column: 'id', order: 'asc' },
    ]);
    if (rows.length === 0) return [];
    const itemRows: Array<Record<string, unknown>> = await trx(ITEMS).whereIn(
      'set_id',
      outstanding().select('id'),
    );
    return withItems(rows, itemRows);
  }

  async findOpenForSeeker(
    seekerId: string,
    trx: Knex.Transaction,
    { madeBy, exceptSetId }: { madeBy?: SetMaker | undefined; exceptSetId?: string | undefined } = {},
  ): Promise<RecommendationSet[]> {
    const query = trx(SETS)
      .where({ seeker_id: seekerId })
      .whereIn('status', [...OPEN_STATUSES]);
    if (madeBy === 'hand') query.whereNull('model_id');
    if (madeBy === 'model') query.whereNotNull('model_id');
    if (exceptSetId !== undefined) query.whereNot('id', exceptSetId);
    const rows: Array<Record<string, unknown>> = await query;
    // Statement after statement: a transaction has one connection, on which pg 9 refuses a
    // statement sent while another runs.
    const ids = rows.map((row) => String(row.id));
    const itemRows: Array<Record<string, unknown>> = [];
    for (const chunk of chunksOf(ids, ID_CHUNK))
      itemRows.push(...(await trx(ITEMS).whereIn('set_id', chunk)));
    return withItems(rows, itemRows);
  }

  async findEarlierModelSuggestion(
    addition: { seekerId: string; setId: string; courseId: string; at: string },
    trx: Knex.Transaction,
  ): Promise<EarlierModelSuggestion | undefined> {
    // Any other set of the person made by the addition's time, older or newer than the set added to:
    // the counselor may have read either before adding the course. Only where the counselor could
    // read the model's suggestions: a blind-first set hides them until its shortlist is in.
    const row = await trx(`${ITEMS} as i`)
      .join(`${SETS} as s`, 's.id', 'i.set_id')
      .where('s.seeker_id', addition.seekerId)
      .whereNot('s.id', addition.setId)
      .where('s.created_at', '<=', addition.at)
      .where((shown) => shown.where('s.blind_first', false).orWhereNotNull('s.shortlist'))
      .where({ 'i.course_id': addition.courseId, 'i.source': 'model' })
      .orderBy([
        { column: 's.created_at', order: 'desc' },
        { column: 's.id', order: 'desc' },
      ])
      .first('s.id as set_id', 's.created_at as created_at');
    return row === undefined ? undefined : { setId: String(row.set_id), suggestedAt: String(row.created_at) };
  }

  async findShownModelSet(
    seekerId: string,
    window: { exceptSetId: string; since: string },
    trx: Knex.Transaction,
  ): Promise<string | undefined> {
    const row = await trx(SETS)
      .where({ seeker_id: seekerId })
      .whereNot({ id: window.exceptSetId })
      .whereNotNull('model_id')
      // Shown: made outside blind-first mode (the creation answer shows every item), or shortlisted,
      // and holding a suggestion of the model's (a set with none showed nothing).
      .where((shown) => shown.where({ blind_first: false }).orWhereNotNull('shortlist'))
      .whereExists(
        this.db(ITEMS)
          .select(this.db.raw('1'))
          .whereRaw(`${ITEMS}.set_id = ${SETS}.id`)
          .where(`${ITEMS}.source`, 'model'),
      )
      .where((recent) =>
        recent.whereIn('status', [...OPEN_STATUSES]).orWhere('created_at', '>=', window.since),
      )
      .first('id');
    return row === undefined ? undefined : String(row.id);
  }

  async findOwedSecondReview(seekerId: string, trx: Knex.Transaction): Promise<string | undefined> {
    // A retracted set was published, second review included: it owes none, and ends any owed before.
    // The first entry from the end of the partial index of the sets given, however many the person
    // had (SQLite's planner took a `max` through the index by person and status, status by status).
    // Publications settle after the one the person was shown (`settlePublicationTime`): the latest
    // by time is the latest in the log.
    const latestPublication = (column: 'published_at' | 'published_at_seq') =>
      trx(SETS)
        .where({ seeker_id: seekerId })
        .whereRaw(GIVEN_PREDICATE)
        .whereNotNull('published_at')
        .orderBy('published_at', 'desc')
        .limit(1)
        .select(column);
    // By the partial index of the drawn sets, from the person's newest: no given set was made after
    // the latest publication (each was made before its own), so the first drawn set read answers,
    // however many sets the person has. The predicate is written out, not bound, so that both
    // engines' planners match it to the index's. A drawn set still open owes its review; one ended
    // owes it when it was made after the latest publication in the log's order, not the clocks',
    // which a set made in the same millisecond as that publication, or by a process whose clock
    // lags, would read as made before it (record 0003). Sets made and published before the log's
    // order was kept share seq 0, and only their clocks tell them apart.
    const row = await trx(SETS)
      .where({ seeker_id: seekerId })
      .whereRaw('second_review_required = true')
      .whereNotIn('status', [...GIVEN_STATUSES])
      .where((query) =>
        query
          .whereIn('status', [...OPEN_STATUSES])
          .orWhere('created_at_seq', '>', trx.raw('coalesce(?, -1)', [latestPublication('published_at_seq')]))
          .orWhere((unordered) =>
            unordered
              .where('created_at_seq', '=', latestPublication('published_at_seq'))
              .where('created_at', '>', latestPublication('published_at')),
          ),
      )
      .orderBy('created_at', 'desc')
      .first('id');
    return row === undefined ? undefined : String(row.id);
  }

  async findDue(now: Date, limit: number): Promise<string[]> {
    const rows = await this.db(SETS)
      .whereIn('status', [...OPEN_STATUSES])
      .where('expires_at', '<=', now.toISOString())
      .orderBy('expires_at')
      .limit(limit)
      .select('id');
    return rows.map((row) => String(row.id));
  }
}

/**
 * The person's answers contesting the courses of set `setId` (a value, or the column of the outer
 * query's set). The response is written in the SQL, not bound, so that either engine's planner
 * matches it to the predicate of the partial index of contests by item.
 */
function contestsOf(db: Knex, setId: string | Knex.Ref<string, Record<string, string>>): Knex.QueryBuilder {
  return db(`${FEEDBACK} as f`)
    .join(`${ITEMS} as ci`, 'ci.id', 'f.item_id')
    .where('ci.set_id', setId)
    .whereRaw(`f.response = 'contest'`);
}

/** The contests of set `setId` no reply answered (marked by the reply that answers them). */
function unansweredContestsOf(
  db: Knex,
  setId: string | Knex.Ref<string, Record<string, string>>,
): Knex.QueryBuilder {
  return contestsOf(db, setId).whereNull('f.answered_by');
}

function toContests(count: unknown, lastAt: unknown, unanswered: unknown): SetContests {
  return {
    count: readNumber(count ?? 0),
    lastAt: readNullableString(lastAt),
    unanswered: readNumber(unanswered ?? 0),
  };
}

/** The sets of `rows` with their items, taken from `itemRows` (the items of those sets, in any order). */
function withItems(
  rows: Array<Record<string, unknown>>,
  itemRows: Array<Record<string, unknown>>,
): RecommendationSet[] {
  const itemsBySet = new Map<string, Array<Record<string, unknown>>>();
  for (const item of itemRows) {
    const setId = String(item.set_id);
    const items = itemsBySet.get(setId) ?? [];
    items.push(item);
    itemsBySet.set(setId, items);
  }
  return rows.map((row) => toSet(row, itemsBySet.get(String(row.id)) ?? []));
}

/** The set's model; none for a set made by hand. */
function toModelRef(row: Record<string, unknown>): ModelRef | null {
  if (row.model_id === null || row.model_id === undefined) return null;
  return { id: String(row.model_id), version: String(row.model_version), sha256: String(row.model_sha256) };
}

function toReplacement(row: Record<string, unknown>): SetReplacement | null {
  if (row.replaced_by_set_id === null || row.replaced_by_set_id === undefined) return null;
  return { setId: String(row.replaced_by_set_id), at: String(row.replaced_at) };
}

function toSetRow(set: RecommendationSet): Record<string, unknown> {
  return {
    seeker_id: set.seekerId,
    counselor_id: set.counselorId,
    status: set.status,
    model_id: set.model?.id ?? null,
    model_version: set.model?.version ?? null,
    model_sha256: set.model?.sha256 ?? null,
    attribution_method: set.attributionMethod === null ? null : JSON.stringify(set.attributionMethod),
    created_by: set.createdBy,
    created_at: set.createdAt,
    created_at_seq: set.createdAtSeq,
    expires_at: set.expiresAt,
    opened_at: set.openedAt,
    published_at: set.publishedAt,
    published_at_seq: set.publishedAtSeq,
    published_by: set.publishedBy,
    closed_at: set.closedAt,
    ordered_at: set.orderedAt,
    version: set.version,
    no_candidate_reason: set.noCandidateReason,
    message: set.message,
    discard_reason: set.discardReason,
    discarded_by: set.discardedBy,
    retracted_by: set.retraction?.by ?? null,
    retracted_at: set.retraction?.at ?? null,
    retraction_reason: set.retraction?.reason ?? null,
    replaced_by_set_id: set.replacedBy?.setId ?? null,
    replaced_at: set.replacedBy?.at ?? null,
    second_review_required: set.secondReview.required,
    first_reviewer_id: set.secondReview.firstReviewerId,
    second_reviewer_id: set.secondReview.reviewerId,
    second_review_round: set.secondReview.round,
    ...toSecondReviewReadColumns(set.secondReview.reads),
    returned_by: set.secondReview.returned?.by ?? null,
    returned_at: set.secondReview.returned?.at ?? null,
    return_comment: set.secondReview.returned?.comment ?? null,
    // Its reviewer is `second_reviewer_id`, set with it.
    second_review_approved_at: set.secondReview.approved?.at ?? null,
    approval_comment: set.secondReview.approved?.comment ?? null,
    blind_first: set.blindFirst,
    shortlist: set.shortlist === null ? null : JSON.stringify(set.shortlist.courseIds),
    shortlist_submitted_at: set.shortlist?.submittedAt ?? null,
    shortlist_overlap: set.shortlist?.overlap ?? null,
    profile_snapshot: set.profileSnapshot === null ? null : JSON.stringify(set.profileSnapshot),
  };
}

/** Whether the stored row holds every value of `row` already, each read back as it was written. */
function isHeldAsIs(held: Record<string, unknown>, row: Record<string, unknown>): boolean {
  return Object.entries(row).every(([column, value]) => held[column] === value);
}

function toItemRow(setId: string, item: RecommendationItem): Record<string, unknown> {
  return {
    id: item.id,
    set_id: setId,
    course_id: item.course.id,
    course_snapshot: JSON.stringify(item.course),
    rank: item.rank,
    display_order: item.displayOrder,
    score: item.score,
    features: item.features === null ? null : JSON.stringify(item.features),
    attributions: JSON.stringify(item.attributions),
    counselor_explanation: item.counselorExplanation,
    seeker_explanation: JSON.stringify(item.seekerExplanation),
    source: item.source,
    decision: item.decision,
    reason_code: item.reasonCode,
    comment: item.comment,
    decided_by: item.decidedBy,
    decided_at: item.decidedAt,
    decision_seconds: item.decisionSeconds,
    added_reason: item.addedReason,
    added_at_seq: item.addedAtSeq,
    earlier_set_id: item.earlierModelSuggestion?.setId ?? null,
    earlier_suggested_at: item.earlierModelSuggestion?.suggestedAt ?? null,
  };
}

/** The set's blind-first shortlist, null when none was given. */
function readShortlist(row: Record<string, unknown>): RecommendationSet['shortlist'] {
  if (row.shortlist === null || row.shortlist === undefined) return null;
  return {
    courseIds: readJson(row.shortlist) as string[],
    submittedAt: String(row.shortlist_submitted_at),
    overlap: readNumber(row.shortlist_overlap),
  };
}

function toSet(row: Record<string, unknown>, itemRows: Array<Record<string, unknown>>): RecommendationSet {
  const items = itemRows.map(toItem).sort(compareItems);
  return {
    id: String(row.id),
    seekerId: String(row.seeker_id),
    counselorId: String(row.counselor_id),
    status: row.status as SetStatus,
    model: toModelRef(row),
    attributionMethod:
      row.attribution_method === null || row.attribution_method === undefined
        ? null
        : (readJson(row.attribution_method) as AttributionMethodInfo),
    createdBy: String(row.created_by),
    createdAt: String(row.created_at),
    createdAtSeq: readNumber(row.created_at_seq),
    expiresAt: String(row.expires_at),
    openedAt: readNullableString(row.opened_at),
    publishedAt: readNullableString(row.published_at),
    publishedAtSeq: readNullableNumber(row.published_at_seq),
    publishedBy: readNullableString(row.published_by),
    closedAt: readNullableString(row.closed_at),
    orderedAt: readNullableString(row.ordered_at),
    version: readNumber(row.version),
    noCandidateReason: readNullableString(row.no_candidate_reason),
    message: readNullableString(row.message),
    discardReason: readNullableString(row.discard_reason),
    discardedBy: readNullableString(row.discarded_by),
    retraction:
      row.retracted_at === null || row.retracted_at === undefined
        ? null
        : {
            by: String(row.retracted_by),
            at: String(row.retracted_at),
            reason: String(row.retraction_reason),
          },
    replacedBy: toReplacement(row),
    secondReview: {
      required: readBoolean(row.second_review_required),
      firstReviewerId: readNullableString(row.first_reviewer_id),
      reviewerId: readNullableString(row.second_reviewer_id),
      round: readNumber(row.second_review_round),
      reads:
        row.second_review_reads === null || row.second_review_reads === undefined
          ? []
          : (readJson(row.second_review_reads) as SecondReviewRead[]),
      returned:
        row.returned_at === null || row.returned_at === undefined
          ? null
          : {
              by: String(row.returned_by),
              at: String(row.returned_at),
              comment: readNullableString(row.return_comment),
            },
      approved:
        row.second_review_approved_at === null || row.second_review_approved_at === undefined
          ? null
          : {
              by: String(row.second_reviewer_id),
              at: String(row.second_review_approved_at),
              comment: readNullableString(row.approval_comment),
            },
    },
    blindFirst: readBoolean(row.blind_first),
    shortlist: readShortlist(row),
    items,
    profileSnapshot:
      row.profile_snapshot === null || row.profile_snapshot === undefined
        ? null
        : (readJson(row.profile_snapshot) as ProfileSnapshot),
  };
}

function toItem(row: Record<string, unknown>): RecommendationItem {
  return {
    id: String(row.id),
    course: readJson(row.course_snapshot) as RecommendationItem['course'],
    rank: readNullableNumber(row.rank),
    displayOrder: readNullableNumber(row.display_order),
    score: readNullableNumber(row.score),
    features:
      row.features === null || row.features === undefined ? null : (readJson(row.features) as number[]),
    attributions: readAttributions(row.attributions),
    counselorExplanation: String(row.counselor_explanation),
    seekerExplanation: readJson(row.seeker_explanation) as RecommendationItem['seekerExplanation'],
    source: row.source as RecommendationItem['source'],
    decision: row.decision as RecommendationItem['decision'],
    reasonCode: readNullableString(row.reason_code),
    comment: readNullableString(row.comment),
    decidedBy: readNullableString(row.decided_by),
    decidedAt: readNullableString(row.decided_at),
    decisionSeconds: readNullableNumber(row.decision_seconds),
    addedReason: readNullableString(row.added_reason),
    addedAtSeq: readNullableNumber(row.added_at_seq),
    earlierModelSuggestion:
      row.earlier_set_id === null || row.earlier_set_id === undefined
        ? null
        : { setId: String(row.earlier_set_id), suggestedAt: String(row.earlier_suggested_at) },
  };
}

/** The attributions as kept; those kept before their values' words were, with none. */
function readAttributions(value: unknown): Attribution[] {
  const kept = readJson(value) as Array<Omit<Attribution, 'valueText'> & { valueText?: string | null }>;
  // Member by member: a spread of each one costs more than reading it.
  return kept.map((a) => ({
    feature: a.feature,
    label: a.label,
    value: a.value,
    contribution: a.contribution,
    valueText: a.valueText ?? null,
  }));
}

/** Model items by rank, then the counselor's additions in the order they were made. */
function compareItems(a: RecommendationItem, b: RecommendationItem): number {
  const rankA = a.rank ?? Number.POSITIVE_INFINITY;
  const rankB = b.rank ?? Number.POSITIVE_INFINITY;
  if (rankA !== rankB) return rankA - rankB;
  // The courses the counselor put in, in the log's order; those put in before it was kept, first, by time.
  return (
    (a.addedAtSeq ?? 0) - (b.addedAtSeq ?? 0) ||
    compareText(a.decidedAt ?? '', b.decidedAt ?? '') ||
    compareText(a.id, b.id)
  );
}
