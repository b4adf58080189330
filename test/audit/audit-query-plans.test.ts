import type { Knex } from 'knex';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AuditEventFilter } from '../../src/audit/audit-event-filter.ts';
import { KnexAuditEventStore } from '../../src/audit/knex-audit-event-store.ts';
import {
  OVERSIGHT_READING_EVENT_TYPES,
  OVERSIGHT_REVIEW_EVENT_TYPES,
} from '../../src/audit/oversight-stats.ts';
import { loadConfig } from '../../src/config.ts';
import { createDecisionLog } from '../../src/decision-log/create-decision-log.ts';
import type { DecisionLog } from '../../src/decision-log/decision-log.ts';
import { INCIDENT_EVENT_TYPES } from '../../src/incidents/incident.ts';
import {
  BULK_SQL,
  insertEvents,
  readPlans,
  type Statement,
  usePlanDatabase,
} from '../support/query-plans.ts';
import { TEST_ENGINE, type TestDatabase } from '../support/test-database.ts';

const WEEK = { from: '2026-03-02T00:00:00.000Z', to: '2026-03-09T00:00:00.000Z' };

/** The decision log on `db`, with keys generated in the test's data folder. */
async function openLog(db: Knex, database: TestDatabase): Promise<DecisionLog> {
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: database.dataDir });
  return (await createDecisionLog(db, config)).decisionLog;
}

/** The plans of what `work` sent but the read of the log's head, one row bounding the pages. */
async function readEventPlans(db: Knex, work: () => Promise<unknown>) {
  return (await readPlans(db, work)).filter(({ sql }) => !sql.includes('decision_log_head'));
}

/**
 * The auditor queries must stay fast on a log of a million events: each statement they run is
 * answered from an index or a range of the table's own key (`seq`), in seq order, without sorting
 * the matches (SQLite's plan, as a fresh database has it: no statistics).
 */
