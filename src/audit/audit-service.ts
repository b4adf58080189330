import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { findActingRole, type Principal } from '../auth/principal.ts';
import type { Checkpoint } from '../decision-log/checkpoint-signer.ts';
import { computeKeyId, type SigningKeyRecord } from '../decision-log/checkpoint-signer.ts';
import type { RecordedDecisionEvent } from '../decision-log/decision-event.ts';
import type {
  ChainHead,
  DecisionLog,
  DecisionLogReader,
  RangeVerification,
} from '../decision-log/decision-log.ts';
import type { SubjectKeyring } from '../decision-log/subject-keyring.ts';
import {
  collectIncidents,
  describeIncident,
  INCIDENT_EVENT_TYPES,
  type IncidentListPosition,
  type IncidentStatus,
  listLatestDetectedFirst,
  positionOf,
} from '../incidents/incident.ts';
import { readNamedSetStates } from '../incidents/read-named-set-states.ts';
import type { RegisteredModel } from '../model-registry/registered-model.ts';
import type { PublishedItemCounter } from '../outcomes/course-outcome-store.ts';
import type { RecommendationStore } from '../recommendations/recommendation-store.ts';
import type { LoggedTextCheck } from '../screening/refuse-sensitive-logged-text.ts';
import type { Settings } from '../settings/settings.ts';
import { InvalidInputError } from '../shared/errors.ts';
import { takePage } from '../shared/take-page.ts';
import { isWritableInstant } from '../shared/utc-instant.ts';
import {
  attributionWeekShape,
  type ModelAttributions,
  summariseAttributions,
  tallyAttributions,
} from './attribution-stats.ts';
import type { AuditEventFilter } from './audit-event-filter.ts';
import type { AuditEventStore, StoredEvent } from './audit-event-store.ts';
import {
  type DriftReference,
  driftWeekShape,
  type ModelDrift,
  summariseDrift,
  tallyDrift,
} from './drift-stats.ts';
import type { ExportFormat } from './event-export-format.ts';
import { readArrayField, readNumberField, readRecord, readStringField } from './event-fields.ts';
import type { FigureWeekStore, WeekToFreeze } from './figure-week-store.ts';
import {
  coverNothing,
  coverWeeks,
  type FigureTally,
  type FigureWeek,
  type FigureWeekShape,
  type FrozenFigure,
  figurePeriodOf,
  settleFigureWeek,
  type WeekCovered,
  weekToFreeze,
} from './figure-weeks.ts';
import { createLoggedTextCheck } from './logged-text-check.ts';
import {
  OUTCOME_FIGURE_EVENT_TYPES,
  type OutcomeRow,
  outcomeWeekShape,
  summariseOutcomes,
  tallyOutcomes,
} from './outcome-stats.ts';
import {
  computeOversightReport,
  type ManualSecondReviewRow,
  OVERSIGHT_READING_EVENT_TYPES,
  OVERSIGHT_REVIEW_EVENT_TYPES,
  type OversightRow,
} from './oversight-stats.ts';
import { collectLatestObjections, leaveOutObjectedPeople } from './sets-before-objection.ts';
import { computeUsageStats, USAGE_EVENT_TYPES, type UsageCounts, type UsageWeek } from './usage-stats.ts';

export interface AuditServiceDeps {
  events: AuditEventStore;
  /** The log: appends `audit.queried`, and gives the head, checkpoints and verification. */
  log: DecisionLog & DecisionLogReader;
  /** Opens the sealed feature vectors for drift; an erased job seeker's can no longer be opened. */
  keyring: Pick<SubjectKeyring, 'decryptPersonal'>;
  /** The registry, read in the drift figures' transaction: the models as the log stands at its head. */
  models: { listModels(trx: Knex.Transaction): Promise<RegisteredModel[]> };
  settings: { getSettings(): Promise<Settings> };
  /** The sets held, to tell where a set an incident names stands (held, erased or purged). */
  sets: Pick<RecommendationStore, 'listHeldIds'>;
  /** The approved items published, counted for the outcome figures (the outcomes are read from the log). */
  outcomes: PublishedItemCounter;
  /** Attribution, drift and outcome figures resting on fewer job seekers are withheld (`AUDIT_MIN_PEOPLE`). */
  minPeoplePerFigure: number;
  /** The finished weeks of those figures, frozen the first time they are given. */
  figureWeeks: FigureWeekStore;
  /**
   * The log period (`RETENTION_LOG_DAYS`): those figures start with its first whole week, since the
   * retention deletes the frozen weeks ended before it.
   */
  logDays: number;
  /** The pseudonym the log gives an id: a purpose naming a job seeker is told by it. */
  pseudonymise(id: string): string;
  /** The clock: the figures opened from sealed parts stop at the last week over for an hour. */
  now(): Date;
  /** Told each verification's verdict (the operators' metrics). */
  onVerified?: (verification: { ok: boolean }) => void;
}

