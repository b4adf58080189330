import type { Knex } from 'knex';
import type { AuditEventStore } from '../audit/audit-event-store.ts';
import { findActingRole, type Principal } from '../auth/principal.ts';
import type { DecisionEvent, NewDecisionEvent } from '../decision-log/decision-event.ts';
import type { DecisionLog } from '../decision-log/decision-log.ts';
import type { IdempotencyStore } from '../idempotency/idempotency-store.ts';
import {
  describeIdempotentRequest,
  type IdempotentRequest,
  matchFirstAnswer,
} from '../idempotency/idempotent-request.ts';
import type { ModelStore } from '../model-registry/model-store.ts';
import type { RecommendationStore } from '../recommendations/recommendation-store.ts';
import type { LoggedTextCheck, LoggedTextWriter } from '../screening/refuse-sensitive-logged-text.ts';
import { type ScreeningWarning, screenText } from '../screening/sensitive-terms.ts';
import { InvalidInputError, NotFoundError, problemType } from '../shared/errors.ts';
import { requireShownText } from '../shared/shown-text.ts';
import { createTimeOrderedId } from '../shared/time-ordered-id.ts';
import { isWritableInstant } from '../shared/utc-instant.ts';
import {
  collectIncidents,
  describeIncident,
  INCIDENT_EVENT_TYPES,
  type Incident,
  type IncidentRecipient,
  type IncidentSeverity,
  type IncidentStatus,
  type NamedSetState,
} from './incident.ts';
import { readNamedSetStates } from './read-named-set-states.ts';

export interface IncidentServiceDeps {
  log: DecisionLog;
  /** Where incidents are read back from (the log's `incident.*` events), and where the log begins. */
  events: Pick<AuditEventStore, 'streamContents' | 'listEvents'>;
  models: Pick<ModelStore, 'findById'>;
  /** The sets held, to tell where a set an incident names stands. */
  sets: Pick<RecommendationStore, 'listHeldIds'>;
  /** The check of a text the log keeps readable for good (no invisible characters, no person's id). */
  checkLoggedText: LoggedTextCheck;
  /** The first answers to recordings made with an Idempotency-Key, per caller. */
  idempotency: IdempotencyStore;
  /**
   * How far ahead of this clock an instant the caller gives may be: the console's clock and this
   * one disagree a little (`AUTH_CLOCK_TOLERANCE_SECONDS`, the tolerance tokens get).
   */
  clockToleranceMs: number;
  now(): Date;
}

export interface NewIncident {
  summary: string;
  severity: IncidentSeverity;
  detectedAt: string;
  modelId?: string;
  setIds?: readonly string[];
  measures?: string;
  /** Record texts that seem to mention sensitive information as written (refused otherwise). */
  acknowledgeSensitiveTerms?: boolean;
}

export interface NewIncidentNotification {
  recipient: IncidentRecipient;
  notifiedAt: string;
  reference?: string;
}

/** The answer to a recording: the incident as it stands once recorded, and the warnings confirmed. */
export interface IncidentAnswer {
  incident: IncidentStatus;
  warnings: ScreeningWarning[];
}

/** An answer, and whether it replays the first answer to the same Idempotency-Key and body. */
export interface RecordedAnswer extends IncidentAnswer {
  replayed: boolean;
}

/** The roles that record incidents, in the order one is picked for a caller holding both. */
const INCIDENT_ROLES = ['auditor', 'admin'] as const;

/**
 * The deployer's record of incidents (AI Act Art. 26(5), Art. 73). The decision log is the record:
 * each incident is one `incident.recorded` event and each report of it one `incident.notified`,
 * hash-chained and covered by the signed checkpoints; no table of their own, nothing to update.
 */
export class IncidentService {
  constructor(private readonly deps: IncidentServiceDeps) {}

