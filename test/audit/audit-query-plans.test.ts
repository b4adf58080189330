import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEventFilter } from '../../src/audit/audit-event-filter.ts';
import { KnexAuditEventStore } from '../../src/audit/knex-audit-event-store.ts';
import {
  OVERSIGHT_READING_EVENT_TYPES,
  OVERSIGHT_REVIEW_EVENT_TYPES,
} from '../../src/audit/oversight-stats.ts';
import { openDatabase } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrations.ts';
import { createTestDatabase, TEST_ENGINE, type TestDatabase } from '../support/test-database.ts';

interface Statement {
  sql: string;
  bindings: readonly unknown[];
}

const WEEK = { from: '2026-03-02T00:00:00.000Z', to: '2026-03-09T00:00:00.000Z' };

/**
 * The auditor queries must stay fast on a log of a million events: each statement they run is
 * answered from an index or a range of the table's own key (`seq`), in seq order, without sorting
 * the matches (SQLite's plan, as a fresh database has it: no statistics).
 */
describe.skipIf(TEST_ENGINE !== 'sqlite')('query plans of the auditor queries (SQLite)', () => {
  let database: TestDatabase;
  let db: Knex;
  let store: KnexAuditEventStore;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = openDatabase({ databaseUrl: undefined, dataDir: database.dataDir });
    await migrateToLatest(db);
    // One event, so that the time range has seqs to turn into.
    await db('decision_events').insert({
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
    });
  });
  afterAll(async () => {
    await db.destroy();
    await database.drop();
  });

  /** Runs `work` and returns the plan of every statement it sent. */
  async function plansOf(work: () => Promise<unknown>): Promise<Array<{ sql: string; plan: string }>> {
    const statements: Statement[] = [];
    const listen = (statement: Statement) => statements.push(statement);
    db.on('query', listen);
    try {
      await work();
    } finally {
      db.off('query', listen);
    }
    const plans = [];
    for (const statement of statements) {
      const steps: Array<{ detail: string }> = await db.raw(`explain query plan ${statement.sql}`, [
        ...statement.bindings,
      ] as Knex.RawBinding[]);
      plans.push({ sql: statement.sql, plan: steps.map((step) => step.detail).join('; ') });
    }
    return plans;
  }

  const page = (filter: AuditEventFilter) => () => store.listEvents(filter, { afterSeq: 0, limit: 50 });
  const stream = (filter: AuditEventFilter) => async () => {
    for await (const _event of store.streamContents(filter, 100)) {
      // read to the end
    }
  };

  beforeAll(() => {
    store = new KnexAuditEventStore(db);
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
});
