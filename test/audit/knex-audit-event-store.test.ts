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

  it('lets the event loop turn between the pages it streams, so that a long read holds no other request', async () => {
    // Another request's work, waiting for the loop to turn: each turn counted, until the stream is over.
    let turns = 0;
    let streaming = true;
    const otherWork = () => {
      if (!streaming) return;
      turns += 1;
      setImmediate(otherWork);
    };
    setImmediate(otherWork);
    let streamed = 0;
    for await (const _event of store.streamContents({})) streamed += 1;
    streaming = false;
    expect(streamed).toBe(2500);
    // Three pages of a thousand: the loop turns at least between them.
    expect(turns).toBeGreaterThanOrEqual(2);
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
    const [cells = []] = parse(row) as string[][];
    // A cell a spreadsheet would read as a formula (a pseudonym may start with -) carries one leading
    // apostrophe, which a reader drops, as the export's description says.
    expect(cells.map((cell) => (cell.startsWith("'") ? cell.slice(1) : cell))).toEqual([
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

describe('the auditors’ reads of a model version', () => {
  let fixture: DecisionLogFixture;
  let store: KnexAuditEventStore;
  let all: RecordedDecisionEvent[];
  let minute = 0;

  const generated = (setId: string, version: string, seekerId: string): NewDecisionEvent => ({
    type: 'recommendation.generated',
    actor: { role: 'counselor', id: 'c-1' },
    subjectId: seekerId,
    payload: { setId, model: { id: `m-${version}`, version, sha256: 'a'.repeat(64) } },
  });
  const aboutSet = (type: DecisionEventType, setId: string, seekerId: string): NewDecisionEvent => ({
    type,
    actor: { role: 'counselor', id: 'c-1' },
    subjectId: seekerId,
    payload: { setId },
  });
  const modelEvent = (type: DecisionEventType, payload: Record<string, unknown>): NewDecisionEvent => ({
    type,
    actor: { role: 'admin', id: 'ops-1' },
    payload,
  });
  const started = (model: { id: string; version: string; sha256: string } | null): NewDecisionEvent => ({
    type: 'service.started',
    actor: { role: 'system', id: 'startup' },
    payload: { softwareVersion: '1.0.0', engine: 'sqlite', model },
  });
  const aboutItem = (
    type: DecisionEventType,
    itemId: string,
    seekerId: string,
    setId?: string,
  ): NewDecisionEvent => ({
    type,
    actor: { role: type === 'feedback.given' ? 'job_seeker' : 'counselor', id: 'c-1' },
    subjectId: seekerId,
    payload: setId === undefined ? { itemId } : { setId, itemId },
  });

  beforeAll(async () => {
    fixture = await startDecisionLog({ now: () => new Date(START + minute * MINUTE) });
    store = new KnexAuditEventStore(fixture.db);
    const events: NewDecisionEvent[] = [
      modelEvent('model.registered', { modelId: 'm-1.0.0', version: '1.0.0' }),
      modelEvent('model.registered', { modelId: 'm-2.0.0', version: '2.0.0' }),
      modelEvent('model.activated', { modelId: 'm-1.0.0', previousModelId: null }),
      started({ id: 'm-1.0.0', version: '1.0.0', sha256: 'a'.repeat(64) }),
      modelEvent('settings.changed', { changes: [] }),
      generated('set-a', '1.0.0', 'js-1'),
      aboutSet('recommendation.opened', 'set-a', 'js-1'),
      aboutSet('item.decided', 'set-a', 'js-1'),
      generated('set-b', '2.0.0', 'js-2'),
      aboutSet('item.decided', 'set-b', 'js-2'),
      generated('set-c', '1.0.0', 'js-2'),
      aboutSet('item.decided', 'set-c', 'js-2'),
      modelEvent('model.activated', { modelId: 'm-2.0.0', previousModelId: 'm-1.0.0' }),
      aboutSet('feedback.given', 'set-a', 'js-1'),
      modelEvent('model.recalled', { modelId: 'm-1.0.0' }),
      started(null),
      started({ id: 'm-2.0.0', version: '2.0.0', sha256: 'b'.repeat(64) }),
      aboutSet('item.decided', 'set-b', 'js-2'),
      aboutSet('explanation.opened', 'set-c', 'js-2'),
      aboutItem('item.decided', 'item-c1', 'js-2', 'set-c'),
      aboutItem('item.added', 'item-c2', 'js-2', 'set-c'),
      aboutItem('item.decided', 'item-b1', 'js-2', 'set-b'),
      // Answers written before `feedback.given` named the set: the item alone.
      aboutItem('feedback.given', 'item-c1', 'js-2'),
      aboutItem('feedback.given', 'item-b1', 'js-2'),
      aboutItem('feedback.given', 'item-c2', 'js-2'),
      aboutItem('feedback.given', 'item-unknown', 'js-2'),
    ];
    for (const event of events) {
      await fixture.decisionLog.withTransaction((trx) => fixture.decisionLog.append(trx, event));
      minute += 1;
    }
    all = [];
    for await (const event of fixture.decisionLog.streamEvents()) all.push(event);
  });
  afterAll(() => fixture.close());

  /**
   * The filter as it reads: the events that name the version, its models' ids or its sets, and the
   * answers that name an item of its sets alone.
   */
  function isOfVersion(event: RecordedDecisionEvent, version: string): boolean {
    const payload = event.payload as Record<string, unknown>;
    const generatedBy = (e: RecordedDecisionEvent) =>
      e.type === 'recommendation.generated' &&
      ((e.payload as { model?: { version?: string } }).model?.version ?? null) === version;
    const sets = all.filter(generatedBy).map((e) => (e.payload as { setId: string }).setId);
    const ids = all
      .filter((e) => e.type === 'model.registered' && (e.payload as { version: string }).version === version)
      .map((e) => (e.payload as { modelId: string }).modelId);
    switch (event.type) {
      case 'model.registered':
        return payload.version === version;
      case 'model.activated':
        return ids.includes(String(payload.modelId)) || ids.includes(String(payload.previousModelId));
      case 'model.recalled':
        return ids.includes(String(payload.modelId));
      case 'service.started':
        return (payload.model as { version?: string } | null)?.version === version;
      case 'feedback.given': {
        if (payload.setId !== undefined) return sets.includes(String(payload.setId));
        const itemOf = all.find(
          (e) =>
            (e.type === 'item.decided' || e.type === 'item.added') &&
            (e.payload as { itemId?: string }).itemId === payload.itemId,
        );
        return sets.includes(String((itemOf?.payload as { setId?: string } | undefined)?.setId));
      }
      default:
        return sets.includes(String(payload.setId));
    }
  }

  it('lists, streams and counts the same events as its definition, whatever the other filters', async () => {
    const js2 = fixture.pseudonymiser.pseudonymise('js-2');
    const head = all.at(-1)?.seq ?? 0;
    const filters: AuditEventFilter[] = [
      { modelVersion: '1.0.0' },
      { modelVersion: '2.0.0' },
      { modelVersion: '3.0.0' },
      { modelVersion: '1.0.0', types: ['item.decided', 'model.activated'] },
      { modelVersion: '1.0.0', types: ['model.registered'] },
      { modelVersion: '2.0.0', types: ['service.started', 'item.decided'] },
      { modelVersion: '2.0.0', subject: js2 },
      { modelVersion: '1.0.0', subject: js2, types: ['item.decided', 'explanation.opened'] },
      { modelVersion: '1.0.0', types: ['feedback.given'] },
      { modelVersion: '2.0.0', subject: js2, types: ['feedback.given', 'item.decided'] },
      {
        modelVersion: '1.0.0',
        from: new Date(START + 6 * MINUTE).toISOString(),
        to: new Date(START + 13 * MINUTE).toISOString(),
      },
    ];
    for (const filter of filters) {
      const version = filter.modelVersion ?? '';
      await expectEveryReadToFind(
        store,
        filter,
        head,
        all.filter((event) => isOfVersion(event, version)),
      );
    }
    expect(all.filter((event) => isOfVersion(event, '1.0.0')).map((event) => event.type)).toEqual([
      'model.registered',
      'model.activated',
      'service.started',
      'recommendation.generated',
      'recommendation.opened',
      'item.decided',
      'recommendation.generated',
      'item.decided',
      'model.activated',
      'feedback.given',
      'model.recalled',
      'explanation.opened',
      'item.decided',
      'item.added',
      'feedback.given',
      'feedback.given',
    ]);
    const ofVersion2 = all.filter((event) => isOfVersion(event, '2.0.0')).map((event) => event.type);
    expect(ofVersion2).toContain('feedback.given');
    expect(ofVersion2).toContain('service.started');
  });
});

describe('the auditors’ reads of one model by its id, beside a model of another name and the same version', () => {
  let fixture: DecisionLogFixture;
  let store: KnexAuditEventStore;
  let all: RecordedDecisionEvent[];
  let minute = 0;

  const generated = (setId: string, modelId: string, seekerId: string): NewDecisionEvent => ({
    type: 'recommendation.generated',
    actor: { role: 'counselor', id: 'c-1' },
    subjectId: seekerId,
    payload: { setId, model: { id: modelId, version: '1.0.0', sha256: 'a'.repeat(64) } },
  });
  const aboutSet = (
    type: DecisionEventType,
    setId: string,
    payload: Record<string, unknown> = {},
  ): NewDecisionEvent => ({
    type,
    actor: { role: type === 'feedback.given' ? 'job_seeker' : 'counselor', id: 'c-1' },
    subjectId: 'js-1',
    payload: { setId, ...payload },
  });
  const modelEvent = (type: DecisionEventType, payload: Record<string, unknown>): NewDecisionEvent => ({
    type,
    actor: { role: 'admin', id: 'ops-1' },
    payload,
  });
  const started = (modelId: string): NewDecisionEvent => ({
    type: 'service.started',
    actor: { role: 'system', id: 'startup' },
    payload: {
      softwareVersion: '1.0.0',
      engine: 'sqlite',
      model: { id: modelId, version: '1.0.0', sha256: 'a'.repeat(64) },
    },
  });

  beforeAll(async () => {
    fixture = await startDecisionLog({ now: () => new Date(START + minute * MINUTE) });
    store = new KnexAuditEventStore(fixture.db);
    const events: NewDecisionEvent[] = [
      modelEvent('model.registered', { modelId: 'ebm-1.0.0', version: '1.0.0' }),
      modelEvent('model.registered', { modelId: 'gbm-1.0.0', version: '1.0.0' }),
      modelEvent('model.activated', { modelId: 'ebm-1.0.0', previousModelId: null }),
      started('ebm-1.0.0'),
      generated('set-e', 'ebm-1.0.0', 'js-1'),
      aboutSet('item.decided', 'set-e', { itemId: 'item-e' }),
      modelEvent('model.activated', { modelId: 'gbm-1.0.0', previousModelId: 'ebm-1.0.0' }),
      started('gbm-1.0.0'),
      generated('set-g', 'gbm-1.0.0', 'js-1'),
      aboutSet('item.decided', 'set-g', { itemId: 'item-g' }),
      aboutSet('recommendation.published', 'set-e'),
      modelEvent('model.recalled', { modelId: 'gbm-1.0.0' }),
      // An answer written before `feedback.given` named the set: the item alone.
      { ...aboutSet('feedback.given', 'unused'), payload: { itemId: 'item-g' } },
      aboutSet('feedback.given', 'set-e', { itemId: 'item-e' }),
    ];
    for (const event of events) {
      await fixture.decisionLog.withTransaction((trx) => fixture.decisionLog.append(trx, event));
      minute += 1;
    }
    all = [];
    for await (const event of fixture.decisionLog.streamEvents()) all.push(event);
  });
  afterAll(() => fixture.close());

  const sequence = (filter: AuditEventFilter) => collectSeqs(store.streamEvents(filter));
  async function collectSeqs(events: AsyncIterable<RecordedDecisionEvent>): Promise<number[]> {
    const seqs: number[] = [];
    for await (const event of events) seqs.push(event.seq);
    return seqs;
  }
  /** The seqs of the events, by their place in the list above (1-based). */
  const at = (...places: number[]) => places.map((place) => all[place - 1]?.seq ?? 0);

  it('answers only that model’s events: registration, activations naming it, starts, recall and its sets’', async () => {
    const ebm = at(1, 3, 4, 5, 6, 7, 11, 14);
    const gbm = at(2, 7, 8, 9, 10, 12, 13);
    expect(await sequence({ modelId: 'ebm-1.0.0' })).toEqual(ebm);
    expect(await sequence({ modelId: 'gbm-1.0.0' })).toEqual(gbm);
    const head = all.at(-1)?.seq ?? 0;
    expect(await store.countEvents({ modelId: 'gbm-1.0.0' }, head)).toBe(gbm.length);
    const page = await store.listEvents({ modelId: 'gbm-1.0.0' }, { afterSeq: 0, limit: 3 });
    expect(page.map((event) => event.seq)).toEqual(gbm.slice(0, 3));
  });

  it('answers both models for their shared version, and one with its id and version together', async () => {
    expect(await sequence({ modelVersion: '1.0.0' })).toEqual(all.map((event) => event.seq));
    expect(await sequence({ modelVersion: '1.0.0', modelId: 'ebm-1.0.0' })).toEqual(
      await sequence({ modelId: 'ebm-1.0.0' }),
    );
    expect(await sequence({ modelVersion: '2.0.0', modelId: 'ebm-1.0.0' })).toEqual([]);
    expect(await sequence({ modelId: 'ebm-1.0.0', types: ['item.decided', 'model.activated'] })).toEqual(
      at(3, 6, 7),
    );
  });
});

describe('the auditors’ reads of one set (setId)', () => {
  let fixture: DecisionLogFixture;
  let store: KnexAuditEventStore;
  let all: RecordedDecisionEvent[];
  let minute = 0;

  const event = (
    type: DecisionEventType,
    payload: Record<string, unknown>,
    seekerId: string | undefined = 'js-1',
  ): NewDecisionEvent => ({
    type,
    actor: { role: type === 'feedback.given' ? 'job_seeker' : 'counselor', id: 'c-1' },
    ...(seekerId === undefined ? {} : { subjectId: seekerId }),
    payload,
  });

  beforeAll(async () => {
    fixture = await startDecisionLog({ now: () => new Date(START + minute * MINUTE) });
    store = new KnexAuditEventStore(fixture.db);
    const events: NewDecisionEvent[] = [
      event('recommendation.generated', { setId: 'set-before', withdrawnSetIds: [] }),
      event('recommendation.generated', { setId: 'set-a', withdrawnSetIds: ['set-before'] }),
      event('recommendation.opened', { setId: 'set-a' }),
      event('item.decided', { setId: 'set-a', itemId: 'item-a1' }),
      event('item.added', { setId: 'set-a', itemId: 'item-a2' }),
      event('recommendation.published', { setId: 'set-a', replacesSetId: null }),
      event('explanation.opened', { setId: 'set-a', itemId: 'item-a1' }),
      // An answer written before `feedback.given` named the set: the item alone.
      event('feedback.given', { itemId: 'item-a1', response: 'contest' }),
      event('feedback.given', { setId: 'set-a', itemId: 'item-a2', response: 'interested' }),
      event('contest.replied', { setId: 'set-a', itemId: 'item-a1' }),
      // Another set: its own events, and an addition naming set-a as where the model suggested it.
      event('recommendation.generated', { setId: 'set-b', withdrawnSetIds: [], secondReviewOwedBy: 'set-a' }),
      event('item.added', { setId: 'set-b', itemId: 'item-b1', earlierModelSetId: 'set-a' }),
      event('second_review.requested', { setId: 'set-c', secondReviewOwedBy: 'set-a' }),
      event('recommendation.published', { setId: 'set-b', replacesSetId: 'set-a' }),
      event('job_seeker.upserted', { changedFields: ['counselorId'], withdrawnSetIds: ['set-b', 'set-a'] }),
      event('objection.recorded', { channel: 'portal', withdrawnSetIds: ['set-b'] }),
      event('model.recalled', { modelId: 'm-1', retractedSetIds: ['set-a'], withdrawnSetIds: [] }, undefined),
      event('incident.recorded', { incidentId: 'inc-1', setIds: ['set-a'] }, undefined),
      event('incident.recorded', { incidentId: 'inc-2', setIds: ['set-b'] }, undefined),
      event('incident.notified', { incidentId: 'inc-1', recipient: 'provider' }, undefined),
      event('incident.notified', { incidentId: 'inc-2', recipient: 'provider' }, undefined),
      event('settings.changed', { changes: [] }, undefined),
    ];
    for (const appended of events) {
      await fixture.decisionLog.withTransaction((trx) => fixture.decisionLog.append(trx, appended));
      minute += 1;
    }
    all = [];
    for await (const recorded of fixture.decisionLog.streamEvents()) all.push(recorded);
  });
  afterAll(() => fixture.close());

  /** The filter as it reads: the set's own events, and those naming it in a member that ends, replaces or reports it. */
  function isOfSet(recorded: RecordedDecisionEvent, set: string): boolean {
    const payload = recorded.payload as Record<string, unknown>;
    if (payload.setId === set) return true;
    const names = (member: string) =>
      payload[member] === set || (Array.isArray(payload[member]) && payload[member].includes(set));
    switch (recorded.type) {
      case 'feedback.given':
        return (
          payload.setId === undefined &&
          all.some(
            (e) =>
              (e.type === 'item.decided' || e.type === 'item.added') &&
              (e.payload as { setId?: string; itemId?: string }).setId === set &&
              (e.payload as { itemId?: string }).itemId === payload.itemId,
          )
        );
      case 'incident.notified':
        return all.some(
          (e) =>
            e.type === 'incident.recorded' &&
            (e.payload as { incidentId: string }).incidentId === payload.incidentId &&
            (e.payload as { setIds: string[] }).setIds.includes(set),
        );
      default:
        return ['withdrawnSetIds', 'retractedSetIds', 'replacesSetId', 'secondReviewOwedBy', 'setIds'].some(
          names,
        );
    }
  }

  it('lists, streams and counts the same events as its definition, whatever the other filters', async () => {
    const head = all.at(-1)?.seq ?? 0;
    const filters: AuditEventFilter[] = [
      { setId: 'set-a' },
      { setId: 'set-b' },
      { setId: 'set-before' },
      { setId: 'set-never' },
      { setId: 'set-a', types: ['item.decided', 'recommendation.published', 'incident.notified'] },
      { setId: 'set-a', types: ['feedback.given'] },
      { setId: 'set-a', subject: fixture.pseudonymiser.pseudonymise('js-1') },
      {
        setId: 'set-a',
        from: new Date(START + 5 * MINUTE).toISOString(),
        to: new Date(START + 17 * MINUTE).toISOString(),
      },
    ];
    for (const filter of filters) {
      const set = filter.setId ?? '';
      await expectEveryReadToFind(
        store,
        filter,
        head,
        all.filter((recorded) => isOfSet(recorded, set)),
      );
    }
    const setA = all.filter((recorded) => isOfSet(recorded, 'set-a'));
    expect(setA.map((recorded) => recorded.type)).toEqual([
      'recommendation.generated',
      'recommendation.opened',
      'item.decided',
      'item.added',
      'recommendation.published',
      'explanation.opened',
      'feedback.given',
      'feedback.given',
      'contest.replied',
      'recommendation.generated',
      'second_review.requested',
      'recommendation.published',
      'job_seeker.upserted',
      'model.recalled',
      'incident.recorded',
      'incident.notified',
    ]);
    // The addition naming set-a as where the model had suggested the course is not about set-a.
    expect(setA.map((recorded) => (recorded.payload as { itemId?: string }).itemId)).not.toContain('item-b1');
    expect(
      all.filter((recorded) => isOfSet(recorded, 'set-before')).map((recorded) => recorded.type),
    ).toEqual(['recommendation.generated', 'recommendation.generated']);
  });
});

/**
 * Streamed, listed page by page and counted up to `head`, `filter` finds the events of `matching` that
 * its other members (types, subject, period) let through, in seq order.
 */
async function expectEveryReadToFind(
  store: KnexAuditEventStore,
  filter: AuditEventFilter,
  head: number,
  matching: readonly RecordedDecisionEvent[],
): Promise<void> {
  const expected = matching.filter(
    (event) =>
      (filter.types === undefined || filter.types.includes(event.type as DecisionEventType)) &&
      (filter.subject === undefined || event.subject === filter.subject) &&
      (filter.from === undefined || event.occurredAt >= filter.from) &&
      (filter.to === undefined || event.occurredAt < filter.to),
  );
  const label = JSON.stringify(filter);
  const streamed: RecordedDecisionEvent[] = [];
  for await (const event of store.streamEvents(filter)) streamed.push(event);
  expect(streamed, label).toEqual(expected);
  const listed: RecordedDecisionEvent[] = [];
  for (let afterSeq = 0; ; ) {
    const page = await store.listEvents(filter, { afterSeq, limit: 2 });
    listed.push(...page);
    const last = page.at(-1);
    if (last === undefined) break;
    afterSeq = last.seq;
  }
  expect(listed, label).toEqual(expected);
  expect(await store.countEvents(filter, head), label).toBe(expected.length);
}
