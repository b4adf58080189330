import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/decision-log/canonical-json.ts';
import type { RecordedDecisionEvent } from '../../src/decision-log/decision-event.ts';
import {
  EVENT_CONTENT_COLUMNS,
  toEventContent,
  toEventRow,
  toRecordedEvent,
  toStoredEvent,
  writeStoredEventText,
} from '../../src/decision-log/stored-decision-event.ts';

const EVENT: RecordedDecisionEvent = {
  seq: 12,
  eventId: '5b0e2a7c-0d1f-4c44-9a51-2f6f4f3a0c11',
  type: 'item.decided',
  occurredAt: '2026-03-02T08:00:00.000Z',
  actor: { role: 'counselor', pseudonym: 'C-pseudo' },
  subject: 'S-pseudo',
  payload: { setId: 'set-1', decision: 'approved', secondsSinceOpened: 42.5 },
  personal: 'p1.key.iv.ciphertext.tag',
  prevHash: 'a'.repeat(64),
  hash: 'b'.repeat(64),
};

/** The row the log stores for an event: its payload as canonical JSON. */
const rowOf = (event: RecordedDecisionEvent) => toEventRow(event, canonicalJson(event.payload));

describe('a decision event as stored in its row', () => {
  it('reads back the event its row was written from', () => {
    expect(toRecordedEvent(rowOf(EVENT))).toEqual(EVENT);
    const { payload, ...rest } = EVENT;
    expect(toStoredEvent(rowOf(EVENT))).toEqual({ ...rest, payloadText: canonicalJson(payload) });
  });

  it('reads a seq that PostgreSQL returns as text, and null columns as null', () => {
    const row = { ...rowOf(EVENT), seq: '12', personal: null, subject: null };
    expect(toRecordedEvent(row)).toMatchObject({ seq: 12, subject: null, personal: null });
  });

  it('keeps a payload that is not JSON as its stored text, so that verification reports it', () => {
    const row = { ...rowOf(EVENT), payload: '{"decision":' };
    expect(toRecordedEvent(row).payload).toBe('{"decision":');
    expect(toEventContent(row).payload).toBe('{"decision":');
    expect(toStoredEvent(row).payloadText).toBe('{"decision":');
  });

  it('lists the members of a recorded event in the order the audit listing shows them', () => {
    expect(Object.keys(toRecordedEvent(rowOf(EVENT)))).toEqual([
      'seq',
      'eventId',
      'type',
      'occurredAt',
      'actor',
      'subject',
      'personal',
      'prevHash',
      'hash',
      'payload',
    ]);
  });

  it('reads the public content from the content columns alone', () => {
    const full = rowOf(EVENT);
    const row = Object.fromEntries(EVENT_CONTENT_COLUMNS.map((column) => [column, full[column]]));
    const { seq, type, occurredAt, actor, subject, payload } = EVENT;
    expect(toEventContent(row)).toEqual({ seq, type, occurredAt, actor, subject, payload });
  });
});

describe('the text of a stored event', () => {
  it('is the canonical JSON of the recorded event, for random events with any characters', () => {
    fc.assert(
      fc.property(anEvent(), (event) => {
        const text = writeStoredEventText(toStoredEvent(rowOf(event)));
        expect(text).toBe(canonicalJson(event));
        expect(JSON.parse(text)).toEqual(event);
      }),
      { numRuns: 200 },
    );
  });

  it('writes a payload changed in the database exactly as it was found', () => {
    const stored = toStoredEvent({ ...rowOf(EVENT), payload: '{ "b":1, "a":2 }' });
    expect(writeStoredEventText(stored)).toContain(',"payload":{ "b":1, "a":2 },"personal":');
  });
});

function anEvent(): fc.Arbitrary<RecordedDecisionEvent> {
  const text = fc.string({ unit: 'binary', maxLength: 40 });
  return fc
    .record({
      seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
      eventId: text,
      type: text,
      occurredAt: text,
      actor: fc.record({ role: text, pseudonym: text }),
      subject: fc.option(text, { nil: null }),
      payload: fc.dictionary(fc.string({ unit: 'binary' }), fc.jsonValue(), { maxKeys: 6 }),
      personal: fc.option(text, { nil: null }),
      prevHash: text,
      hash: text,
    })
    .map((event) => ({
      ...event,
      // What the log stores: the payload as it reads back from its canonical text.
      payload: JSON.parse(canonicalJson(event.payload)) as Record<string, unknown>,
    }));
}
