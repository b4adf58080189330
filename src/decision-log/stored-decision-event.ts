import { readNullableString, readNumber } from '../db/row-values.ts';
import {
  type DecisionEvent,
  isActorRole,
  isDecisionEventType,
  type RecordedDecisionEvent,
  writeEventText,
} from './decision-event.ts';

/**
 * An event as stored, its payload kept as the text it was hashed with: what exports write,
 * without parsing and re-serialising every payload.
 */
export type StoredDecisionEvent = Omit<RecordedDecisionEvent, 'payload'> & { payloadText: string };

/** The public content of an event, without its sealed personal part and its links in the chain. */
export type DecisionEventContent = Pick<
  RecordedDecisionEvent,
  'seq' | 'type' | 'occurredAt' | 'actor' | 'subject' | 'payload'
>;

/** A row of `decision_events` as either engine returns it. */
export type DecisionEventRow = Record<string, unknown>;

/** The columns {@link toEventContent} reads: a lighter select when only the content is needed. */
export const EVENT_CONTENT_COLUMNS = [
  'seq',
  'type',
  'occurred_at',
  'actor_role',
  'actor_pseudonym',
  'subject',
  'payload',
] as const;

/** The row that stores an event, its payload as `payloadText` (the canonical JSON that was hashed). */
export function toEventRow(
  event: Omit<RecordedDecisionEvent, 'payload'>,
  payloadText: string,
): DecisionEventRow {
  return {
    seq: event.seq,
    event_id: event.eventId,
    type: event.type,
    occurred_at: event.occurredAt,
    actor_role: event.actor.role,
    actor_pseudonym: event.actor.pseudonym,
    subject: event.subject,
    payload: payloadText,
    personal: event.personal,
    prev_hash: event.prevHash,
    hash: event.hash,
  };
}

/** A stored event read back from its row, whatever the row holds: nothing is parsed. */
export function toStoredEvent(row: DecisionEventRow): StoredDecisionEvent {
  // Written out in full, as toEventContent is, rather than spread from a shared part: an export
  // maps every row of the log, and a spread costs several times the mapping itself.
  return {
    seq: readNumber(row.seq),
    eventId: String(row.event_id),
    type: String(row.type),
    occurredAt: String(row.occurred_at),
    actor: readActor(row),
    subject: readNullableString(row.subject),
    payloadText: String(row.payload),
    personal: readNullableString(row.personal),
    prevHash: String(row.prev_hash),
    hash: String(row.hash),
  };
}

/** A recorded event read back from its row, its payload parsed where it is still JSON. */
export function toRecordedEvent(row: DecisionEventRow): RecordedDecisionEvent {
  const { payloadText, ...event } = toStoredEvent(row);
  return { ...event, payload: parseStoredPayload(payloadText) };
}

/**
 * An event read back from its row as services and auditors see it: its type, its actor's role and
 * its payload checked, and an error thrown for a row that fails them.
 */
export function toDecisionEvent(row: DecisionEventRow): DecisionEvent {
  const event = toRecordedEvent(row);
  const { type, actor, payload } = event;
  if (!isDecisionEventType(type) || !isActorRole(actor.role)) {
    throw new Error(`decision event ${event.seq} has an unknown type or actor role`);
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new Error(`decision event ${event.seq} has a payload that is not a JSON object`);
  }
  return {
    ...event,
    type,
    actor: { role: actor.role, pseudonym: actor.pseudonym },
    payload: payload as Record<string, unknown>,
  };
}

/** The public content of an event, from a row that holds at least {@link EVENT_CONTENT_COLUMNS}. */
export function toEventContent(row: DecisionEventRow): DecisionEventContent {
  return {
    seq: readNumber(row.seq),
    type: String(row.type),
    occurredAt: String(row.occurred_at),
    actor: readActor(row),
    subject: readNullableString(row.subject),
    payload: parseStoredPayload(String(row.payload)),
  };
}

/**
 * The canonical JSON of the recorded event, its payload written as stored: members in canonical
 * order, each value written as `canonicalJson` writes it (JSON.stringify, for strings, null and
 * integers). For an event as the log writes it, this is the canonical JSON of the recorded event,
 * so every hash can be recomputed from this text alone; a payload changed in the database stays
 * as it was found, for verification to report.
 */
export function writeStoredEventText(event: StoredDecisionEvent): string {
  return writeEventText(event, event.payloadText, event.hash);
}

function readActor(row: DecisionEventRow): RecordedDecisionEvent['actor'] {
  return { role: String(row.actor_role), pseudonym: String(row.actor_pseudonym) };
}

function parseStoredPayload(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Kept as the stored text: verification then reports the event (it fails its hash check)
    // instead of stopping, and the auditors' listing shows the row rather than hiding it.
    return text;
  }
}
