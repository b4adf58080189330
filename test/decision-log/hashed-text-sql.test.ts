import crypto from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineOf } from '../../src/db/engine.ts';
import { canonicalJson } from '../../src/decision-log/canonical-json.ts';
import { computeEventHash, type RecordedDecisionEvent } from '../../src/decision-log/decision-event.ts';
import { writeHashedTextSql } from '../../src/decision-log/knex-decision-log.ts';
import { toEventRow } from '../../src/decision-log/stored-decision-event.ts';
import { TEST_ENGINE } from '../support/test-database.ts';
import { type DecisionLogFixture, startDecisionLog } from './support/decision-log-fixture.ts';

type UnhashedEvent = Omit<RecordedDecisionEvent, 'hash'>;

/**
 * Verification hashes the text the database assembles from the stored columns instead of
 * parsing and re-serialising each event; it must be, byte for byte, the canonical JSON that
 * `computeEventHash` hashes, whatever the columns hold.
 */
describe('the text the database assembles for an event hash', () => {
  let fixture: DecisionLogFixture;
  let nextSeq = 1;

  beforeAll(async () => {
    fixture = await startDecisionLog();
  });
  afterAll(async () => {
    await fixture.close();
  });

  /** Stores the events as rows (not through the log: any content goes) and reads back each hashed text. */
  const assemble = async (events: UnhashedEvent[]): Promise<Map<number, string>> => {
    await fixture
      .db('decision_events')
      .insert(events.map((event) => toEventRow({ ...event, hash: '' }, canonicalJson(event.payload))));
    const rows: Array<{ seq: unknown; hashed_text: unknown }> = await fixture
      .db('decision_events')
      .select('seq', fixture.db.raw(`${writeHashedTextSql(engineOf(fixture.db))} as hashed_text`))
      .whereIn(
        'seq',
        events.map((event) => event.seq),
      );
    return new Map(rows.map((row) => [Number(row.seq), String(row.hashed_text)]));
  };

  const covered = (event: UnhashedEvent) =>
    canonicalJson({ ...event, actor: { role: event.actor.role, pseudonym: event.actor.pseudonym } });

  it('is the canonical JSON that computeEventHash hashes, for random events with any characters', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          anEvent(() => nextSeq++),
          { minLength: 1, maxLength: 8 },
        ),
        async (events) => {
          const texts = await assemble(events);
          for (const event of events) {
            const text = texts.get(event.seq);
            expect(text).toBe(covered(event));
            const hash = crypto
              .createHash('sha256')
              .update(event.prevHash)
              .update(text ?? '')
              .digest('hex');
            expect(hash).toBe(computeEventHash(event));
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('escapes quotes, backslashes and control characters as JSON.stringify does', async () => {
    const seq = nextSeq++;
    const awkward = '"\\/\b\f\n\r\t\u0001\u001f\u007f\u2028 é 😀';
    const event: UnhashedEvent = {
      seq,
      eventId: `id ${awkward} ${seq}`,
      type: awkward,
      occurredAt: awkward,
      actor: { role: awkward, pseudonym: awkward },
      subject: null,
      payload: { [awkward]: awkward },
      personal: awkward,
      prevHash: awkward,
    };
    const text = (await assemble([event])).get(seq);
    expect(text).toBe(covered(event));
    expect(text).toContain(JSON.stringify(awkward));
  });
});

/** Strings with what needs escaping; PostgreSQL text cannot hold U+0000 at all. */
function aColumnString(maxLength: number): fc.Arbitrary<string> {
  const awkward = fc.string({
    unit: fc.constantFrom(
      '"',
      '\\',
      '/',
      '\n',
      '\u0000',
      '\u0001',
      '\u001f',
      '\u007f',
      'é',
      '😀',
      '\u2028',
      'a',
    ),
    maxLength,
  });
  const text = fc.oneof(fc.string({ unit: 'binary', maxLength }), awkward);
  return TEST_ENGINE === 'postgres' ? text.map((value) => value.replaceAll('\u0000', '')) : text;
}

function anEvent(takeSeq: () => number): fc.Arbitrary<UnhashedEvent> {
  return fc
    .record({
      // Unique: the column is.
      eventId: aColumnString(24),
      type: aColumnString(60),
      occurredAt: aColumnString(30),
      role: aColumnString(32),
      pseudonym: aColumnString(64),
      subject: fc.option(aColumnString(64), { nil: null }),
      payload: fc.dictionary(fc.string({ unit: 'binary' }), fc.jsonValue(), { maxKeys: 6 }),
      personal: fc.option(aColumnString(200), { nil: null }),
      prevHash: aColumnString(64),
    })
    .map((fields) => {
      const seq = takeSeq();
      return {
        seq,
        eventId: `${fields.eventId}#${seq}`,
        type: fields.type,
        occurredAt: fields.occurredAt,
        actor: { role: fields.role, pseudonym: fields.pseudonym },
        subject: fields.subject,
        // What the log stores: the payload as it reads back from its canonical text.
        payload: JSON.parse(canonicalJson(fields.payload)) as Record<string, unknown>,
        personal: fields.personal,
        prevHash: fields.prevHash,
      };
    });
}
