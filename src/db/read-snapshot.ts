import type { Knex } from 'knex';
import { engineOf } from './engine.ts';

/**
 * Runs `work`, which only reads, in one transaction whose reads all see the database as it stood
 * at its first: a read of several tables then never mixes the states before and after a change
 * committed meanwhile.
 */
export type ReadSnapshot = <T>(work: (trx: Knex.Transaction) => Promise<T>) => Promise<T>;

/**
 * PostgreSQL: `REPEATABLE READ READ ONLY` (one snapshot for the whole transaction; read committed
 * would take one per statement). SQLite in WAL mode: a deferred transaction reads from the snapshot
 * its first read opened until it ends, and the process's only connection is held meanwhile.
 */
export function createReadSnapshot(db: Knex): ReadSnapshot {
  if (engineOf(db) === 'postgres') {
    return (work) => db.transaction(work, { isolationLevel: 'repeatable read', readOnly: true });
  }
  return (work) => db.transaction(work);
}
