/**
 * The chain head's lock and the log's clock: how a transaction takes the head's lock (a row lock on
 * PostgreSQL, the write lock on SQLite) and holds it until it ends, where the head stands for it
 * after each of its appends, and the time each event is stamped with, which never goes back.
 */
import type { Knex } from 'knex';
import { LOCK_WAIT_MS } from '../db/database.ts';
import { engineOf } from '../db/engine.ts';
import { readNumber } from '../db/row-values.ts';
import { runTransaction } from '../db/run-transaction.ts';
import type { ChainHead } from './decision-log.ts';
import { EVENTS, HEAD, HEAD_ID } from './decision-log-tables.ts';

/** The head of one log as each open transaction holds it locked. */
export class ChainHeadLock {
  /**
   * The head as each open transaction holds it locked: after its lock, then after each append.
   * Appends therefore go through the transaction object itself, never a savepoint opened in it.
   */
  private readonly lockedHeads = new WeakMap<Knex.Transaction, ChainHead>();
  /** The `occurredAt` (ms) of the head's event, as each open transaction holding the lock last read or wrote it. */
  private readonly headTimes = new WeakMap<Knex.Transaction, number>();

  constructor(private readonly db: Knex) {}

  /** See {@link DecisionLog.withTransaction}. */
  async withTransaction<T>(work: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
    return runTransaction(this.db, async (trx) => {
      // The head's lock first, on both engines: writers take their turn before they read, so what
      // a transaction checks (the settings, a set's version, a person) cannot change under it
      // before it commits, and no two writers wait on each other's rows in opposite orders.
      // SQLite's BEGIN is deferred: this write takes its lock now, waiting under busy_timeout, just
      // as BEGIN IMMEDIATE would; PostgreSQL's row lock holds the head until the commit.
      await this.lock(trx);
      return work(trx);
    });
  }

  /** See {@link DecisionLog.lockHead}: the head as `trx` holds it, its lock taken if `trx` had not. */
  async lock(trx: Knex.Transaction): Promise<ChainHead> {
    const head = this.lockedHeads.get(trx) ?? (await lockHeadRow(trx));
    this.lockedHeads.set(trx, head);
    return head;
  }

  /** The head as `trx` holds it from now on: the event it has just appended. */
  moveTo(trx: Knex.Transaction, head: ChainHead): void {
    this.lockedHeads.set(trx, head);
  }

  /**
   * The time of the next event: `at` (the clock now, or the instant of the change it records), or
   * the head's own time when that is later (the clock stepped back by NTP, or another process's clock
   * ahead of this one's). Log time never goes back, so a week of the figures already over (record
   * 0004) never gains an event later. Read under the lock.
   */
  async stamp(trx: Knex.Transaction, head: ChainHead, at: Date): Promise<string> {
    const time = laterOf(at, await this.readHeadTime(trx, head));
    this.headTimes.set(trx, time);
    return new Date(time).toISOString();
  }

  /** See {@link DecisionLog.timeAt}: the time {@link stamp} would give an event at `at` now. */
  async timeAt(trx: Knex.Transaction, at: Date): Promise<Date> {
    const time = laterOf(at, await this.readHeadTime(trx, await this.lock(trx)));
    return time === at.getTime() ? at : new Date(time);
  }

  /** The head event's time (ms), read once a transaction and then kept as it appends; none for an empty log. */
  private async readHeadTime(trx: Knex.Transaction, head: ChainHead): Promise<number | undefined> {
    const kept = this.headTimes.get(trx);
    if (kept !== undefined || head.seq === 0) return kept;
    const row = await trx(EVENTS).where({ seq: head.seq }).first('occurred_at');
    const headTime = row === undefined ? Number.NaN : Date.parse(String(row.occurred_at));
    if (Number.isNaN(headTime)) return undefined;
    this.headTimes.set(trx, headTime);
    return headTime;
  }
}

/** `at` (ms), or `headTime` when later. */
function laterOf(at: Date, headTime: number | undefined): number {
  return headTime === undefined ? at.getTime() : Math.max(at.getTime(), headTime);
}

/**
 * A write that changes nothing but takes the head's lock; returns the head. On PostgreSQL the
 * transaction waits at most {@link LOCK_WAIT_MS} for this lock, and for each it takes after it, as a
 * SQLite writer waits its busy timeout.
 */
async function lockHeadRow(trx: Knex.Transaction): Promise<ChainHead> {
  if (engineOf(trx) === 'postgres') await trx.raw(`set local lock_timeout = ${LOCK_WAIT_MS}`);
  const rows = await trx(HEAD)
    .where({ id: HEAD_ID })
    .update({ seq: trx.raw('??', ['seq']) })
    .returning(['seq', 'hash']);
  const head = rows[0];
  if (head === undefined) throw new Error('the decision log head is missing');
  return { seq: readNumber(head.seq), hash: String(head.hash) };
}
