import { readArrayField, readRecord, readStringField } from '../audit/event-fields.ts';
import type { DecisionActor, DecisionEventType } from '../decision-log/decision-event.ts';
import type { DecisionEventContent } from '../decision-log/stored-decision-event.ts';
import { parisDayNumberOf } from '../shared/french-day.ts';

/**
 * `serious`: a serious incident (AI Act Art. 3(49)), which the deployer reports to the provider and
 * the market surveillance authority (Art. 26(5), Art. 73); `malfunction`: the system did not work as
 * its instructions say, or may present a risk, with no serious harm known; `near_miss`: caught
 * before it harmed anyone, for the provider's post-market monitoring (Art. 72).
 */
export const INCIDENT_SEVERITIES = ['serious', 'malfunction', 'near_miss'] as const;
export type IncidentSeverity = (typeof INCIDENT_SEVERITIES)[number];

/** Who was informed: the provider, or the market surveillance authority. */
export const INCIDENT_RECIPIENTS = ['provider', 'authority'] as const;
export type IncidentRecipient = (typeof INCIDENT_RECIPIENTS)[number];

/** The events an incident is read from: the log is its only record. */
export const INCIDENT_EVENT_TYPES = [
  'incident.recorded',
  'incident.notified',
] as const satisfies readonly DecisionEventType[];

/** Who acted, as the log shows them (role and pseudonym). */
export type LoggedActor = Pick<DecisionActor, 'pseudonym'> & { role: string };

export interface IncidentNotification {
  recipient: IncidentRecipient;
  notifiedAt: string;
  reference: string | null;
  /** The `occurredAt` of its `incident.notified`. */
  recordedAt: string;
  recordedBy: LoggedActor;
}

export interface Incident {
  incidentId: string;
  severity: IncidentSeverity;
  summary: string;
  /** When the deployer became aware of it (ISO 8601, UTC). */
  detectedAt: string;
  modelId: string | null;
  setIds: string[];
  measures: string | null;
  /** Recorded despite sensitive-term warnings, which the writer confirmed. */
  sensitiveTermsAcknowledged: boolean;
  /** The `occurredAt` of its `incident.recorded`. */
  recordedAt: string;
  recordedBy: LoggedActor;
  /** In the order they were recorded. */
  notifications: IncidentNotification[];
}

/** An incident with the seq of its `incident.recorded`: its place in the log. */
export interface LoggedIncident {
  seq: number;
  incident: Incident;
}

/**
 * Where a page of the list ended: the last incident's `detectedAt` (normalised to UTC) and the seq of
 * its `incident.recorded`, the two keys of the list's order.
 */
export type IncidentListPosition = [detectedAt: string, seq: number];

/**
 * Where a set an incident names stands: `held`, the application holds it; `erased`, the person it
 * was made for was erased since, which deleted it; `purged`, it is no longer held and the log records
 * no erasure of its person since it was made: the retention job deleted it at the end of its period.
 * The log keeps the events of a set erased or purged, under its person's pseudonym.
 */
export type NamedSetState = 'held' | 'erased' | 'purged';

export interface NamedSet {
  setId: string;
  state: NamedSetState;
}

/** An incident as its readers get it: where its reporting stands today. */
export interface IncidentStatus extends Incident {
  /** Each set of `setIds`, in its order, with where it stands. */
  namedSets: NamedSet[];
  /** Whether a notification to the market surveillance authority was recorded. */
  authorityNotified: boolean;
  /**
   * Days from the day of `detectedAt` to today, both read in France: the day of the detection is
   * day 0, as the deadlines in days of Art. 26(5) and Art. 73 count them.
   */
  daysSinceDetection: number;
}

/**
 * The incidents the events record (`incident.recorded` and `incident.notified`, in seq order), in
 * the order they were recorded. Events are read without trusting their shape: one that does not
 * hold what the code writes (a tampered row, which verification reports) is left out.
 */
export async function collectIncidents(
  events: AsyncIterable<DecisionEventContent>,
): Promise<LoggedIncident[]> {
  const incidents = new Map<string, LoggedIncident>();
  for await (const event of events) {
    if (event.type === 'incident.recorded') {
      const incident = readRecordedIncident(event);
      if (incident !== undefined && !incidents.has(incident.incidentId)) {
        incidents.set(incident.incidentId, { seq: event.seq, incident });
      }
    } else if (event.type === 'incident.notified') {
      const payload = readRecord(event.payload);
      const notification = readNotification(event, payload);
      const logged = incidents.get(readStringField(payload, 'incidentId') ?? '');
      if (notification !== undefined) logged?.incident.notifications.push(notification);
    }
  }
  return [...incidents.values()];
}