describe.skipIf(TEST_ENGINE !== 'sqlite')('query plans of the auditor queries (SQLite)', () => {
  let store: KnexAuditEventStore;
  let log: DecisionLog;

  const deployment = usePlanDatabase(async (db, database) => {
    // Opened on the empty log: its keys are recorded before the events below, written by hand.
    log = await openLog(db, database);
    // An event, so that the time range has seqs to turn into, and a set of model version 1.0.0.
    await db('decision_events').insert([
      {
        seq: 1,
        event_id: '00000000-0000-4000-8000-000000000001',
        type: 'item.decided',
        occurred_at: '2026-03-04T10:00:00.000Z',
        actor_role: 'counselor',
        actor_pseudonym: 'C1',
        subject: 'S1',
        payload: '{}',
        prev_hash: '0'.repeat(64),
        hash: '1'.repeat(64),
      },
      {
        seq: 2,
        event_id: '00000000-0000-4000-8000-000000000002',
        type: 'recommendation.generated',
        occurred_at: '2026-03-04T10:01:00.000Z',
        actor_role: 'counselor',
        actor_pseudonym: 'C1',
        subject: 'S1',
        payload: '{"model":{"version":"1.0.0"},"setId":"set-1"}',
        prev_hash: '1'.repeat(64),
        hash: '2'.repeat(64),
      },
    ]);
    await db('decision_log_head').update({ seq: 2, hash: '2'.repeat(64) });
  });

  const plansOf = (work: () => Promise<unknown>) => readEventPlans(deployment.db, work);

  const page = (filter: AuditEventFilter) => () => store.listEvents(filter, { afterSeq: 0, limit: 50 });
  const stream = (filter: AuditEventFilter) => async () => {
    for await (const _event of store.streamContents(filter, 100)) {
      // read to the end
    }
  };

  beforeAll(() => {
    store = new KnexAuditEventStore(deployment.db);
  });

  it.each([
    ['one type', page({ types: ['item.decided'] }), ['decision_events_type_seq_index']],
    ['a counselor', page({ actor: 'C1' }), ['decision_events_actor_pseudonym_seq_index']],
    ['a job seeker', page({ subject: 'S1' }), ['decision_events_subject_seq_index']],
    [
      'a week',
      page(WEEK),
      [
        'COVERING INDEX decision_events_occurred_at_seq_index',
        'USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)',
      ],
    ],
    [
      'a counselor in a week',
      page({ ...WEEK, actor: 'C1' }),
      ['COVERING INDEX decision_events_occurred_at_seq_index', 'decision_events_actor_pseudonym_seq_index'],
    ],
    [
      'several types',
      page({ types: ['item.decided', 'item.added', 'recommendation.opened'] }),
      ['decision_events_type_seq_index'],
    ],
    [
      'the oversight read',
      stream({ types: OVERSIGHT_REVIEW_EVENT_TYPES, from: WEEK.from }),
      ['COVERING INDEX decision_events_occurred_at_seq_index', 'decision_events_type_seq_index'],
    ],
    [
      'the explanation readings for the oversight figures',
      stream({ types: OVERSIGHT_READING_EVENT_TYPES, from: WEEK.from }),
      ['COVERING INDEX decision_events_occurred_at_seq_index', 'decision_events_type_seq_index'],
    ],
    [
      'a model version (its sets from the generated events, its ids from its registrations)',
      page({ modelVersion: '1.1.0' }),
      ['decision_events_generated_model_version_index (<expr>=?)', 'decision_events_type_seq_index (type=?)'],
    ],
    [
      'the events of a model version that generated sets',
      page({ modelVersion: '1.0.0' }),
      ['decision_events_generated_model_version_index (<expr>=?)', 'decision_events_type_seq_index (type=?)'],
    ],
    [
      'the events of one model by its id',
      page({ modelId: 'm-1.0.0' }),
      ['decision_events_generated_model_id_index (<expr>=?)', 'decision_events_type_seq_index (type=?)'],
    ],
    [
      'one set (its own events from the index of the events naming a set, those naming it otherwise from its person’s events or, naming no person, from their types’)',
      page({ setId: 'set-1' }),
      [
        'decision_events_set_id_seq_index (<expr>=?',
        'decision_events_subject_seq_index (subject=? AND seq>?',
        'decision_events_type_seq_index (type=? AND seq>?',
      ],
    ],
    [
      'some types of one set',
      page({ setId: 'set-1', types: ['item.decided', 'recommendation.published'] }),
      [
        'decision_events_set_id_seq_index (<expr>=?',
        'decision_events_subject_seq_index (subject=? AND seq>?',
      ],
    ],
    [
      'an export count of one set',
      () => store.countEvents({ setId: 'set-1' }, 100),
      ['decision_events_set_id_seq_index (<expr>=?', 'decision_events_type_seq_index (type=? AND seq>?'],
    ],
    [
      'an export count of a model version',
      () => store.countEvents({ modelVersion: '1.0.0', types: ['item.decided', 'model.activated'] }, 100),
      ['decision_events_generated_model_version_index (<expr>=?)', 'decision_events_type_seq_index (type=?)'],
    ],
    [
      'the job seekers a logged text may name',
      () => store.hasEventsAbout(['S1', 'S2']),
      ['decision_events_subject_seq_index'],
    ],
    [
      'the staff a logged text may name',
      () => store.hasEventsBy(['C1', 'C2'], ['counselor', 'admin']),
      ['decision_events_actor_pseudonym_seq_index'],
    ],
    [
      'an export count',
      () => store.countEvents({ actor: 'C1' }, 100),
      ['decision_events_actor_pseudonym_seq_index'],
    ],
  ] as const)('reads %s from its indexes, in seq order', async (_name, work, indexes) => {
    const plans = await plansOf(work);
    expect(plans.length).toBeGreaterThan(0);
    const all = plans.map((p) => p.plan).join(' | ');
    for (const index of indexes) expect(all).toContain(index);
    for (const { sql, plan } of plans) {
      expect(plan, sql).toMatch(/^SEARCH decision_events USING ((COVERING )?INDEX|INTEGER PRIMARY KEY)/);
      expect(plan, sql).not.toMatch(/SCAN decision_events|TEMP B-TREE/);
    }
  });

  it('reads a model version that generated no set from the indexes of its own events alone', async () => {
    for (const work of [
      page({ modelVersion: '1.1.0' }),
      stream({ modelVersion: '1.1.0' }),
      () => store.countEvents({ modelVersion: '1.1.0' }, 100),
    ]) {
      for (const { sql, plan } of await plansOf(work)) {
        expect(plan, sql).toMatch(
          /^SEARCH decision_events USING INDEX decision_events_(type_seq|generated_model_version)_index/,
        );
        expect(plan, sql).not.toMatch(/INTEGER PRIMARY KEY|SCAN decision_events/);
      }
    }
  });

  it("reads the events of a model version's sets from its first set on, not from the start of the log", async () => {
    const { db } = deployment;
    const statements: Statement[] = [];
    const listen = (statement: Statement) => statements.push(statement);
    db.on('query', listen);
    await store.listEvents({ modelVersion: '1.0.0' }, { afterSeq: 0, limit: 50 });
    db.off('query', listen);
    // The incidents name the sets in a list (`setIds`), read from their type's index: another share.
    const ofItsSets = statements.filter(
      (statement) =>
        statement.sql.includes('$.setId') &&
        !statement.sql.includes('$.itemId') &&
        !statement.sql.includes('$.setIds'),
    );
    expect(ofItsSets).toHaveLength(1);
    // After seq 1: the set's generation, seq 2, is the first event the share may hold.
    expect(ofItsSets[0]?.bindings).toContain(1);
    expect(ofItsSets[0]?.bindings).not.toContain(0);
  });

  it("reads the older answers on the items of a model version's sets, which name no set, from indexes and from its first set on", async () => {
    const plans = await plansOf(page({ modelVersion: '1.0.0', types: ['feedback.given'] }));
    const olderAnswers = plans.filter((statement) => statement.sql.includes('$.itemId'));
    expect(olderAnswers).toHaveLength(1);
    const [{ plan, bindings } = { plan: '', bindings: [] }] = olderAnswers;
    // The answers, and the decisions and additions that tie their items to the sets, after seq 1.
    expect(plan.match(/decision_events_type_seq_index \(type=\? AND seq>\?( AND seq<\?)?\)/g)).toHaveLength(
      2,
    );
    expect(plan).toContain('decision_events_generated_model_version_index (<expr>=?)');
    expect(plan).not.toMatch(/SCAN decision_events|TEMP B-TREE/);
    expect(bindings.filter((binding) => binding === 1)).toHaveLength(2);
  });

  it("reads the auditors' queries naming a person from their partial indexes, and the incidents from the type index, in seq order", async () => {
    const queries = await plansOf(() => log.listQueriesNaming('js-1'));
    expect(queries.map((statement) => statement.plan)).toEqual([
      expect.stringMatching(
        /^SEARCH decision_events USING INDEX decision_events_queried_subject_index \(<expr>=\?\)$/,
      ),
      expect.stringMatching(
        /^SEARCH decision_events USING INDEX decision_events_queried_actor_index \(<expr>=\?\)$/,
      ),
      expect.stringMatching(
        /^SEARCH decision_events USING INDEX decision_events_queried_set_subject_index \(<expr>=\?\)$/,
      ),
    ]);
    const incidents = await plansOf(() => log.listEventsOfTypes(INCIDENT_EVENT_TYPES));
    expect(incidents.length).toBeGreaterThan(0);
    for (const { sql, plan } of incidents) {
      expect(plan, sql).toContain('decision_events_type_seq_index');
      expect(plan, sql).not.toMatch(/SCAN decision_events/);
    }
  });

  it("reads a job seeker's or a counselor's events of some types from their own index, not every event of the types", async () => {
    for (const [person, index] of [
      [{ subject: 'S1' }, 'decision_events_subject_seq_index'],
      [{ actor: 'C1' }, 'decision_events_actor_pseudonym_seq_index'],
    ] as const) {
      const filter: AuditEventFilter = { ...person, types: ['item.decided', 'recommendation.opened'] };
      for (const work of [page(filter), stream(filter), () => store.countEvents(filter, 100)]) {
        const plans = await plansOf(work);
        expect(plans.length).toBeGreaterThan(0);
        for (const { sql, plan } of plans) {
          expect(plan, sql).toContain(index);
          expect(plan, sql).not.toContain('decision_events_type_seq_index');
        }
      }
    }
  });
});