/** Who asks, and why: every auditor query states its purpose and is itself logged. */
export interface AuditRequest {
  /** The caller: an auditor, or an admin where the operation admits one (the incidents). */
  auditor: Principal;
  purpose: string;
  /**
   * The caller takes the answer's headers alone (HTTP HEAD): the result is worked out, and its trace
   * logged, but none of it is handed over beyond what the headers carry (an export's count and seqs).
   */
  headersOnly?: boolean;
}

/** A time range over the log; both ends optional (ISO 8601 in UTC). */
export interface AuditPeriod {
  from?: string;
  to?: string;
}

export interface AuditEventsPage {
  events: RecordedDecisionEvent[];
  /** The seq to continue after, or null when this was the last page. */
  nextAfterSeq: number | null;
}

export interface AuditExport {
  /** The head when the export began: later events are left out. */
  toSeq: number;
  /** The seq of the first event exported, null when none matched: cutting the start off shows. */
  fromSeq: number | null;
  count: number;
  events: AsyncIterable<StoredEvent>;
}

export interface AuditVerification extends RangeVerification {
  /** The head of the log after the verification. */
  head: ChainHead;
}

export interface CheckpointsPage {
  checkpoints: Checkpoint[];
  nextAfterSeq: number | null;
}

export interface IncidentsPage {
  incidents: IncidentStatus[];
  /** The position to continue after, or null when this was the last page. */
  nextAfter: IncidentListPosition | null;
}

export interface AuditPublicKey {
  algorithm: 'Ed25519';
  /** RFC 7638 thumbprint of the key in use, as in each checkpoint's `keyId`. */
  keyId: string;
  publicKeyPem: string;
  /** Every key that has signed checkpoints, oldest first: the one in use, and any a rotation retired. */
  keys: SigningKeyRecord[];
}

export interface OversightReport extends AuditPeriod {
  fastDecisionSeconds: number;
  /** Each with the part of its week the period covers. */
  rows: Array<OversightRow & WeekCovered>;
  manualSecondReviews: Array<ManualSecondReviewRow & WeekCovered>;
}

export interface UsageReport extends AuditPeriod {
  /** Each with the part of its week the period covers. */
  weeks: Array<UsageWeek & WeekCovered>;
  total: UsageCounts;
}

export interface AttributionReport extends AuditPeriod {
  models: ModelAttributions[];
}

export interface OutcomeReport extends AuditPeriod {
  rows: OutcomeRow[];
}

export interface DriftStatsReport extends AuditPeriod {
  models: ModelDrift[];
  unknownModelSets: number;
}

/**
 * The auditor's side of the decision log (issue 4): filtered reads, streamed exports,
 * verification, checkpoints and the oversight, attribution, drift and outcome figures, all
 * computed from the log itself (the outcome figures count the items published from the sets held).
 * Every query appends `audit.queried` with its
 * purpose before any result is handed back: no read leaves without its trace.
 */
export class AuditService {
  readonly #checkLoggedText: LoggedTextCheck;

  constructor(private readonly deps: AuditServiceDeps) {
    this.#checkLoggedText = createLoggedTextCheck(deps);
  }