  /**
   * Appends `incident.recorded`. The model named must be one the registry holds, and the sets named
   * ones the log records the making of (held still, or erased or purged since), and the detection neither in the future (beyond the clock tolerance) nor before the log's first
   * event. The summary and measures stay readable for good, where erasure cannot reach them:
   * invisible characters and people's ids are refused, and sensitive terms too unless the writer
   * confirms them (an incident may have to name the group it concerned). A retry with the same Idempotency-Key and input gets the first answer
   * and records nothing; the key with another input is refused (422).
   */
  async recordIncident(
    actor: Principal,
    input: NewIncident,
    idempotencyKey: string,
  ): Promise<RecordedAnswer> {
    const request = describeIdempotentRequest('recordIncident', '', input);
    const replay = await this.findReplay(actor, idempotencyKey, request);
    if (replay !== undefined) return replay;

    const now = this.deps.now();
    const summary = requireShownText('summary', input.summary);
    const measures = input.measures === undefined ? null : requireShownText('measures', input.measures);
    const detectedAt = this.readPastInstant('detectedAt', input.detectedAt, now);
    await this.refuseBeforeLogBegan(detectedAt, now);
    const warnings = await this.checkTexts(
      writerOf(actor, 'recordIncident'),
      [
        ['summary', summary],
        ['measures', measures],
      ],
      input.acknowledgeSensitiveTerms === true,
    );
    const modelId = input.modelId ?? null;
    const setIds = [...new Set(input.setIds ?? [])];
    const payload = {
      incidentId: createTimeOrderedId(now.getTime()),
      severity: input.severity,
      detectedAt,
      summary,
      measures,
      modelId,
      setIds,
      ...(warnings.length === 0 ? {} : { sensitiveTermsAcknowledged: true }),
    };
    return this.appendOnce(
      actor,
      idempotencyKey,
      request,
      { type: 'incident.recorded', payload },
      (trx) => this.refuseUnknownNames(modelId, setIds, trx),
      (event, setStates) => {
        const incident: Incident = {
          ...payload,
          sensitiveTermsAcknowledged: warnings.length > 0,
          recordedAt: event.occurredAt,
          recordedBy: { ...event.actor },
          notifications: [],
        };
        return { incident: describeIncident(incident, now, setStates), warnings };
      },
    );
  }

  /**
   * Appends `incident.notified`: the provider or the authority was informed of the incident, at
   * `notifiedAt` (neither in the future, beyond the clock tolerance, nor before the detection). Each
   * report is recorded, an initial one and a complete one alike; a retry with the same
   * Idempotency-Key and input is not (it gets the first answer), and the key with another input or
   * incident is refused (422). Answers the incident with every notification recorded.
   */
  async recordNotification(
    actor: Principal,
    incidentId: string,
    input: NewIncidentNotification,
    idempotencyKey: string,
  ): Promise<RecordedAnswer> {
    const request = describeIdempotentRequest('recordIncidentNotification', incidentId, input);
    const replay = await this.findReplay(actor, idempotencyKey, request);
    if (replay !== undefined) return replay;

    const now = this.deps.now();
    const incident = await this.findIncident(incidentId);
    if (incident === undefined) throw new NotFoundError(`incident ${incidentId} was not found`);
    const notifiedAt = this.readPastInstant('notifiedAt', input.notifiedAt, now);
    if (Date.parse(notifiedAt) < Date.parse(incident.detectedAt)) {
      throw new InvalidInputError(
        `notifiedAt (${notifiedAt}) is before the incident was detected (${incident.detectedAt})`,
        { field: 'notifiedAt' },
      );
    }
    const reference = input.reference?.trim() ?? null;
    if (reference !== null) {
      await this.deps.checkLoggedText(
        writerOf(actor, 'recordIncidentNotification'),
        { field: 'reference' },
        reference,
        'give the reference of the report',
      );
    }
    const payload = { incidentId, recipient: input.recipient, notifiedAt, reference };
    return this.appendOnce(
      actor,
      idempotencyKey,
      request,
      { type: 'incident.notified', payload },
      (trx) => readNamedSetStates(this.deps, incident.setIds, trx),
      (event, setStates) => {
        incident.notifications.push({
          recipient: input.recipient,
          notifiedAt,
          reference,
          recordedAt: event.occurredAt,
          recordedBy: { ...event.actor },
        });
        return { incident: describeIncident(incident, now, setStates), warnings: [] };
      },
    );
  }

