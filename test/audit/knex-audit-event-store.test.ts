import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEventFilter } from '../../src/audit/audit-event-filter.ts';
import type { StoredEvent } from '../../src/audit/audit-event-store.ts';
import { CSV_HEADER, formatCsvRow, formatNdjsonLine } from '../../src/audit/event-export-format.ts';
import { KnexAuditEventStore } from '../../src/audit/knex-audit-event-store.ts';
import { canonicalJson } from '../../src/decision-log/canonical-json.ts';
import type {
  DecisionEventType,
  NewDecisionEvent,
  RecordedDecisionEvent,
} from '../../src/decision-log/decision-event.ts';
import { type DecisionLogFixture, startDecisionLog } from '../decision-log/support/decision-log-fixture.ts';

const START = Date.parse('2026-03-02T08:00:00.000Z');
const MINUTE = 60_000;
const TYPES: DecisionEventType[] = [
  'recommendation.generated',
  'item.decided',
  'item.added',
  'settings.changed',
];

/** 2,500 events, one a minute, cycling through four types, three counselors and five job seekers. */
function anEvent(index: number): NewDecisionEvent {
  const type = TYPES[index % TYPES.length] ?? 'item.decided';
  return {
    type,
    actor: { role: 'counselor', id: `c-${index % 3}` },
    subjectId: `js-${index % 5}`,
    payload: { setId: `set-${index % 7}`, index, note: 'quote " and, comma' },
    ...(index % 10 === 0 ? { personal: { comment: `canary-${index}` } } : {}),
  };
}