  /**
   * Checks the purpose of a request before any work is done: it is recorded in the public part of
   * `audit.queried`, readable for as long as the log is kept, where erasure cannot reach it (see
   * `createLoggedTextCheck`: no sensitive facts, no id of a job seeker or staff member the log names;
   * an auditor follows a person by pseudonym, the events' `subject` or actor).
   */
  private async checkPurpose(request: AuditRequest, operation: string): Promise<void> {
    await this.#checkLoggedText(
      { actor: actorOf(request), operation },
      { header: 'X-Audit-Purpose' },
      request.purpose,
      'state the purpose',
    );
  }

  /**
   * Checks the filters that name someone or something, as the purpose is checked: `audit.queried`
   * keeps them in clear beside it, for good. The subject and the actor are pseudonyms: a person's id
   * given in their place (a job seeker's, a counselor's) is refused, with the purpose's refusal and
   * its trace, and would match no event anyway. A pseudonym is letters drawn at random, in which a
   * sensitive term would be chance: those two are searched for ids only. A model version is any text,
   * and a model id letters an admin chose: both are checked whole.
   */
  private async checkFilter(
    request: AuditRequest,
    operation: string,
    filter: AuditEventFilter,
  ): Promise<void> {
    for (const [parameter, ask] of FILTERS_NAMING_SOMEONE) {
      const value = filter[parameter];
      if (value === undefined) continue;
      await this.#checkLoggedText(
        { actor: actorOf(request), operation },
        { parameter },
        value,
        ask,
        parameter === 'modelVersion' || parameter === 'modelId' ? {} : { allowSensitiveTerms: true },
      );
    }
  }

  /** One page of events, oldest first, as recorded (pseudonyms, sealed personal parts). */
  async listEvents(
    request: AuditRequest,
    filter: AuditEventFilter,
    page: { afterSeq: number; limit: number },
  ): Promise<AuditEventsPage> {
    await this.checkPurpose(request, 'listAuditEvents');
    await this.checkFilter(request, 'listAuditEvents', filter);
    checkPeriod(filter);
    const found = await this.deps.events.listEvents(filter, {
      afterSeq: page.afterSeq,
      limit: page.limit + 1,
    });
    const { items: events, next } = takePage(found, page.limit);
    await this.record(request, 'listAuditEvents', { ...filter, afterSeq: page.afterSeq }, events.length, {
      setSubject: await this.findSetSubject(filter),
    });
    return { events, nextAfterSeq: next?.seq ?? null };
  }

  /**
   * Every matching event up to the current head, to be streamed out. The query (with its count)
   * is logged first; the events are then read page by page as the caller consumes them.
   */
  async exportEvents(
    request: AuditRequest,
    filter: AuditEventFilter,
    format: ExportFormat,
  ): Promise<AuditExport> {
    await this.checkPurpose(request, 'exportAuditEvents');
    await this.checkFilter(request, 'exportAuditEvents', filter);
    checkPeriod(filter);
    // Signed at the head on demand, so that a signature covers the whole export offline.
    const checkpoint = await this.deps.log.createCheckpoint();
    const toSeq = checkpoint?.seq ?? 0;
    const count = await this.deps.events.countEvents(filter, toSeq);
    const [first] = await this.deps.events.listEvents(filter, { afterSeq: 0, limit: 1, toSeq });
    await this.record(request, 'exportAuditEvents', { ...filter, format, toSeq }, count, {
      setSubject: await this.findSetSubject(filter),
    });
    return {
      toSeq,
      fromSeq: first?.seq ?? null,
      count,
      events: this.deps.events.streamStoredEvents(filter, toSeq),
    };
  }

  /** Verifies the chain from `fromSeq` (default 1) to `toSeq` (default: the head). */
  async verify(
    request: AuditRequest,
    range: { fromSeq?: number; toSeq?: number },
  ): Promise<AuditVerification> {
    await this.checkPurpose(request, 'verifyAuditLog');
    const verification = await this.deps.log.verifyRange(range.fromSeq, range.toSeq);
    await this.record(request, 'verifyAuditLog', range, verification.checked);
    this.deps.onVerified?.(verification);
    return { ...verification, head: await this.deps.log.readHead() };
  }

  /** Signed checkpoints after the cursor (and up to `toSeq`), in seq order. */
  async listCheckpoints(
    request: AuditRequest,
    page: { afterSeq: number; limit: number; toSeq?: number },
  ): Promise<CheckpointsPage> {
    await this.checkPurpose(request, 'listAuditCheckpoints');
    const { toSeq } = page;
    const found = (
      await this.deps.log.listCheckpoints({ afterSeq: page.afterSeq, limit: page.limit + 1 })
    ).filter((checkpoint) => toSeq === undefined || checkpoint.seq <= toSeq);
    const { items: checkpoints, next } = takePage(found, page.limit);
    await this.record(request, 'listAuditCheckpoints', page, checkpoints.length);
    return { checkpoints, nextAfterSeq: next?.seq ?? null };
  }

  /** The Ed25519 public key that verifies the checkpoints. */
  async readPublicKey(request: AuditRequest): Promise<AuditPublicKey> {
    await this.checkPurpose(request, 'getAuditPublicKey');
    const publicKeyPem = this.deps.log.exportPublicKeyPem();
    const keys = await this.deps.log.listSigningKeys();
    await this.record(request, 'getAuditPublicKey', {}, keys.length);
    return {
      algorithm: 'Ed25519',
      keyId: computeKeyId(crypto.createPublicKey(publicKeyPem)),
      publicKeyPem,
      keys,
    };
  }

  /**
   * Reliance figures per counselor, model version and ISO week, for the sets generated in the
   * period; `fastDecisionSeconds` defaults to the current setting.
   */
  async computeOversight(
    request: AuditRequest,
    period: AuditPeriod,
    fastDecisionSeconds?: number,
  ): Promise<OversightReport> {
    await this.checkPurpose(request, 'getOversightStats');
    checkPeriod(period);
    const threshold = fastDecisionSeconds ?? (await this.deps.settings.getSettings()).fastDecisionSeconds;
    const { seq: toSeq } = await this.deps.log.readHead();
    // A set is reviewed while it lives: its reviews are over within its lifetime after the period,
    // or within the lifetime a second review gave it anew. A period ending in the last days of 9999
    // has its reviews end where no date-time can be written: they are read up to the head.
    const reviewsEnd =
      period.to === undefined
        ? undefined
        : Date.parse(period.to) + (await this.readLongestSetLifetimeHours()) * 3_600_000;
    const reviewsUntil =
      reviewsEnd === undefined || !isWritableInstant(reviewsEnd)
        ? undefined
        : laterOf(new Date(reviewsEnd).toISOString(), await this.readLatestRenewedExpiry(period.from));
    const { events } = this.deps;
    const reviews = events.streamContents(
      { types: OVERSIGHT_REVIEW_EVENT_TYPES, ...pickDefined({ from: period.from, to: reviewsUntil }) },
      toSeq,
    );
    // People read their explanations whenever they like: every reading up to the head counts.
    const readings = events.streamContents(
      { types: OVERSIGHT_READING_EVENT_TYPES, ...pickDefined({ from: period.from }) },
      toSeq,
    );
    // In seq order, so that a set's retraction drops its items once the readings before it are taken.
    const { rows, manualSecondReviews } = await computeOversightReport(inSeqOrder(reviews, readings), {
      ...period,
      fastDecisionSeconds: threshold,
    });
    const readAt = await this.record(
      request,
      'getOversightStats',
      { ...period, fastDecisionSeconds: threshold, reviewsUntil, toSeq },
      rows.length + manualSecondReviews.length,
    );
    return {
      ...period,
      fastDecisionSeconds: threshold,
      rows: coverWeeks(rows, period, readAt),
      manualSecondReviews: coverWeeks(manualSecondReviews, period, readAt),
    };
  }

  /**
   * How much the system was used, week by week, for the whole deployment: sets suggested and made by
   * hand, refusals by reason, publications and the people they reached, retractions, contests and
   * objections, and the same for the whole period. From the public parts of the log, events counted
   * in the week they happened.
   */
  async computeUsage(request: AuditRequest, period: AuditPeriod): Promise<UsageReport> {
    await this.checkPurpose(request, 'getUsageStats');
    checkPeriod(period);
    const { seq: toSeq } = await this.deps.log.readHead();
    const figures = await computeUsageStats(
      this.deps.events.streamContents(
        { types: USAGE_EVENT_TYPES, ...pickDefined({ from: period.from, to: period.to }) },
        toSeq,
      ),
    );
    const readAt = await this.record(request, 'getUsageStats', { ...period, toSeq }, figures.weeks.length);
    return { ...period, weeks: coverWeeks(figures.weeks, period, readAt), total: figures.total };
  }

  /**
   * Mean absolute stored attribution per feature and model version, over the sets generated in the
   * period: its whole weeks within the log period and over for an hour, unless every figure may be given (`figurePeriodOf`). Sets
   * of erased job seekers cannot be opened any more: they are skipped and counted.
   */
  async computeAttributions(request: AuditRequest, asked: AuditPeriod): Promise<AttributionReport> {
    await this.checkPurpose(request, 'getAttributionStats');
    checkPeriod(asked);
    const { seq: toSeq } = await this.deps.log.readHead();
    const period = await this.cutFigurePeriod(asked, toSeq);
    const tally = await tallyAttributions(await this.streamGeneratedSets(period, toSeq), (sealed) =>
      this.deps.keyring.decryptPersonal(sealed),
    );
    const models = summariseAttributions(
      await this.settleWeeks('attributions', period, tally, attributionWeekShape),
      this.deps.minPeoplePerFigure,
    );
    await this.record(request, 'getAttributionStats', { ...period, toSeq }, models.length, {
      minPeople: this.deps.minPeoplePerFigure,
    });
    return { ...period, models };
  }

  /**
   * Population stability index per feature between each model's training reference and the
   * vectors it scored in the period, cut to whole weeks as the attributions are. Sets of erased job seekers cannot be opened any more: they
   * are skipped and counted.
   */
  async computeDrift(request: AuditRequest, asked: AuditPeriod): Promise<DriftStatsReport> {
    await this.checkPurpose(request, 'getDriftStats');
    checkPeriod(asked);
    // The registry behind the head's lock, as the access record reads it: read apart from the head,
    // it could lack a model registered meanwhile whose sets the log holds up to it (counted as of an
    // unknown model), or state active a model another activation has since retired.
    const { toSeq, registered } = await this.deps.log.withTransaction(async (trx) => ({
      toSeq: (await this.deps.log.lockHead(trx)).seq,
      registered: await this.deps.models.listModels(trx),
    }));
    const period = await this.cutFigurePeriod(asked, toSeq);
    const references = new Map<string, DriftReference>(
      registered.map((model) => [
        model.id,
        {
          modelId: model.id,
          modelVersion: model.version,
          active: model.status === 'active',
          distributions: model.manifest.referenceDistributions,
        },
      ]),
    );
    const tally = await tallyDrift(await this.streamGeneratedSets(period, toSeq), references, (sealed) =>
      this.deps.keyring.decryptPersonal(sealed),
    );
    const report = summariseDrift(
      await this.settleWeeks('drift', period, tally, driftWeekShape),
      references,
      this.deps.minPeoplePerFigure,
    );
    await this.record(request, 'getDriftStats', { ...period, toSeq }, report.models.length, {
      minPeople: this.deps.minPeoplePerFigure,
    });
    return { ...period, ...report };
  }

  /**
   * What became of the courses proposed, per model version and source (`computeOutcomeStats`): the
   * outcomes recorded in the period, read from the log's `outcome.recorded` events up to the head
   * (with the objections recorded up to it, which take a person's earlier outcomes out), cut to
   * whole weeks as the attributions are: outcomes are the job seekers' data, and a week already
   * over must not change when one more is recorded or replaced (its values would come out by
   * subtraction). Beside them, the approved items published in the period, counted from the sets.
   */
  async computeOutcomes(request: AuditRequest, asked: AuditPeriod): Promise<OutcomeReport> {
    await this.checkPurpose(request, 'getOutcomeStats');
    checkPeriod(asked);
    const { seq: toSeq } = await this.deps.log.readHead();
    const period = await this.cutFigurePeriod(asked, toSeq);
    const tally = await tallyOutcomes(
      // The objections recorded after the period count too: an objection takes earlier outcomes out
      // of the weeks not yet given.
      this.deps.events.streamEvents(
        { types: OUTCOME_FIGURE_EVENT_TYPES, ...pickDefined({ from: period.from }) },
        toSeq,
      ),
      period,
      (sealed) => this.deps.keyring.decryptPersonal(sealed),
    );
    const rows = summariseOutcomes(
      await this.settleWeeks('outcomes', period, tally, outcomeWeekShape),
      await this.deps.outcomes.countPublishedItems(period),
      this.deps.minPeoplePerFigure,
    );
    await this.record(request, 'getOutcomeStats', { ...period, toSeq }, rows.length, {
      minPeople: this.deps.minPeoplePerFigure,
    });
    return { ...period, rows };
  }

  /**
   * One page of the incidents recorded (`incident.recorded`, with its `incident.notified`), the
   * latest detected first, after the cursor's position, with where each one's reporting stands
   * today. Read from the log, the incidents' only record: every incident is read to order them (they
   * are few), and each page carries every notification recorded up to the head.
   */
  async listIncidents(
    request: AuditRequest,
    page: { after?: IncidentListPosition; limit: number },
  ): Promise<IncidentsPage> {
    await this.checkPurpose(request, 'listIncidents');
    const { seq: toSeq } = await this.deps.log.readHead();
    const found = listLatestDetectedFirst(
      await collectIncidents(this.deps.events.streamContents({ types: INCIDENT_EVENT_TYPES }, toSeq)),
      page.after,
    );
    const { items, next } = takePage(found, page.limit);
    await this.record(request, 'listIncidents', { ...page, toSeq }, items.length);
    const setStates = await readNamedSetStates(
      this.deps,
      items.flatMap(({ incident }) => incident.setIds),
    );
    const now = this.deps.now();
    return {
      incidents: items.map(({ incident }) => describeIncident(incident, now, setStates)),
      nextAfter: next === undefined ? null : positionOf(next),
    };
  }

  /**
   * The `recommendation.generated` events of the period up to `toSeq` that the attribution and drift
   * figures may open: those of people who objected to AI processing since are left out. Their
   * objections are read first, from the period's start up to the head (an objection after the
   * period takes its earlier sets out of the weeks not given yet; those given stay as given).
   */
  private async streamGeneratedSets(
    period: AuditPeriod,
    toSeq: number,
  ): Promise<AsyncIterable<RecordedDecisionEvent>> {
    const objections = await collectLatestObjections(
      this.deps.events.streamContents(
        { types: ['objection.recorded'], ...pickDefined({ from: period.from }) },
        toSeq,
      ),
    );
    return leaveOutObjectedPeople(this.deps.events.streamEvents(generatedIn(period), toSeq), objections);
  }

  /**
   * The weeks of a figure as given: each row of a finished week as it was the first time it was
   * given, the others frozen now if given now. A row's totals thus never change once given, whoever
   * leaves them since (an erasure, an objection): read before and after, they would give that
   * person's values back by subtraction, whatever number of people each read rests on. Only the rows
   * given are frozen (resting on `AUDIT_MIN_PEOPLE`, the minimum in force at that read, or more): a
   * row below it is worked out from the log at each read and withheld, nothing of it given, so
   * nothing of it to subtract; once the minimum is lowered it is worked out then (the people erased
   * meanwhile already out) and frozen as first given. A frozen row below the minimum then in force
   * is withheld (raising it hides). Rows frozen withheld by older code, without their sums, count as
   * not frozen. Two readers freezing the same week at once keep the first one's rows, read back by
   * both; a row given but not frozen in the end (readers racing thrice) is withheld at this read.
   * With a minimum of one person every figure may be given, partial weeks included, and nothing is
   * frozen. The people of each row are counted live (see `FigureTally`).
   */
  private async settleWeeks<R, W extends FigureWeek<R>>(
    figure: FrozenFigure,
    period: AuditPeriod,
    tally: FigureTally<W>,
    shape: FigureWeekShape<R, W>,
  ): Promise<FigureTally<W>> {
    const { to } = period;
    const minPeople = this.deps.minPeoplePerFigure;
    if (minPeople <= 1 || to === undefined) return tally;
    const store = this.deps.figureWeeks;
    const weeksOf = { ...(period.from === undefined ? {} : { from: period.from }), to };
    let stored = await store.listFrozenWeeks(figure, weeksOf);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const additions = new Map<number, WeekToFreeze>();
      for (const [week, live] of tally.weeks) {
        const frozen = stored.get(week);
        const totals = weekToFreeze(
          live,
          frozen === undefined ? undefined : shape.readWeek(frozen),
          shape,
          minPeople,
        );
        if (totals !== undefined)
          additions.set(week, { totals, ...(frozen === undefined ? {} : { replacing: frozen }) });
      }
      if (additions.size === 0) break;
      await store.freezeWeeks(figure, additions, this.deps.now().toISOString());
      stored = await store.listFrozenWeeks(figure, weeksOf);
    }
    const weeks = new Map<number, W>();
    for (const week of new Set([...tally.weeks.keys(), ...stored.keys()])) {
      const frozen = stored.get(week);
      const settled = settleFigureWeek(
        tally.weeks.get(week),
        frozen === undefined ? undefined : shape.readWeek(frozen),
        shape,
      );
      if (settled !== undefined) weeks.set(week, settled);
    }
    return { ...tally, weeks };
  }

  /**
   * The longest lifetime a set may have had: `setTtlHours` now, or at any time the log recorded
   * a change of it. No set can be opened or decided after it.
   */
  private async readLongestSetLifetimeHours(): Promise<number> {
    let longest = (await this.deps.settings.getSettings()).setTtlHours;
    for await (const event of this.deps.events.streamContents({ types: ['settings.changed'] })) {
      for (const change of readArrayField(readRecord(event.payload), 'changes')) {
        const fields = readRecord(change);
        if (readStringField(fields, 'setting') !== 'setTtlHours') continue;
        for (const hours of [readNumberField(fields, 'from'), readNumberField(fields, 'to')]) {
          if (hours !== undefined) longest = Math.max(longest, hours);
        }
      }
    }
    return longest;
  }

  /**
   * The latest expiry given anew to a set by a second review (handed to the second reviewer, or
   * returned) since `from`: a set generated in a period may be reviewed until then. Renewals come
   * after the set was generated, so none older than the period's start matters.
   */
  private async readLatestRenewedExpiry(from: string | undefined): Promise<string | undefined> {
    let latest: string | undefined;
    const renewals = this.deps.events.streamContents({
      types: ['second_review.requested', 'second_review.completed'],
      ...pickDefined({ from }),
    });
    for await (const event of renewals) {
      const expiresAt = readStringField(readRecord(event.payload), 'expiresAt');
      latest = latest === undefined ? expiresAt : laterOf(latest, expiresAt);
    }
    return latest;
  }

  /**
   * The period the figures opened from sealed parts are given for (`figurePeriodOf`), or one covering
   * nothing, as `figurePeriodOf` answers it, when the log holds no event in the period asked up to
   * `toSeq`: a period before the deployment, or still to come, would otherwise read as weeks in which
   * nothing happened. A period asked holding events that the cut leaves out (the week in progress,
   * say) keeps the cut, which says where the figures stop.
   */
  private async cutFigurePeriod(asked: AuditPeriod, toSeq: number): Promise<AuditPeriod> {
    const period = figurePeriodOf(asked, this.deps.now(), {
      minPeople: this.deps.minPeoplePerFigure,
      logDays: this.deps.logDays,
    });
    const start = period.from ?? period.to;
    if (start === undefined || period.from === period.to) return period;
    const [held] = await this.deps.events.listEvents(pickDefined({ from: asked.from, to: asked.to }), {
      afterSeq: 0,
      limit: 1,
      toSeq,
    });
    return held === undefined ? coverNothing(Date.parse(start), asked) : period;
  }

  /**
   * The pseudonym of the person a set whose trail is read (`setId`) was made for, the subject of its
   * first event: the read is one of that person's data, which their access record lists. Undefined
   * without the filter, or for a set the log does not name.
   */
  private async findSetSubject(filter: AuditEventFilter): Promise<string | undefined> {
    if (filter.setId === undefined) return undefined;
    const [first] = await this.deps.events.listEvents({ setId: filter.setId }, { afterSeq: 0, limit: 1 });
    return first?.subject ?? undefined;
  }

  /**
   * Appends `audit.queried`: who asked, why, with which filters, how much came back, and whether only
   * the answer's headers were taken. Returns the time the log gives it, the moment of the read: the
   * log's time never goes back, so no event read is later, even one another process stamped with a
   * clock ahead of this one.
   */
  private async record(
    request: AuditRequest,
    operation: string,
    filters: Record<string, unknown>,
    resultCount: number,
    noted: {
      /** For the figures resting on enough people: the minimum (`AUDIT_MIN_PEOPLE`) they were given under. */
      minPeople?: number;
      /** For a set's trail: the person it was made for (`findSetSubject`). */
      setSubject?: string | undefined;
    } = {},
  ): Promise<string> {
    const { occurredAt } = await this.deps.log.withTransaction((trx) =>
      this.deps.log.append(trx, {
        type: 'audit.queried',
        actor: actorOf(request),
        payload: {
          operation,
          purpose: request.purpose,
          filters: pickDefined(filters),
          ...pickDefined(noted),
          resultCount,
          ...(request.headersOnly === true ? { headersOnly: true } : {}),
        },
      }),
    );
    return occurredAt;
  }
}

