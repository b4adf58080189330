import { readRecord, readStringField } from '../audit/event-fields.ts';
import type { RecordedDecisionEvent } from '../decision-log/decision-event.ts';
import {
  type AccessRecordFileRead,
  describeFileReadForRecord,
  type FileRead,
} from '../file-reads/file-read.ts';
import { collectIncidents, type IncidentRecipient, type IncidentSeverity } from '../incidents/incident.ts';

/**
 * An auditor's read of the decision log that named the person (their pseudonym as its `subject` or
 * `actor` filter): when, through which operation, and the purpose stated. Who read it is left out:
 * the person is owed the dates and purposes of the consultations of their data, not the identity
 * of the staff member (GDPR Art. 15(1); CJEU C-579/21, Pankki S).
 */
export interface LogConsultation {
  /** The seq of its `audit.queried` event. */
  seq: number;
  occurredAt: string;
  /** The operation called, by its `operationId` (`listAuditEvents`, `exportAuditEvents`). */
  operation: string;
  purpose: string;
}

/** An incident recorded about sets made for the person, with what the person may know of it. */
export interface IncidentAboutSets {
  incidentId: string;
  severity: IncidentSeverity;
  summary: string;
  measures: string | null;
  detectedAt: string;
  /** When it was recorded (its `incident.recorded` event). */
  recordedAt: string;
  modelId: string | null;
  /** The person's sets it names; the other people's are left out. */
  setIds: string[];
  /** Who was informed, and when, in the order recorded. */
  notifications: Array<{ recipient: IncidentRecipient; notifiedAt: string }>;
}

/**
 * When the person's data was looked into: the auditors' reads naming them (with the purpose stated),
 * the staff reads of their file still kept (record 0022; when and what, never who, and no reason,
 * which is not recorded), the incidents about their sets.
 */
export interface AccessRecordConsultations {
  logQueries: LogConsultation[];
  fileReads: AccessRecordFileRead[];
  incidents: IncidentAboutSets[];
}

/**
 * The consultations as the record gives them, from the `audit.queried` events naming the person, the
 * staff reads of their file (`fileReads`, oldest first, the reader left out) and the incident events (`incident.recorded`, `incident.notified`), oldest first. An event that does
 * not hold what the code writes (a tampered row, which verification reports) is left out.
 */
export async function describeConsultations(
  queries: readonly RecordedDecisionEvent[],
  fileReads: readonly FileRead[],
  incidentEvents: readonly RecordedDecisionEvent[],
  setIds: ReadonlySet<string>,
): Promise<AccessRecordConsultations> {
  const logQueries = queries.flatMap((event) => {
    const payload = readRecord(event.payload);
    const operation = readStringField(payload, 'operation');
    const purpose = readStringField(payload, 'purpose');
    return operation === undefined || purpose === undefined
      ? []
      : [{ seq: event.seq, occurredAt: event.occurredAt, operation, purpose }];
  });
  const incidents = (await collectIncidents(inTurn(incidentEvents))).flatMap(({ incident }) => {
    const theirs = incident.setIds.filter((id) => setIds.has(id));
    if (theirs.length === 0) return [];
    return [
      {
        incidentId: incident.incidentId,
        severity: incident.severity,
        summary: incident.summary,
        measures: incident.measures,
        detectedAt: incident.detectedAt,
        recordedAt: incident.recordedAt,
        modelId: incident.modelId,
        setIds: theirs,
        notifications: incident.notifications.map(({ recipient, notifiedAt }) => ({ recipient, notifiedAt })),
      },
    ];
  });
  return { logQueries, fileReads: fileReads.map(describeFileReadForRecord), incidents };
}

/**
 * The ids of every set made for the person: those still held, and those the events about them name
 * (a set purged or erased since is still named by its events, and so by an incident).
 */
export function listSetIdsOf(
  sets: ReadonlyArray<{ id: string }>,
  events: readonly RecordedDecisionEvent[],
): Set<string> {
  const ids = new Set(sets.map((set) => set.id));
  for (const event of events) {
    const setId = readStringField(readRecord(event.payload), 'setId');
    if (setId !== undefined) ids.add(setId);
  }
  return ids;
}

async function* inTurn<T>(items: readonly T[]): AsyncIterable<T> {
  yield* items;
}