  /**
   * Appends the event and keeps its answer under the caller's Idempotency-Key, in one transaction,
   * once `checkWith` has found in it what the event names (a refusal there records nothing), and
   * where the sets the incident names stand, which the answer tells.
   * The key is read again inside it, under the log's lock that every writer takes first: of two
   * identical retries sent together, the second waits for the first to commit, then finds its key
   * and answers as it did, with no second event.
   */
  private async appendOnce(
    actor: Principal,
    idempotencyKey: string,
    request: IdempotentRequest,
    event: Pick<NewDecisionEvent, 'type' | 'payload'>,
    checkWith: (trx: Knex.Transaction) => Promise<ReadonlyMap<string, NamedSetState>>,
    answerWith: (recorded: DecisionEvent, setStates: ReadonlyMap<string, NamedSetState>) => IncidentAnswer,
  ): Promise<RecordedAnswer> {
    const { log, idempotency } = this.deps;
    return log.withTransaction(async (trx) => {
      const raced = await this.findReplay(actor, idempotencyKey, request, trx);
      if (raced !== undefined) return raced;
      const setStates = await checkWith(trx);
      const recorded = await log.append(trx, { ...event, actor: actorOf(actor) });
      const answer = answerWith(recorded, setStates);
      // The whole answer is kept: an incident names no person (its texts are checked for that), and
      // the log never changes what it answered from.
      await idempotency.insert(trx, {
        subject: actor.subject,
        key: idempotencyKey,
        operation: request.operation,
        requestHash: request.requestHash,
        responseStatus: 201,
        responseBody: JSON.stringify(answer),
        createdAt: recorded.occurredAt,
      });
      return { ...answer, replayed: false };
    });
  }

  /**
   * Refuses a model the registry does not hold, and set ids the log never recorded a set under (read
   * in `trx`); answers where the sets stand. A set erased or purged since it was made is named all
   * the same: its events stay in the log, and an incident must be able to name the decisions it
   * concerned, whoever asked for their data to be erased since.
   */
  private async refuseUnknownNames(
    modelId: string | null,
    setIds: readonly string[],
    trx: Knex.Transaction,
  ): Promise<Map<string, NamedSetState>> {
    if (modelId !== null && (await this.deps.models.findById(modelId, trx)) === undefined) {
      throw new InvalidInputError(`model ${modelId} is not registered`, { field: 'modelId' });
    }
    const setStates = await readNamedSetStates(this.deps, setIds, trx);
    const unknownSetIds = setIds.filter((id) => !setStates.has(id));
    if (unknownSetIds.length > 0) {
      throw new InvalidInputError(
        `the decision log records no recommendation set with the id ${unknownSetIds.join(', ')}: ` +
          'name sets the application made (held, or erased or purged since)',
        { field: 'setIds', unknownSetIds },
      );
    }
    return setStates;
  }

  /** The first answer to the caller's key and this request; undefined for a new key (422 if another request used it). */
  private async findReplay(
    actor: Principal,
    idempotencyKey: string,
    request: IdempotentRequest,
    trx?: Knex.Transaction,
  ): Promise<RecordedAnswer | undefined> {
    const stored = matchFirstAnswer(
      await this.deps.idempotency.find(actor.subject, idempotencyKey, trx),
      request,
    );
    if (stored === undefined) return undefined;
    return { ...(JSON.parse(stored.responseBody) as IncidentAnswer), replayed: true };
  }