/** The filters kept in clear that may name someone, each with what the refusal asks for instead. */
const FILTERS_NAMING_SOMEONE: ReadonlyArray<
  readonly ['subject' | 'actor' | 'modelVersion' | 'modelId', string]
> = [
  ['subject', 'give the job seeker’s pseudonym (the `subject` of their events)'],
  ['actor', 'give the actor’s pseudonym (the `actor` of their events)'],
  ['modelVersion', 'give the version of a model'],
  ['modelId', 'give the id of a registered model'],
];

/** The caller as the log records them: an auditor, or an admin where the operation admits one. */
function actorOf({ auditor }: AuditRequest): { role: 'auditor' | 'admin'; id: string } {
  return { role: findActingRole(auditor, ['auditor', 'admin']), id: auditor.subject };
}

/** The events of two streams, each in seq order, merged in seq order. */
async function* inSeqOrder<T extends { seq: number }>(
  a: AsyncIterable<T>,
  b: AsyncIterable<T>,
): AsyncIterable<T> {
  const left = a[Symbol.asyncIterator]();
  const right = b[Symbol.asyncIterator]();
  let nextLeft = await left.next();
  let nextRight = await right.next();
  while (nextLeft.done !== true || nextRight.done !== true) {
    if (nextRight.done === true || (nextLeft.done !== true && nextLeft.value.seq < nextRight.value.seq)) {
      yield nextLeft.value;
      nextLeft = await left.next();
    } else {
      yield nextRight.value;
      nextRight = await right.next();
    }
  }
}

function generatedIn(period: AuditPeriod): AuditEventFilter {
  return { types: ['recommendation.generated'], ...pickDefined({ from: period.from, to: period.to }) };
}

/** The rule a period breaks when it ends where, or before, it starts. */
export const PERIOD_ORDER_RULE = 'the period must end after it starts';

/**
 * A period given in the log's milliseconds that ends before it starts is refused. One that ends where it
 * starts covers nothing: it comes from bounds asked apart within one millisecond, both rounded up to
 * the next (the route refuses bounds asked equal, which it alone sees as asked).
 */
function checkPeriod(period: AuditPeriod): void {
  if (period.from !== undefined && period.to !== undefined && period.from > period.to) {
    throw new InvalidInputError(PERIOD_ORDER_RULE, { from: period.from, to: period.to });
  }
}

/** The object without its undefined members (optional properties, and no JSON form in the log). */
function pickDefined<T extends Record<string, unknown>>(
  value: T,
): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, member]) => member !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

/** The later of two ISO 8601 instants; `a` when `b` is missing. */
function laterOf(a: string, b: string | undefined): string {
  return b !== undefined && Date.parse(b) > Date.parse(a) ? b : a;
}
