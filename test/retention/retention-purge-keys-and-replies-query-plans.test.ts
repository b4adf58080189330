import { describe, expect, it } from 'vitest';
import { KnexRetentionStore } from '../../src/retention/knex-retention-store.ts';
import {
  BULK_SQL,
  insertItems,
  insertPeople,
  insertSets,
  readPlans,
  usePlanDatabase,
} from '../support/query-plans.ts';

/** A whole-table read of `idempotency_keys` in either engine's words. */
const WHOLE_KEYS = /SCAN idempotency_keys\b|Seq Scan on idempotency_keys/;
/** A whole-table read of `contest_replies` in either engine's words. */
const WHOLE_REPLIES = /SCAN contest_replies\b|Seq Scan on contest_replies/;
const KEYS = 40_000;
const SETS = 5_000;
/** Replies, one on each item of the sets. */
const REPLIES = SETS * 2;
/** The first PAST rows of each table were written before the retention cutoff. */
const PAST = 12;
/** The retention cutoff. */
const BEFORE = '2026-01-01T00:00:00.000Z';
const LONG_AGO = "'2025-06-01T00:00:00.000Z'";

/**
 * A deployment a year on, 40,000 creations sent with an `Idempotency-Key` and 10,000 replies to
 * contests kept: the daily retention run finds the few keys and replies past their periods through
 * an index, not by reading every one kept.
 */
describe("the retention run's purges of idempotency keys and contest replies on a large deployment", () => {
  const deployment = usePlanDatabase(async (db) => {
    await insertPeople(db, 1000);
    const { series, text, at } = BULK_SQL;
    const createdAt = (later: string) => `case when g <= ${PAST} then ${LONG_AGO} else ${later} end`;
    await db.raw(
      `insert into idempotency_keys (subject, key, operation, request_hash, response_status, response_body, created_at) ${series(
        KEYS,
        `'c-' || ${text('g % 50')}, 'key-' || ${text('g')}, 'createRecommendationSet', 'hash', 201, '{}', ${createdAt(at('g * 60'))}`,
      )}`,
    );
    await insertSets(db, SETS, {
      seeker_id: `'js-' || ${text('g % 1000 + 1')}`,
      created_at: at('g * 60'),
      closed_at: at('g * 60'),
      published_at: at('g * 60'),
    });
    await insertItems(db, SETS * 2);
    // A reply on each item; the first ones, in sets kept, written in 2025 (the clock's word).
    await db.raw(
      `insert into contest_replies (id, item_id, seeker_id, counselor_id, message, created_at) ${series(
        REPLIES,
        `'reply-' || ${text('g')}, 'item-' || ${text('g')}, 'js-' || ${text('((g + 1) / 2) % 1000 + 1')}, 'c-1', 'Revu avec vous.',
         ${createdAt(at('g * 30'))}`,
      )}`,
    );
  });

  it('finds the idempotency keys past retention without reading every key kept, and purges only those', async () => {
    const { db } = deployment;
    const store = new KnexRetentionStore(db);
    let purged = 0;
    const plans = await readPlans(db, () =>
      db.transaction(async (trx) => {
        purged = await store.purgeIdempotencyKeys(trx, BEFORE);
      }),
    );
    expect(purged).toBe(PAST);
    expect(plans).toHaveLength(1);
    for (const { sql, plan } of plans) expect(plan, sql).not.toMatch(WHOLE_KEYS);
    const [left] = await db('idempotency_keys').count({ n: '*' });
    expect(Number(left?.n)).toBe(KEYS - PAST);
  });

  it('finds the contest replies past retention without reading every reply kept, and purges only those', async () => {
    const { db } = deployment;
    const store = new KnexRetentionStore(db);
    let purged = 0;
    const plans = await readPlans(db, () =>
      db.transaction(async (trx) => {
        purged = await store.purgeContestReplies(trx, BEFORE);
      }),
    );
    expect(purged).toBe(PAST);
    expect(plans).toHaveLength(1);
    for (const { sql, plan } of plans) expect(plan, sql).not.toMatch(WHOLE_REPLIES);
    const [left] = await db('contest_replies').count({ n: '*' });
    expect(Number(left?.n)).toBe(REPLIES - PAST);
  });
});
