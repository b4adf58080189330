import type { RecordedDecisionEvent } from '../decision-log/decision-event.ts';
import type { AuditEventFilter } from './audit-event-filter.ts';

/** A page request over the log: events with `afterSeq < seq <= toSeq`, in seq order. */
export interface AuditEventPage {
  afterSeq: number;
  limit: number;
  /** Leave out events appended after this seq (a snapshot of the head). */
  toSeq?: number;
}

/**
 * The public content of an event, without its sealed personal part and hashes: what the
 * oversight and attribution figures read.
 */
export type EventContent = Pick<
  RecordedDecisionEvent,
  'seq' | 'type' | 'occurredAt' | 'actor' | 'subject' | 'payload'
>;

/**
 * An event as stored, its payload kept as the canonical JSON text it was hashed with: what
 * exports write, without parsing and re-serialising every payload.
 */
export type StoredEvent = Omit<RecordedDecisionEvent, 'payload'> & { payloadText: string };

/**
 * The auditors' filtered reads of the decision log. Events come back exactly as recorded (the
 * shape verification reads), whatever they hold, so a tampered row can still be listed.
 */
export interface AuditEventStore {
  /** One page of the events that match the filter. */
  listEvents(filter: AuditEventFilter, page: AuditEventPage): Promise<RecordedDecisionEvent[]>;
  /** How many events match the filter up to `toSeq`. */
  countEvents(filter: AuditEventFilter, toSeq: number): Promise<number>;
  /** Every matching event up to `toSeq`, in seq order, read page by page so that memory stays constant. */
  streamEvents(filter: AuditEventFilter, toSeq?: number): AsyncIterable<RecordedDecisionEvent>;
  /** As {@link streamEvents}, with each payload as its stored text. */
  streamStoredEvents(filter: AuditEventFilter, toSeq?: number): AsyncIterable<StoredEvent>;
  /** As {@link streamEvents}, reading only the public content (lighter on a large log). */
  streamContents(filter: AuditEventFilter, toSeq?: number): AsyncIterable<EventContent>;
}
