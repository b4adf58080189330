import type { Knex } from 'knex';
import { WEEK_MS } from '../audit/event-fields.ts';
import { chunksOf } from '../db/chunks-of.ts';
import { readJson, readStringArray } from '../db/row-values.ts';
import { ACCESS_GIVEN_EVENT_TYPES } from '../decision-log/decision-event.ts';
import { OPEN_STATUSES, type SecondReviewRead } from '../recommendations/recommendation.ts';
import { toSecondReviewReadColumns } from '../recommendations/second-review-read-columns.ts';
import { keepSecondReviewReads } from './retention.ts';
import type { RetentionStore } from './retention-store.ts';

/** Sets, or items, deleted by one statement in a retention run. */
const PURGE_CHUNK = 500;

/** Profiles read (or locked) at once when looking for skill codes to remove. */
const SKILLS_PAGE = 1000;

export class KnexRetentionStore implements RetentionStore {
  constructor(private readonly db: Knex) {}

  async purgeRecommendationSets(
    trx: Knex.Transaction,
    before: string,
  ): Promise<{ sets: number; items: number; feedback: number; contestReplies: number; outcomes: number }> {
    // The sets past retention read once, then everything deleted by their ids, children first so
    // that the counts are exact whatever the foreign keys cascade. By lists of ids, not by
    // `in (select …)`: PostgreSQL, guessing from its histogram hundreds of such sets where a few
    // are, may join a subquery back by reading a whole table.
    const pastSets: Array<{ id: string }> = await trx('recommendation_sets')
      .select('id')
      .where((past) => whereSetPastRetention(past, before));
    let [sets, items, feedback, contestReplies, outcomes] = [0, 0, 0, 0, 0];
    for (const setIds of chunksOf(
      pastSets.map((row) => String(row.id)),
      PURGE_CHUNK,
    )) {
      const itemRows: Array<{ id: string }> = await trx('recommendation_items')
        .select('id')
        .whereIn('set_id', setIds);
      for (const itemIds of chunksOf(
        itemRows.map((row) => String(row.id)),
        PURGE_CHUNK,
      )) {
        feedback += await trx('feedback').whereIn('item_id', itemIds).delete();
        contestReplies += await trx('contest_replies').whereIn('item_id', itemIds).delete();
        // An outcome goes with the proposal it is about: without it, it says nothing of the system.
        outcomes += await trx('course_outcomes').whereIn('item_id', itemIds).delete();
      }
      items += await trx('recommendation_items').whereIn('set_id', setIds).delete();
      sets += await trx('recommendation_sets').whereIn('id', setIds).delete();
    }
    return { sets, items, feedback, contestReplies, outcomes };
  }

  async purgeFeedback(trx: Knex.Transaction, before: string): Promise<number> {
    return trx('feedback').where('created_at', '<', before).delete();
  }

  async purgeContestReplies(trx: Knex.Transaction, before: string): Promise<number> {
    return trx('contest_replies').where('created_at', '<', before).delete();
  }

  async purgeFileReads(trx: Knex.Transaction, before: string): Promise<number> {
    // By the consultation's last read: its first may be older, and the row holds the later ones too.
    // A row with none was written by an older release's process left running through the upgrade
    // (20261226010000_add_last_read_to_file_reads): one read, at its `read_at`.
    return trx('file_reads')
      .where('last_read_at', '<', before)
      .orWhere((row) => row.whereNull('last_read_at').andWhere('read_at', '<', before))
      .delete();
  }

  async clearSecondReviewReads(trx: Knex.Transaction, before: string): Promise<number> {
    // Through the index of the earliest read: the sets whose reads are all recent are not read.
    const rows: Array<Record<string, unknown>> = await trx('recommendation_sets')
      .select('id', 'status', 'second_review_round', 'second_review_reads')
      .where('second_review_first_read_at', '<', before);
    let cleared = 0;
    for (const row of rows) {
      const reads = readJson(row.second_review_reads) as SecondReviewRead[];
      const kept = keepSecondReviewReads(
        reads,
        {
          awaitingSecondReview: row.status === 'awaiting_second_review',
          round: Number(row.second_review_round),
        },
        before,
      );
      if (kept.length === reads.length) continue;
      cleared += reads.length - kept.length;
      await trx('recommendation_sets').where({ id: row.id }).update(toSecondReviewReadColumns(kept));
    }
    return cleared;
  }

  async findIdleJobSeekers(trx: Knex.Transaction, before: string, limit: number): Promise<string[]> {
    const rows: Array<Record<string, unknown>> = await trx('job_seekers')
      .select('id')
      .where('updated_at', '<', before)
      .where((objection) =>
        objection.whereNull('objection_changed_at').orWhere('objection_changed_at', '<', before),
      )
      .whereNotExists((keptSets) =>
        keptSets
          .select(trx.raw('1'))
          .from('recommendation_sets')
          .whereRaw('?? = ??', ['recommendation_sets.seeker_id', 'job_seekers.id'])
          .where((recent) => whereSetActiveSince(recent, before, 'recommendation_sets')),
      )
      .whereNotExists((recentFeedback) =>
        recentFeedback
          .select(trx.raw('1'))
          .from('feedback')
          .whereRaw('?? = ??', ['feedback.seeker_id', 'job_seekers.id'])
          .andWhere('feedback.created_at', '>=', before),
      )
      .whereNotExists((recentReply) =>
        recentReply
          .select(trx.raw('1'))
          .from('contest_replies')
          .whereRaw('?? = ??', ['contest_replies.seeker_id', 'job_seekers.id'])
          .andWhere('contest_replies.created_at', '>=', before),
      )
      .orderBy('id')
      .limit(limit)
      // PostgreSQL: a sync waits for the run (or the run for it), and the run then sees the profile
      // as written. A suggestion or feedback racing with the run does not write the profile: if the
      // run erases the person first, its insert fails on the foreign key and is answered as for a
      // person the service does not know.
      .forUpdate();
    return rows.map((row) => String(row.id));
  }