/**
 * Where the incident's reporting stands at `now`, and its sets as `setStates` has them (a set it
 * lacks is no longer held, with no erasure of its person recorded).
 */
export function describeIncident(
  incident: Incident,
  now: Date,
  setStates: ReadonlyMap<string, NamedSetState>,
): IncidentStatus {
  return {
    ...incident,
    namedSets: incident.setIds.map((setId) => ({ setId, state: setStates.get(setId) ?? 'purged' })),
    authorityNotified: incident.notifications.some((notification) => notification.recipient === 'authority'),
    // Calendar days where the deployer works, as EU law counts a period in days (Regulation 1182/71:
    // it starts the day after the event and ends with its last day): counted in 24-hour spans, an
    // incident found at 23:00 read one day short until 23:00 of the deadline's last day.
    daysSinceDetection: Math.max(0, parisDayNumberOf(now) - parisDayNumberOf(new Date(incident.detectedAt))),
  };
}

/**
 * The latest detected first; of those detected at the same instant, the latest recorded first. With
 * `after`, only those that come after that position in this order: the next page starts there
 * whatever was recorded since (an incident recorded since lands before or after it by its own keys).
 */
export function listLatestDetectedFirst(
  incidents: readonly LoggedIncident[],
  after?: IncidentListPosition,
): LoggedIncident[] {
  const sorted = [...incidents].sort(
    (a, b) => Date.parse(b.incident.detectedAt) - Date.parse(a.incident.detectedAt) || b.seq - a.seq,
  );
  if (after === undefined) return sorted;
  const [afterDetectedAt, afterSeq] = after;
  const afterTime = Date.parse(afterDetectedAt);
  return sorted.filter(({ seq, incident }) => {
    const time = Date.parse(incident.detectedAt);
    return time < afterTime || (time === afterTime && seq < afterSeq);
  });
}

/** The position a page ending with `last` ends at. */
export function positionOf(last: LoggedIncident): IncidentListPosition {
  return [new Date(Date.parse(last.incident.detectedAt)).toISOString(), last.seq];
}

function readRecordedIncident(event: DecisionEventContent): Incident | undefined {
  const payload = readRecord(event.payload);
  const incidentId = readStringField(payload, 'incidentId');
  const severity = readStringField(payload, 'severity');
  const summary = readStringField(payload, 'summary');
  const detectedAt = readStringField(payload, 'detectedAt');
  if (incidentId === undefined || summary === undefined || !isInstant(detectedAt)) return undefined;
  if (!isOneOf(INCIDENT_SEVERITIES, severity)) return undefined;
  return {
    incidentId,
    severity,
    summary,
    detectedAt,
    modelId: readStringField(payload, 'modelId') ?? null,
    setIds: readArrayField(payload, 'setIds').filter((id): id is string => typeof id === 'string'),
    measures: readStringField(payload, 'measures') ?? null,
    sensitiveTermsAcknowledged: payload?.sensitiveTermsAcknowledged === true,
    recordedAt: event.occurredAt,
    recordedBy: { ...event.actor },
    notifications: [],
  };
}

function readNotification(
  event: DecisionEventContent,
  payload: Record<string, unknown> | undefined,
): IncidentNotification | undefined {
  const recipient = readStringField(payload, 'recipient');
  const notifiedAt = readStringField(payload, 'notifiedAt');
  if (!isOneOf(INCIDENT_RECIPIENTS, recipient) || !isInstant(notifiedAt)) return undefined;
  return {
    recipient,
    notifiedAt,
    reference: readStringField(payload, 'reference') ?? null,
    recordedAt: event.occurredAt,
    recordedBy: { ...event.actor },
  };
}

function isInstant(value: string | undefined): value is string {
  return value !== undefined && !Number.isNaN(Date.parse(value));
}

function isOneOf<T extends string>(values: readonly T[], value: string | undefined): value is T {
  return value !== undefined && (values as readonly string[]).includes(value);
}
