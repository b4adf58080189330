import Database from 'better-sqlite3';
import type { Knex } from 'knex';
import { ensurePrivateFile } from '../shared/private-folder.ts';
import { engineOf } from './engine.ts';

/**
 * Work a start does once for the database, which two processes starting together must not do at the
 * same time: the migrations, and the demo data (written while the catalog is empty).
 */
export type StartupWork = 'migrations' | 'demo';

/** PostgreSQL's advisory lock keys: any numbers, the same in every process, one per kind of work. */
const ADVISORY_LOCK_KEYS: Record<StartupWork, number> = { migrations: 2_026_113_001, demo: 2_026_121_203 };
/** How long a SQLite process waits for another one's turn. */
const SQLITE_WAIT_MS = 120_000;
const SQLITE_RETRY_MS = 50;

/**
 * Runs `run` while no other process does the same `work` on the same database: it checks what is
 * left to do in its turn, and a process waiting finds it done. PostgreSQL: a transaction's advisory
 * lock, held on a connection of its own. SQLite: an exclusive lock on a small file beside the
 * database (`<file>-migrations.lock`, `<file>-demo.lock`), since a lock on the database itself would
 * stop the work's own writes. Either ends with the process that holds it, however it ends, so that a
 * process killed in its turn leaves no lock behind.
 */
export async function inStartupTurn<T>(db: Knex, work: StartupWork, run: () => Promise<T>): Promise<T> {
  if (engineOf(db) === 'postgres') {
    return db.transaction(async (trx) => {
      await trx.raw('select pg_advisory_xact_lock(?)', [ADVISORY_LOCK_KEYS[work]]);
      return run();
    });
  }
  const filename = (db.client.config.connection as { filename: string }).filename;
  // No busy timeout: SQLite would wait on the event loop's thread, and a second call in this same
  // process could then never let the first one finish. The wait is here, between tries.
  const lockFile = `${filename}-${work}.lock`;
  ensurePrivateFile(lockFile);
  const lock = new Database(lockFile, { timeout: 0 });
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
    return await run();
  } finally {
    lock.close();
  }
}
