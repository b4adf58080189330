import Database from 'better-sqlite3';
import type { Knex } from 'knex';
import { engineOf } from './database.ts';

/** PostgreSQL's advisory lock key for migrations: any number, the same in every process. */
const ADVISORY_LOCK_KEY = 2_026_113_001;
/** How long a SQLite process waits for another one's migrations. */
const SQLITE_WAIT_MS = 120_000;
const SQLITE_RETRY_MS = 50;

/**
 * Runs `migrate` while no other process migrates the same database. PostgreSQL: a transaction's
 * advisory lock, held on a connection of its own. SQLite: an exclusive lock on a small file beside
 * the database (`<file>-migrations.lock`), since a lock on the database itself would stop the
 * migrations' own writes. Either ends with the process that holds it, however it ends, so that a
 * process killed while migrating leaves no lock behind.
 */
export async function inMigrationTurn<T>(db: Knex, migrate: () => Promise<T>): Promise<T> {
  if (engineOf(db) === 'postgres') {
    return db.transaction(async (trx) => {
      await trx.raw('select pg_advisory_xact_lock(?)', [ADVISORY_LOCK_KEY]);
      return migrate();
    });
  }
  const filename = (db.client.config.connection as { filename: string }).filename;
  // No busy timeout: SQLite would wait on the event loop's thread, and a second call in this same
  // process could then never let the first one finish. The wait is here, between tries.
  const lock = new Database(`${filename}-migrations.lock`, { timeout: 0 });
  try {
    const giveUpAt = Date.now() + SQLITE_WAIT_MS;
    for (;;) {
      try {
        lock.exec('begin exclusive');
        break;
      } catch (error) {
        if ((error as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > giveUpAt) throw error;
        await new Promise((resolve) => setTimeout(resolve, SQLITE_RETRY_MS));
      }
    }
    return await migrate();
  } finally {
    lock.close();
  }
}