  /**
   * An instant of the request in the log's own form, refused when it is ahead of this clock by more
   * than the tolerance: a time written as "now" on a clock a little ahead is taken as it is.
   */
  private readPastInstant(field: string, value: string, now: Date): string {
    const instant = readInstant(field, value);
    if (Date.parse(instant) > now.getTime() + this.deps.clockToleranceMs) {
      throw new InvalidInputError(
        `${field} (${instant}) is in the future: it is more than ${this.deps.clockToleranceMs / 1000} seconds ` +
          `ahead of the server's clock (${now.toISOString()})`,
        { field },
      );
    }
    return instant;
  }

  /**
   * Refuses a detection before the decision log's first event (this incident's own when the log is
   * empty). Every change the application makes appends its event in the same transaction, and no
   * event is ever deleted, so nothing it holds (a model registered, a set made, a publication) is
   * older than that event: no incident of it can have been detected before. A mistyped year (0000,
   * 2006 for 2026) would otherwise stay in the append-only log for good. The bound holds for every
   * incident, whether it names a model or sets or nothing, and never moves.
   * The stricter bound of what the incident names was not taken: sets are named as involved, not as
   * the cause, and a fault found on one day may be recorded with the sets it went on to affect later.
   */
  private async refuseBeforeLogBegan(detectedAt: string, now: Date): Promise<void> {
    const [first] = await this.deps.events.listEvents({}, { afterSeq: 0, limit: 1 });
    const logBegan = first === undefined ? now.toISOString() : first.occurredAt;
    if (Date.parse(detectedAt) < Date.parse(logBegan)) {
      throw new InvalidInputError(
        `detectedAt (${detectedAt}) is before the decision log's first event (${logBegan}): ` +
          'nothing of this application existed then, so no incident of it can have been detected; check the date',
        { field: 'detectedAt', earliest: logBegan },
      );
    }
  }

  /** The incident as the log records it, with its notifications; undefined when none has this id. */
  private async findIncident(incidentId: string): Promise<Incident | undefined> {
    const incidents = await collectIncidents(
      this.deps.events.streamContents({ types: INCIDENT_EVENT_TYPES }),
    );
    return incidents.find(({ incident }) => incident.incidentId === incidentId)?.incident;
  }

  /**
   * Refuses what the log may never keep (invisible characters, a person's id), then sensitive
   * terms unless confirmed; returns the warnings confirmed.
   */
  private async checkTexts(
    writer: LoggedTextWriter,
    texts: ReadonlyArray<readonly [field: string, text: string | null]>,
    acknowledged: boolean,
  ): Promise<ScreeningWarning[]> {
    for (const [field, text] of texts) {
      if (text !== null) {
        await this.deps.checkLoggedText(writer, { field }, text, 'describe the incident', {
          allowSensitiveTerms: true,
        });
      }
    }
    const warnings = texts.flatMap(([field, text]) => screenText(field, text));
    if (warnings.length > 0 && !acknowledged) {
      throw new InvalidInputError(
        'the incident seems to mention sensitive information, which the decision log keeps readable for good: ' +
          'name no person; rephrase it, or send it again with acknowledgeSensitiveTerms: true to record it as written',
        { ...problemType('sensitive-terms'), warnings },
      );
    }
    return warnings;
  }
}

/** The caller as the log records them: an auditor, or an admin (`auditor` for one holding both roles). */
function actorOf(actor: Principal): NewDecisionEvent['actor'] {
  return { role: findActingRole(actor, INCIDENT_ROLES), id: actor.subject };
}

function writerOf(actor: Principal, operation: string): LoggedTextWriter {
  return { actor: actorOf(actor), operation };
}

/** An instant of the request in the log's own form (UTC, milliseconds); one no clock shows is refused. */
function readInstant(field: string, value: string): string {
  const time = Date.parse(value);
  if (Number.isNaN(time))
    throw new InvalidInputError(`${field} is not an instant the log can record`, { field });
  // `0000-01-01T00:00:00+01:00` is a date-time, but in UTC it is written `-000001-…`, which is none.
  if (!isWritableInstant(time)) {
    throw new InvalidInputError(`${field} falls outside the years 0000 to 9999 once moved to UTC`, { field });
  }
  return new Date(time).toISOString();
}
