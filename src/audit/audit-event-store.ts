import type { ActorRole, RecordedDecisionEvent } from '../decision-log/decision-event.ts';
import type { DecisionEventContent, StoredDecisionEvent } from '../decision-log/stored-decision-event.ts';
import type { AuditEventFilter } from './audit-event-filter.ts';

/** A page request over the log: events with `afterSeq < seq <= toSeq`, in seq order. */
export interface AuditEventPage {
  afterSeq: number;
  limit: number;
  /** Leave out events appended after this seq (a snapshot of the head). */
  toSeq?: number;
}

/** What the oversight and attribution figures read: an event's public content. */
export type EventContent = DecisionEventContent;

/** What exports write: an event with its payload as the text it was hashed with. */
export type StoredEvent = StoredDecisionEvent;

/**
 * The auditors' filtered reads of the decision log. Events come back exactly as recorded (the
 * shape verification reads), whatever they hold, so a tampered row can still be listed.
 */
export interface AuditEventStore {
  /** One page of the events that match the filter. */
  listEvents(filter: AuditEventFilter, page: AuditEventPage): Promise<RecordedDecisionEvent[]>;
  /** Whether any event is about one of these job seekers' pseudonyms (as many as given). */
  hasEventsAbout(subjects: readonly string[]): Promise<boolean>;
  /** Whether anyone acting in one of `roles` under one of these pseudonyms (as many as given) did an event. */
  hasEventsBy(actors: readonly string[], roles: readonly ActorRole[]): Promise<boolean>;
  /** How many events match the filter up to `toSeq`. */
  countEvents(filter: AuditEventFilter, toSeq: number): Promise<number>;
  /** Every matching event up to `toSeq`, in seq order, read page by page so that memory stays constant. */
  streamEvents(filter: AuditEventFilter, toSeq?: number): AsyncIterable<RecordedDecisionEvent>;
  /** As {@link streamEvents}, with each payload as its stored text. */
  streamStoredEvents(filter: AuditEventFilter, toSeq?: number): AsyncIterable<StoredEvent>;
  /** As {@link streamEvents}, reading only the public content (lighter on a large log). */
  streamContents(filter: AuditEventFilter, toSeq?: number): AsyncIterable<EventContent>;
}
