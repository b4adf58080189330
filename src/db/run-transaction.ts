import type { Knex } from 'knex';

/**
 * SQLite ends a transaction itself on some failures (a full disk, `SQLITE_FULL`; an I/O error), and
 * knex's ROLLBACK then finds none and rejects with that, in place of the failure.
 */
const NO_TRANSACTION = /cannot rollback - no transaction is active/;

/**
 * `db.transaction(work)`, rejecting with what failed in `work` even when SQLite rolled the
 * transaction back itself: a full disk then reads as one (503 with `Retry-After`), not as a bug.
 */
export async function runTransaction<T>(db: Knex, work: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  let failure: { error: unknown } | undefined;
  try {
    return await db.transaction(async (trx) => {
      try {
        return await work(trx);
      } catch (error) {
        failure = { error };
        throw error;
      }
    });
  } catch (error) {
    if (failure !== undefined && error instanceof Error && NO_TRANSACTION.test(error.message)) {
      throw failure.error;
    }
    throw error;
  }
}
