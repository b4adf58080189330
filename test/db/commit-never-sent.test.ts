import { setTimeout as pause } from 'node:timers/promises';
import knex, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findStorageUnavailable } from '../../src/db/storage-unavailable.ts';
import { createTestDatabase, TEST_ENGINE, type TestDatabase } from '../support/test-database.ts';

/**
 * A connection lost while the transaction sat idle, before COMMIT was sent: pg refuses the COMMIT
 * locally ("not queryable"), the server never got it and rolled the transaction back: the outcome is
 * known (undone), not unknown as for a COMMIT cut on its way.
 */
describe.skipIf(TEST_ENGINE !== 'postgres')('a connection lost before COMMIT was sent', () => {
  let database: TestDatabase;
  let db: Knex;
  let admin: Knex;

  beforeAll(async () => {
    database = await createTestDatabase();
    const connection = database.databaseUrl;
    if (connection === undefined) throw new Error('needs a PostgreSQL test database');
    db = knex({ client: 'pg', connection, pool: { min: 0, max: 2 } });
    admin = knex({ client: 'pg', connection, pool: { min: 0, max: 1 } });
    await db.raw('create table kept (id int primary key)');
  });
  afterAll(async () => {
    await db.destroy();
    await admin.destroy();
    await database.drop();
  });

  it('is told as undone (not outcome-unknown): the COMMIT never reached the server', async () => {
    // As the app's withTransaction: the callback ends, knex sends COMMIT, the promise rejects.
    const error = await db
      .transaction(async (trx) => {
        await trx('kept').insert({ id: 1 });
        const { rows } = await trx.raw('select pg_backend_pid() as pid');
        await admin.raw('select pg_terminate_backend(?)', [rows[0].pid]);
        // The backend is gone, then its farewell reaches the idle client.
        while ((await admin('pg_stat_activity').where({ pid: rows[0].pid })).length > 0) await pause(20);
        await pause(200);
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(String((error as Error).message)).toMatch(/^COMMIT/);
    expect(await admin('kept').count({ n: '*' })).toEqual([{ n: '0' }]);
    expect(findStorageUnavailable(error)).toEqual({ reason: 'unreachable', retryAfterSeconds: 10 });
  });
});