  async findProfilesWithSkillCodes(keep: (skills: readonly string[]) => string[]): Promise<string[]> {
    const ids: string[] = [];
    let after = '';
    for (;;) {
      // Each page a statement of its own, in no transaction: writers go on between pages.
      const page: Array<Record<string, unknown>> = await this.db('job_seekers')
        .select('id', 'skills')
        .where('id', '>', after)
        .orderBy('id')
        .limit(SKILLS_PAGE);
      for (const row of page) {
        const stored = readStringArray(row.skills);
        if (keep(stored).length < stored.length) ids.push(String(row.id));
      }
      const last = page.at(-1);
      if (page.length < SKILLS_PAGE || last === undefined) return ids;
      after = String(last.id);
    }
  }

  async removeSkillCodes(
    trx: Knex.Transaction,
    ids: readonly string[],
    keep: (skills: readonly string[]) => string[],
  ): Promise<number> {
    let removed = 0;
    for (let start = 0; start < ids.length; start += SKILLS_PAGE) {
      // Read again under the rows' locks: a sync since the scan is neither undone nor lost.
      const locked: Array<Record<string, unknown>> = await trx('job_seekers')
        .select('id', 'skills')
        .whereIn('id', ids.slice(start, start + SKILLS_PAGE))
        .orderBy('id')
        .forUpdate();
      for (const row of locked) {
        const held = readStringArray(row.skills);
        const kept = keep(held);
        if (kept.length === held.length) continue;
        await trx('job_seekers')
          .where({ id: row.id })
          .update({ skills: JSON.stringify(kept) });
        removed += held.length - kept.length;
      }
    }
    return removed;
  }

  async purgeIdempotencyKeys(trx: Knex.Transaction, before: string): Promise<number> {
    return trx('idempotency_keys').where('created_at', '<', before).delete();
  }

  async shredKeysOfInactiveSubjects(trx: Knex.Transaction, before: string): Promise<number> {
    // By pseudonym, as the keyring stores them: retention never sees the people's ids. Giving the
    // person their data, noticing that a set's lifetime has passed, refusing suggestions (an
    // objection honoured, the AI off: nothing of the person processed), or an admin's recall of a
    // model retracting their sets (nobody followed them) is not activity: it keeps nothing longer.
    return trx('subject_keys')
      .where('created_at', '<', before)
      .whereNotExists((recent) =>
        recent
          .select(trx.raw('1'))
          .from('decision_events')
          .whereRaw('?? = ??', ['decision_events.subject', 'subject_keys.subject'])
          .andWhere('decision_events.occurred_at', '>=', before)
          .whereNotIn('decision_events.type', [
            ...ACCESS_GIVEN_EVENT_TYPES,
            'recommendation.expired',
            'suggestion.refused',
          ])
          .whereNot((recall) =>
            recall
              .where('decision_events.type', 'recommendation.retracted')
              .andWhere('decision_events.actor_role', 'admin'),
          ),
      )
      .delete();
  }

  async purgeFrozenFigureWeeks(trx: Knex.Transaction, before: string): Promise<number> {
    const lastStart = new Date(Date.parse(before) - WEEK_MS).toISOString();
    return trx('frozen_figure_weeks').where('week_start', '<=', lastStart).delete();
  }

  async findLastRunAt(trx: Knex.Transaction): Promise<string | undefined> {
    const row = await trx('decision_events')
      .where({ type: 'retention.purged' })
      .orderBy('seq', 'desc')
      .first('occurred_at');
    return row === undefined ? undefined : String(row.occurred_at);
  }
}

/**
 * A set past its retention: one whose review ended (published, discarded, withdrawn, expired:
 * `closed_at`; its creation for a set discarded before that time was kept) before `before`, a
 * retraction or replacement since changing nothing; or one still open, once past its expiry for the
 * whole period (simply never looked at again). A set is thus kept a bounded time, and the set that
 * replaced another, published after it, is purged after it (whichever was made first).
 */
function whereSetPastRetention(builder: Knex.QueryBuilder, before: string): Knex.QueryBuilder {
  return builder
    .where((ended) =>
      ended
        .whereNotIn('status', OPEN_STATUSES)
        .andWhereRaw('coalesce(??, ??) < ?', ['closed_at', 'created_at', before]),
    )
    .orWhere((stale) => stale.whereIn('status', OPEN_STATUSES).andWhere('expires_at', '<', before));
}

/**
 * A set that keeps its person from being idle: created since `before`, or still open and not past
 * its expiry for the whole period. A set published or retracted since `before`, made earlier, does
 * not: an idle profile goes with all its sets.
 */
function whereSetActiveSince(builder: Knex.QueryBuilder, before: string, table: string): Knex.QueryBuilder {
  return builder
    .where(`${table}.created_at`, '>=', before)
    .orWhere((open) =>
      open.whereIn(`${table}.status`, OPEN_STATUSES).andWhere(`${table}.expires_at`, '>=', before),
    );
}