describe('the auditors’ reads of the decision log', () => {
  let fixture: DecisionLogFixture;
  let db: Knex;
  let store: KnexAuditEventStore;
  let all: RecordedDecisionEvent[];
  let minute = 0;

  beforeAll(async () => {
    fixture = await startDecisionLog({ now: () => new Date(START + minute * MINUTE) });
    db = fixture.db;
    store = new KnexAuditEventStore(db);
    for (let index = 0; index < 2500; index += 1) {
      await fixture.decisionLog.withTransaction(async (trx) => {
        await fixture.decisionLog.append(trx, anEvent(index));
      });
      minute += 1;
    }
    all = [];
    for await (const event of fixture.decisionLog.streamEvents()) all.push(event);
  }, 120_000);
  afterAll(() => fixture.close());

  const collect = async <T>(events: AsyncIterable<T>): Promise<T[]> => {
    const list: T[] = [];
    for await (const event of events) list.push(event);
    return list;
  };
  const expected = (keep: (event: RecordedDecisionEvent) => boolean) => all.filter(keep);

  it('streams several types merged in seq order, across pages, exactly as recorded', async () => {
    const filter: AuditEventFilter = { types: ['item.added', 'recommendation.generated', 'item.decided'] };
    const streamed = await collect(store.streamEvents(filter));
    expect(streamed).toEqual(expected((e) => filter.types?.includes(e.type as DecisionEventType) ?? false));
    expect(streamed.length).toBeGreaterThan(1000);
    expect(await store.countEvents(filter, 2500)).toBe(streamed.length);
  });

  it('lists the same events page by page', async () => {
    const filter: AuditEventFilter = {
      types: ['settings.changed', 'item.added'],
      actor: fixture.pseudonymiser.pseudonymise('c-1'),
    };
    const pages: RecordedDecisionEvent[] = [];
    let afterSeq = 0;
    for (;;) {
      const page = await store.listEvents(filter, { afterSeq, limit: 37 });
      pages.push(...page);
      const last = page.at(-1);
      if (last === undefined) break;
      afterSeq = last.seq;
    }
    expect(pages).toEqual(await collect(store.streamEvents(filter)));
    expect(pages.length).toBeGreaterThan(37);
  });

  it('keeps a time range exact: from inclusive, to exclusive', async () => {
    const from = new Date(START + 100 * MINUTE).toISOString();
    const to = new Date(START + 250 * MINUTE).toISOString();
    const streamed = await collect(
      store.streamEvents({ from, to, subject: fixture.pseudonymiser.pseudonymise('js-2') }),
    );
    expect(streamed).toEqual(
      expected(
        (e) =>
          e.occurredAt >= from &&
          e.occurredAt < to &&
          e.subject === fixture.pseudonymiser.pseudonymise('js-2'),
      ),
    );
    expect(streamed[0]?.occurredAt).toBe(new Date(START + 102 * MINUTE).toISOString());
    expect(await collect(store.streamEvents({ from: '2030-01-01T00:00:00.000Z' }))).toEqual([]);
    expect(await store.countEvents({ to: '2020-01-01T00:00:00.000Z' }, 2500)).toBe(0);
  });

  it('leaves out what was appended after the snapshot', async () => {
    const upTo = await collect(store.streamEvents({ types: ['item.decided'] }, 1200));
    expect(upTo.at(-1)?.seq).toBeLessThanOrEqual(1200);
    expect(upTo).toEqual(expected((e) => e.type === 'item.decided' && e.seq <= 1200));
  });

  it('reads the public content alone, and the stored payload text for exports', async () => {
    const contents = await collect(store.streamContents({ types: ['item.added'] }));
    const stored = await collect(store.streamStoredEvents({ types: ['item.added'] }));
    const recorded = expected((e) => e.type === 'item.added');
    expect(contents).toEqual(
      recorded.map(({ seq, type, occurredAt, actor, subject, payload }) => ({
        seq,
        type,
        occurredAt,
        actor,
        subject,
        payload,
      })),
    );
    stored.forEach((event, index) => {
      const original = recorded[index] as RecordedDecisionEvent;
      expect(event.payloadText).toBe(canonicalJson(original.payload));
      // The export line is the canonical JSON of the recorded event.
      expect(formatNdjsonLine(event)).toBe(`${canonicalJson(original)}\n`);
    });
  });

  it('tells whether the log names any of more pseudonyms than one statement binds, as subjects or as actors in given roles', async () => {
    const pseudonymOf = (id: string) => fixture.pseudonymiser.pseudonymise(id);
    // More than SQLite's 32,766 bound parameters; the one looked for comes last.
    const strangers = Array.from({ length: 40_000 }, (_, index) => pseudonymOf(`stranger-${index}`));
    expect(await store.hasEventsAbout([...strangers, pseudonymOf('js-4')])).toBe(true);
    expect(await store.hasEventsAbout([...strangers, pseudonymOf('c-2')])).toBe(false);
    expect(await store.hasEventsBy([...strangers, pseudonymOf('c-2')], ['counselor', 'admin'])).toBe(true);
    expect(await store.hasEventsBy([...strangers, pseudonymOf('c-2')], ['admin'])).toBe(false);
    expect(await store.hasEventsBy([...strangers, pseudonymOf('js-4')], ['counselor'])).toBe(false);
    expect(await store.hasEventsAbout([])).toBe(false);
    expect(await store.hasEventsBy([pseudonymOf('c-2')], [])).toBe(false);
  });

  it('writes CSV rows that a CSV reader splits back into the same cells', async () => {
    const [event] = (await collect(
      store.streamStoredEvents({ types: ['recommendation.generated'] }),
    )) as StoredEvent[];
    if (event === undefined) throw new Error('no event');
    const row = formatCsvRow(event);
    expect(CSV_HEADER).toBe(
      'seq,eventId,type,occurredAt,actorRole,actorPseudonym,subject,payload,hasPersonal,prevHash,hash\r\n',
    );
    const { parse } = await import('csv-parse/sync');
    const [cells] = parse(row) as string[][];
    expect(cells).toEqual([
      String(event.seq),
      event.eventId,
      'recommendation.generated',
      event.occurredAt,
      'counselor',
      event.actor.pseudonym,
      event.subject,
      event.payloadText,
      'true',
      event.prevHash,
      event.hash,
    ]);
    expect(row).not.toContain('canary');
  });
});