/**
 * The same on a log of 100,000 events, where PostgreSQL has statistics (and SQLite still none): no
 * filter that an index can serve reads the whole table.
 */
describe('query plans of the auditor queries on a large log', () => {
  let store: KnexAuditEventStore;
  let log: DecisionLog;
  const N = 100_000;
  /** Audit queries after the events, each naming one of the people as its subject or actor filter. */
  const QUERIES = 5_000;
  /** Version 2.0.0 generated its first set here, 1.0.0 every set before. */
  const FIRST_SET_OF_2 = 90_012;

  const deployment = usePlanDatabase(
    async (db, database) => {
      log = await openLog(db, database);
      // A set generated every 13 events, its decisions after it; 200 counselors and 5,000 people.
      const version = (g: string) => `case when ${g} < ${FIRST_SET_OF_2} then '1.0.0' else '2.0.0' end`;
      await insertEvents(db, N, {
        seq: 'g',
        type: `case when g % 13 = 0 then 'recommendation.generated' else 'item.decided' end`,
        occurred_at: "'2026-03-04T10:00:00.000Z'",
        actor_pseudonym: `'c' || (g / 13 % 200)`,
        subject: `'s' || (g / 13 % 5000)`,
        payload: `case when g % 13 = 0 then '{"model":{"version":"' || ${version('g')} || '"},"setId":"set-' || (g / 13) || '"}' else '{"decision":"approved","itemId":"item-' || g || '","setId":"set-' || (g / 13) || '"}' end`,
      });
      // Answers written before `feedback.given` named the set: on an item of each version's sets, by
      // the person the set was made for.
      await db('decision_events').insert(
        [FIRST_SET_OF_2 + 1, 14].map((item, index) => ({
          seq: N + 1 + index,
          event_id: `00000000-0000-4000-8000-00000000000${index}`,
          type: 'feedback.given',
          occurred_at: '2026-03-05T10:00:00.000Z',
          actor_role: 'job_seeker',
          actor_pseudonym: `s${Math.floor(item / 13) % 5000}`,
          subject: `s${Math.floor(item / 13) % 5000}`,
          payload: JSON.stringify({ hasComment: false, itemId: `item-${item}`, response: 'contest' }),
          prev_hash: '0'.repeat(64),
          hash: '1'.repeat(64),
        })),
      );
      // Then the auditors' queries, every other one on a person's acts (actor), the others on their events.
      await insertEvents(db, QUERIES, {
        seq: `${N} + 2 + g`,
        type: "'audit.queried'",
        occurred_at: "'2026-03-05T10:00:00.000Z'",
        actor_role: "'auditor'",
        actor_pseudonym: "'a1'",
        subject: 'null',
        payload: `'{"filters":{"' || case when g % 2 = 0 then 'subject' else 'actor' end || '":"s' || (g % 5000) || '"},"operation":"listAuditEvents","purpose":"p","resultCount":1}'`,
      });
      await db('decision_log_head').update({ seq: N + 2 + QUERIES, hash: '1'.repeat(64) });
      store = new KnexAuditEventStore(db);
    },
    { analyze: 'decision_events' },
  );

  const plansOf = (work: () => Promise<unknown>) => readEventPlans(deployment.db, work);

  /** A plan that reads the table from its first event (or its whole index on `seq`) and filters. */
  const WHOLE_TABLE =
    /SCAN decision_events|INTEGER PRIMARY KEY \(rowid>\?\)|Seq Scan on decision_events|Index Scan using decision_events_pkey/;

  it('reads a model version that generated no set without going through the events', async () => {
    const plans = await plansOf(() =>
      store.listEvents({ modelVersion: '9.9.9' }, { afterSeq: 0, limit: 50 }),
    );
    expect(plans.length).toBeGreaterThan(0);
    for (const { sql, plan } of plans) expect(plan, sql).not.toMatch(WHOLE_TABLE);
  });

  it("reads the events of a model version's sets from its first set on", async () => {
    const plans = await plansOf(() =>
      store.listEvents({ modelVersion: '2.0.0' }, { afterSeq: 0, limit: 50 }),
    );
    // The events that name one of its sets, and the older answers that name an item of them alone
    // (the incidents, which name sets in a list, are read from their type's index).
    const fromFirstSet = plans.filter(
      (statement) => /setId/.test(statement.sql) && !/setIds/.test(statement.sql),
    );
    expect(fromFirstSet).toHaveLength(2);
    for (const { sql, plan, bindings } of fromFirstSet) {
      expect(bindings, sql).toContain(FIRST_SET_OF_2 - 1);
      expect(plan, sql).not.toMatch(/SCAN decision_events|Seq Scan on decision_events/);
    }
    for (const { sql, plan } of plans.filter((statement) => !fromFirstSet.includes(statement))) {
      expect(plan, sql).not.toMatch(WHOLE_TABLE);
    }
    const events = await store.listEvents({ modelVersion: '2.0.0' }, { afterSeq: 0, limit: 50 });
    expect(events[0]?.seq).toBe(FIRST_SET_OF_2);
  });

  it("reads the older answers on the items of a model version's sets from its first set on", async () => {
    const filter: AuditEventFilter = { modelVersion: '2.0.0', types: ['feedback.given'] };
    const plans = await plansOf(() => store.listEvents(filter, { afterSeq: 0, limit: 50 }));
    const olderAnswers = plans.filter((statement) => /itemId/.test(statement.sql));
    expect(olderAnswers).toHaveLength(1);
    expect(olderAnswers[0]?.bindings.filter((binding) => binding === FIRST_SET_OF_2 - 1)).toHaveLength(2);
    for (const { sql, plan } of plans)
      expect(plan, sql).not.toMatch(/SCAN decision_events|Seq Scan on decision_events/);
    const answers = await store.listEvents(filter, { afterSeq: 0, limit: 50 });
    expect(answers.map((event) => event.payload)).toEqual([
      { hasComment: false, itemId: `item-${FIRST_SET_OF_2 + 1}`, response: 'contest' },
    ]);
  });

  it("reads one set's trail from the index of the events naming a set, and the events naming it otherwise from its first event on", async () => {
    const set = `set-${FIRST_SET_OF_2 / 13}`;
    const firstOfSet = FIRST_SET_OF_2;
    const plans = await plansOf(() => store.listEvents({ setId: set }, { afterSeq: 0, limit: 50 }));
    expect(plans.length).toBeGreaterThan(0);
    for (const { sql, plan } of plans) expect(plan, sql).not.toMatch(WHOLE_TABLE);
    const own = plans.filter(({ sql }) => !/type/.test(sql));
    expect(own.length).toBeGreaterThan(0);
    for (const { sql, plan } of own) expect(plan, sql).toMatch(/decision_events_set_id_seq_index/);
    const naming = plans.filter(({ sql }) => /type/.test(sql));
    expect(naming.length).toBeGreaterThan(0);
    for (const { sql, bindings } of naming) expect(bindings, sql).toContain(firstOfSet - 1);
    // Its 13 events, and the older answer naming one of its items alone.
    const events = await store.listEvents({ setId: set }, { afterSeq: 0, limit: 50 });
    expect(events.map((event) => event.seq)).toEqual([
      ...Array.from({ length: 13 }, (_, index) => firstOfSet + index),
      N + 1,
    ]);
  });

  it('finds the sets an incident names from the index of the events naming a set, and their erasures from an index, not the whole log', async () => {
    const setIds = ['set-5', `set-${FIRST_SET_OF_2 / 13}`, 'set-never'];
    const plans = await plansOf(() => log.listLoggedSets(setIds));
    expect(plans).toHaveLength(1);
    for (const { sql, plan } of plans) {
      expect(plan, sql).toMatch(/decision_events_set_id_seq_index/);
      expect(plan, sql).not.toMatch(WHOLE_TABLE);
    }
    const found = await log.listLoggedSets(setIds);
    expect(found.sort((a, b) => a.setId.localeCompare(b.setId))).toEqual([
      { setId: 'set-5', erasedSince: false },
      { setId: `set-${FIRST_SET_OF_2 / 13}`, erasedSince: false },
    ]);
  });

  it("reads the auditors' queries naming a person from their partial indexes, not every query", async () => {
    const plans = await plansOf(() => log.listQueriesNaming('js-4242'));
    expect(plans).toHaveLength(3);
    const [bySubject, byActor, bySetSubject] = plans;
    expect(bySubject?.plan).toContain('decision_events_queried_subject_index');
    expect(byActor?.plan).toContain('decision_events_queried_actor_index');
    expect(bySetSubject?.plan).toContain('decision_events_queried_set_subject_index');
    for (const { sql, plan } of plans) {
      expect(plan, sql).not.toMatch(WHOLE_TABLE);
      expect(plan, sql).not.toMatch(/decision_events_type_seq_index|TEMP B-TREE|Sort/);
    }
  });

  it("reads a job seeker's or a counselor's decisions from their own index, not every decision", async () => {
    for (const [person, index] of [
      [{ subject: 's4242' }, 'decision_events_subject_seq_index'],
      [{ actor: 'c42' }, 'decision_events_actor_pseudonym_seq_index'],
    ] as const) {
      const filter: AuditEventFilter = { ...person, types: ['item.decided'] };
      for (const work of [
        () => store.listEvents(filter, { afterSeq: 0, limit: 50 }),
        () => store.countEvents(filter, N),
      ]) {
        for (const { sql, plan } of await plansOf(work)) {
          expect(plan, sql).toContain(index);
          expect(plan, sql).not.toContain('decision_events_type_seq_index');
        }
      }
    }
  });
});

