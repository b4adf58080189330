import crypto from 'node:crypto';
import knex, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.ts';
import { KnexStorageScrubber, PERSONAL_DATA_TABLES } from '../../src/erasure/knex-storage-scrubber.ts';
import { TEST_ENGINE } from '../support/test-database.ts';
import { useTestDatabase } from '../support/use-test-database.ts';

/**
 * PostgreSQL's VACUUM skips, with a warning and no error, every table the session's user may not
 * vacuum (neither its owner, the database's, nor a superuser): an API connecting as a user granted
 * the rows only would have reported the deleted rows cleared from the files after each erasure and
 * retention run when nothing was vacuumed.
 */
describe.skipIf(TEST_ENGINE !== 'postgres')('clearing deleted rows as a user who owns no table', () => {
  const role = `aiguillage_rows_${crypto.randomBytes(4).toString('hex')}`;
  // Declared before the database, so run after it is dropped: a role with grants in it cannot go.
  afterAll(async () => {
    const admin = knex({
      client: 'pg',
      connection: process.env.TEST_DATABASE_URL ?? '',
      pool: { min: 0, max: 1 },
    });
    try {
      await admin.raw(`drop role if exists ${role}`);
    } finally {
      await admin.destroy();
    }
  });
  const opened = useTestDatabase();
  let owner: Knex;
  let guest: Knex;

  beforeAll(async () => {
    const { database } = opened;
    owner = opened.db;
    await owner.raw(`create role ${role} login password 'rows'`);
    await owner.raw(`grant select, insert, update, delete on all tables in schema public to ${role}`);
    const url = new URL(database.databaseUrl ?? '');
    url.username = role;
    url.password = 'rows';
    guest = openDatabase({ databaseUrl: url.toString(), dataDir: database.dataDir });
  });
  afterAll(() => guest.destroy());

  it('reports the files not cleared, naming the tables PostgreSQL skipped and to connect as the database’s owner', async () => {
    const outcome = await new KnexStorageScrubber(guest).scrubDeletedRows();
    expect(outcome.complete).toBe(false);
    expect(outcome.detail).toContain(
      `PostgreSQL skipped vacuuming ${[...PERSONAL_DATA_TABLES].sort().join(', ')} (a warning, no error)`,
    );
    expect(outcome.detail).toContain("connect as the database's owner");
  });

  it('clears them as the database’s owner', async () => {
    expect(await new KnexStorageScrubber(owner).scrubDeletedRows()).toMatchObject({ complete: true });
  });
});
