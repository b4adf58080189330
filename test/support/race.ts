import { AsyncLocalStorage } from 'node:async_hooks';
import type { Knex } from 'knex';
import supertest, { type Response } from 'supertest';
import { expect } from 'vitest';
import type { DecisionEvent } from '../../src/decision-log/decision-event.ts';
import type { TestApp } from './test-app.ts';

/** What a racer answers: a request's response, or a service's run told as one ({@link serviceRacer}). */
export type RaceAnswer = Pick<Response, 'status' | 'body' | 'headers' | 'text'>;

/** One of two requests raced: sent on its own connection to the app, so the hold knows it. */
export type Racer = (t: TestApp) => PromiseLike<RaceAnswer>;

/**
 * A run of a service the app starts on its own (the retention run of `npm run retention` and the
 * daily job) raced as a request: 200 with what it returned, 500 with the error it threw.
 */
export function serviceRacer(run: (t: TestApp) => Promise<unknown>): Racer {
  return async (t) => {
    try {
      const body = await run(t);
      return { status: 200, body, headers: {}, text: JSON.stringify(body) };
    } catch (error) {
      const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
      return { status: 500, body: {}, headers: {}, text };
    }
  };
}

/**
 * Which racer goes through the log's lock first: 0 or 1, the other's transaction starting once it
 * has ended; or `together`, both let go at once, to take the lock as they come (on PostgreSQL two
 * connections then truly contend for it).
 */
export type RaceOrder = 0 | 1 | 'together';

/**
 * Both answers, in the order the racers were given, the events the race appended, in order, and
 * which racer's transaction took the log's lock first (the order given, or the one seen when let go
 * together).
 */
export interface RaceOutcome {
  responses: [RaceAnswer, RaceAnswer];
  events: DecisionEvent[];
  first: 0 | 1;
}

export interface RaceOptions {
  /**
   * The racers (by index) whose suggestions may find no model active, which the contract answers
   * 503 `ai-unavailable` with the manual path (`no_active_model`, record 0017): the one 5xx a race
   * may give, checked to be that one.
   */
  mayFindNoModel?: ReadonlyArray<0 | 1>;
}

const AI_UNAVAILABLE = 'https://aiguillage.example/problems/ai-unavailable';

/** Which racer each request handled by the app belongs to: set where the racer's requests start. */
const racerOf = new AsyncLocalStorage<0 | 1>();

/**
 * Fires both requests at once, each held at the start of its first transaction of the log until the
 * other has got there too, so both have made every check they make before taking the lock. With
 * `order` 0 or 1, that racer's transaction runs, and the other's starts once it has ended (committed
 * or rolled back), while what the first does after its commit goes on beside it; with `together`,
 * both are let go at once. A racer answered without getting there (refused before its transaction)
 * holds the other no longer: it is let go as soon as that answer is in, however long it took.
 *
 * Checks what every race must leave: no 5xx (but the one `options` allows), each refusal a
 * problem+json saying why, and a log that still verifies (`GET /v1/audit/verify`, whose own event
 * comes after those returned).
 */
export async function race(
  t: TestApp,
  racers: readonly [Racer, Racer],
  order: RaceOrder,
  options: RaceOptions = {},
): Promise<RaceOutcome> {
  const log = t.container.decisionLog.decisionLog;
  const before = (await log.readHead()).seq;
  const hold = holdAtTheLock(t, order);
  let responses: [RaceAnswer, RaceAnswer];
  try {
    // Each racer on its own agent: its connection, and so the app's handling, carries its index.
    // A supertest request starts when awaited: awaited here, in the racer's context.
    const send = (index: 0 | 1) =>
      racerOf.run(index, async () => {
        try {
          return await racers[index]({ ...t, http: supertest(t.app) });
        } finally {
          hold.answered(index);
        }
      });
    responses = await Promise.all([send(0), send(1)]);
  } finally {
    hold.release();
  }
  const first = order === 'together' ? hold.lockedFirst() : order;
  for (const [index, res] of responses.entries()) {
    if (options.mayFindNoModel?.includes(index as 0 | 1) && res.status === 503) {
      expect(res.body).toMatchObject({ type: AI_UNAVAILABLE, reason: 'no_active_model' });
    } else {
      expect(res.status, res.text).toBeLessThan(500);
    }
    if (res.status >= 400) {
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.detail, res.text).toEqual(expect.any(String));
    }
  }
  const events = await log.listEvents({ afterSeq: before, limit: 1000 });
  const auditor = await t.tokenFor('auditor', 'au-verify');
  const verified = await t.http
    .get('/v1/audit/verify')
    .auth(auditor, { type: 'bearer' })
    .set('X-Audit-Purpose', 'log integrity check');
  expect(verified.status, verified.text).toBe(200);
  expect(verified.body).toMatchObject({ ok: true, firstBadSeq: null });
  return { responses, events, first };
}

/** Holds the racers' first transactions of the log as {@link race} says. */
function holdAtTheLock(
  t: TestApp,
  order: RaceOrder,
): { answered(index: 0 | 1): void; release(): void; lockedFirst(): 0 | 1 } {
  const log = t.container.decisionLog.decisionLog;
  const waiting = new Map<0 | 1, () => void>();
  const held = new Set<0 | 1>();
  let lockedFirst: 0 | 1 | undefined;
  let open = false;
  const go = (index: 0 | 1) => {
    waiting.get(index)?.();
    waiting.delete(index);
  };
  const goAll = () => {
    open = true;
    go(0);
    go(1);
  };
  // Let go in order: the first, then (once its transaction ended) the other; or both together.
  const start = () => {
    if (order === 'together') goAll();
    else go(order);
  };
  const own = Object.hasOwn(log, 'withTransaction');
  const withTransaction = log.withTransaction.bind(log);
  log.withTransaction = async <T>(work: (trx: Knex.Transaction) => Promise<T>): Promise<T> => {
    const index = racerOf.getStore();
    if (index === undefined || held.has(index)) return withTransaction(work);
    held.add(index);
    if (!open) {
      await new Promise<void>((resolve) => {
        waiting.set(index, resolve);
        if (waiting.size === 2) start();
      });
    }
    // The work starts once the transaction holds the lock, which it keeps until it ends.
    const result = withTransaction((trx) => {
      lockedFirst ??= index;
      return work(trx);
    });
    const end = () => {
      if (index === order) goAll();
    };
    result.then(end, end);
    return result;
  };
  return {
    // A racer answered without taking the lock never will: the other waits for it no longer.
    answered: (index) => {
      if (!held.has(index)) goAll();
    },
    release: () => {
      goAll();
      if (own) log.withTransaction = withTransaction;
      else Reflect.deleteProperty(log, 'withTransaction');
    },
    lockedFirst: () => {
      if (lockedFirst === undefined) throw new Error('neither racer reached the log');
      return lockedFirst;
    },
  };
}