/**
 * A read over a time range first finds the range's first and last seq. On PostgreSQL `min(seq)` with a
 * time condition was answered by walking the primary key from the log's first event until one fell in
 * the range: every event before it, a year of them for a recent week.
 */
describe('the time range of a read on a log a year long', () => {
  /** One event every 150 seconds from 2026-01-01: 200,000 events, 347 days. */
  const N = 200_000;
  let store: KnexAuditEventStore;

  const deployment = usePlanDatabase(
    async (db) => {
      await insertEvents(db, N, {
        seq: 'g',
        type: "'item.decided'",
        occurred_at: BULK_SQL.at('g * 150'),
        actor_pseudonym: "'c1'",
        subject: "'s1'",
        payload: `'{"decision":"approved"}'`,
      });
      await db('decision_log_head').update({ seq: N, hash: '1'.repeat(64) });
      store = new KnexAuditEventStore(db);
    },
    { analyze: 'decision_events' },
  );

  it("finds a recent week's first and last seq from the time index, not from the log's first event", async () => {
    const week = { from: '2026-12-01T00:00:00.000Z', to: '2026-12-08T00:00:00.000Z' };
    const plans = await readEventPlans(deployment.db, () =>
      store.listEvents(week, { afterSeq: 0, limit: 50 }),
    );
    const bounds = plans.filter(({ sql }) => /\bmin\(/.test(sql));
    expect(bounds).toHaveLength(1);
    for (const { sql, plan } of bounds) {
      expect(plan, sql).toContain('decision_events_occurred_at_seq_index');
      expect(plan, sql).not.toMatch(/decision_events_pkey|INTEGER PRIMARY KEY/);
    }
    const [first] = await store.listEvents(week, { afterSeq: 0, limit: 50 });
    // 576 events a day: event 334 × 576 is stamped 2026-12-01T00:00:00, 334 days after 2026-01-01.
    expect(first?.seq).toBe(334 * 576);
  });
});
