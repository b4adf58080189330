import crypto from 'node:crypto';
import knex, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.ts';
import { engineOf } from '../../src/db/engine.ts';
import { listPendingMigrations, MIGRATIONS, migrateToLatest, rollbackAll } from '../../src/db/migrations.ts';
import { runScript, runStart, type ScriptRun } from '../support/run-script.ts';
import { createTestDatabase, TEST_ENGINE, type TestDatabase } from '../support/test-database.ts';
import { openTestDatabase, useTestDatabase } from '../support/use-test-database.ts';

/** Tables the first migrations create; the schema snapshot covers any later ones too. */
const CORE_TABLES = ['course_occupations', 'courses', 'job_seekers'];

describe('migrations', () => {
  const opened = useTestDatabase({ migrations: 'none' });

  it('runs on the engine this test run asks for', () => {
    const { db } = opened;
    expect(engineOf(db)).toBe(TEST_ENGINE);
  });

  it('creates the schema, removes every table on a full rollback, then creates the same schema again', async () => {
    const { db } = opened;
    await migrateToLatest(db);
    const first = await describeSchema(db);
    expect(Object.keys(first)).toEqual(expect.arrayContaining(CORE_TABLES));
    expect(await listPendingMigrations(db)).toEqual([]);
    const applied = await listAppliedMigrations(db);
    expect(applied.length).toBeGreaterThan(0);

    expect(await rollbackAll(db, { dropAllData: true })).toEqual([...applied].reverse());
    expect(await describeSchema(db)).toEqual({});
    expect(await listAppliedMigrations(db)).toEqual([]);
    expect(await listPendingMigrations(db)).toEqual(applied);

    await migrateToLatest(db);
    expect(await describeSchema(db)).toEqual(first);
    expect(await listPendingMigrations(db)).toEqual([]);
  });

  it('migrates an up-to-date database without changing anything', async () => {
    const { db } = opened;
    await migrateToLatest(db);
    const before = await describeSchema(db);
    await migrateToLatest(db);
    expect(await describeSchema(db)).toEqual(before);
  });
});

describe('migrations run by several processes', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  function runMigrateCli(): Promise<ScriptRun> {
    return runScript('migrate.ts', [], {
      unset: ['DATABASE_URL'],
      env: {
        NODE_ENV: 'test',
        DATA_DIR: database.dataDir,
        ...(database.databaseUrl === undefined ? {} : { DATABASE_URL: database.databaseUrl }),
      },
    });
  }

  it('take turns: two processes migrating an empty database at once both finish, the schema made once', async () => {
    const runs = await Promise.all([runMigrateCli(), runMigrateCli()]);
    expect(runs.map((run) => [run.code, run.stderr])).toEqual([
      [0, ''],
      [0, ''],
    ]);
    expect(runs.map((run) => run.stdout).join('\n')).toMatch(/nothing to do/);
    const db = openDatabase({ databaseUrl: database.databaseUrl, dataDir: database.dataDir });
    try {
      expect(await listPendingMigrations(db)).toEqual([]);
    } finally {
      await db.destroy();
    }
  });

  it('take turns within one process too, without holding up its event loop', async () => {
    const { db, close } = await openTestDatabase('none');
    try {
      const started = Date.now();
      const ran = await Promise.all([migrateToLatest(db), migrateToLatest(db)]);
      // One ran them all, the other, in its turn after, found nothing to do (either may come first).
      expect(ran.map((names) => names.length > 0).sort()).toEqual([false, true]);
      expect(Date.now() - started).toBeLessThan(30_000);
    } finally {
      await close();
    }
  }, 60_000);

  it('free the migration lock a process killed while migrating left behind', async () => {
    const db = openDatabase({ databaseUrl: database.databaseUrl, dataDir: database.dataDir });
    try {
      await migrateToLatest(db);
      const applied = await listAppliedMigrations(db);
      await rollbackAll(db, { dropAllData: true });
      await db('knex_migrations_lock').update({ is_locked: 1 });
      expect(await migrateToLatest(db)).toEqual(applied);
    } finally {
      await db.destroy();
    }
  });
});

describe.skipIf(TEST_ENGINE !== 'postgres')(
  'migrations on a PostgreSQL database not made for the API',
  () => {
    const adminUrl = process.env.TEST_DATABASE_URL ?? '';
    const role = `aiguillage_guest_${crypto.randomBytes(4).toString('hex')}`;
    let database: TestDatabase;

    const asAdmin = async (url: string, statement: string) => {
      const admin = knex({ client: 'pg', connection: url, pool: { min: 0, max: 1 } });
      try {
        await admin.raw(statement);
      } finally {
        await admin.destroy();
      }
    };
    /** The URL of `database` (or another name) for the guest role, which owns nothing. */
    const guestUrl = (name?: string) => {
      const url = new URL(database.databaseUrl ?? '');
      url.username = role;
      url.password = 'guest';
      if (name !== undefined) url.pathname = `/${name}`;
      return url.toString();
    };
    const migrateAsGuest = async (name?: string) => {
      const db = openDatabase({ databaseUrl: guestUrl(name), dataDir: database.dataDir });
      try {
        return await migrateToLatest(db);
      } finally {
        await db.destroy();
      }
    };

    beforeAll(async () => {
      database = await createTestDatabase();
      await asAdmin(adminUrl, `create role ${role} login password 'guest'`);
      // As PostgreSQL 15 makes it for any user but the database's owner (older ones let anyone create there).
      await asAdmin(database.databaseUrl ?? '', 'revoke create on schema public from public');
    });
    afterAll(async () => {
      await database.drop();
      await asAdmin(adminUrl, `drop role if exists ${role}`);
    });

    it("says, when the user may not create the tables, to make it the database's owner", async () => {
      await expect(migrateAsGuest()).rejects.toThrow(
        /permission denied for schema public: the user DATABASE_URL names may not create the API's tables: make it the database's owner \(as a PostgreSQL superuser: ALTER DATABASE <database> OWNER TO <user>\) and start again/,
      );
    });

    it('says, when the database does not exist, to create it owned by the user or to correct DATABASE_URL', async () => {
      await expect(migrateAsGuest(`${role}_missing`)).rejects.toThrow(
        new RegExp(
          `database "${role}_missing" does not exist: create it, owned by the user DATABASE_URL names \\(as a PostgreSQL superuser: createdb --owner <user> <database>\\), or correct DATABASE_URL`,
        ),
      );
    });
  },
);

describe('npm run migrate -- --rollback', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  function runMigrateCli(args: string[]): Promise<ScriptRun> {
    return runScript('migrate.ts', args, {
      unset: ['DATABASE_URL'],
      env: {
        NODE_ENV: 'test',
        DATA_DIR: database.dataDir,
        ...(database.databaseUrl === undefined ? {} : { DATABASE_URL: database.databaseUrl }),
      },
    });
  }

  async function countTables(): Promise<number> {
    const db = openDatabase({ databaseUrl: database.databaseUrl, dataDir: database.dataDir });
    try {
      return (await listApplicationTables(db)).length;
    } finally {
      await db.destroy();
    }
  }

  it('refuses without --drop-all-data, saying it deletes every table with the decision log and cannot be undone', async () => {
    expect((await runMigrateCli([])).code).toBe(0);
    const tables = await countTables();
    expect(tables).toBeGreaterThan(0);

    const refused = await runMigrateCli(['--rollback']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/DELETES EVERY TABLE/);
    expect(refused.stderr).toMatch(/decision log included/);
    expect(refused.stderr).toMatch(/no downgrade path/);
    expect(refused.stderr).toContain('--rollback --drop-all-data');
    expect(await countTables()).toBe(tables);

    const alone = await runMigrateCli(['--drop-all-data']);
    expect(alone.code).toBe(1);
    expect(alone.stderr).toContain('--drop-all-data only goes with --rollback');
    expect(await countTables()).toBe(tables);
  });

  it('drops every table, the decision log included, when --drop-all-data confirms it', async () => {
    const run = await runMigrateCli(['--rollback', '--drop-all-data']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/rolled back \(every table dropped\)/);
    expect(await countTables()).toBe(0);
  });
});

/**
 * After a rollback of the deployment, the database holds a migration this version does not know. knex
 * would blame the code ("the migration directory is corrupt, the following files are missing").
 */
describe('a database migrated by a newer version', () => {
  const LATER = '20270301000000_a_later_change';
  const REFUSAL =
    `this database was migrated by a newer version of Aiguillage (latest applied: ${LATER}, this version ` +
    `knows up to ${MIGRATIONS.at(-1)?.[0]}); run that version or restore a backup`;
  const opened = useTestDatabase();

  beforeAll(async () => {
    await opened.db('knex_migrations').insert({ name: LATER, batch: 99, migration_time: new Date() });
  });

  const env = () => {
    const { database } = opened;
    return {
      NODE_ENV: 'test',
      DATA_DIR: database.dataDir,
      ...(database.databaseUrl === undefined ? {} : { DATABASE_URL: database.databaseUrl }),
    };
  };

  it('is refused as such, by migrating and by a rollback alike, changing nothing', async () => {
    const { db } = opened;
    const applied = await listAppliedMigrations(db);
    await expect(migrateToLatest(db)).rejects.toThrow(REFUSAL);
    await expect(rollbackAll(db, { dropAllData: true })).rejects.toThrow(REFUSAL);
    expect(await listAppliedMigrations(db)).toEqual(applied);
  });

  it('is named as such by npm run migrate and npm start, in one line', async () => {
    const migrate = await runScript('migrate.ts', [], { unset: ['DATABASE_URL'], env: env() });
    expect([migrate.code, migrate.stderr]).toEqual([1, `migration failed: ${REFUSAL}\n`]);
    const start = await runStart({ unset: ['DATABASE_URL'], env: env() });
    expect([start.code, start.stderr]).toEqual([1, `aiguillage: cannot start: ${REFUSAL}\n`]);
  }, 90_000);
});

/** Application tables (knex's own bookkeeping left out) with their column names and types. */
async function describeSchema(db: Knex): Promise<Record<string, Record<string, string>>> {
  const schema: Record<string, Record<string, string>> = {};
  for (const table of await listApplicationTables(db)) {
    const columns = await db(table).columnInfo();
    schema[table] = Object.fromEntries(
      Object.entries(columns)
        .map(([name, info]): [string, string] => [name, info.type])
        .sort(([a], [b]) => a.localeCompare(b)),
    );
  }
  return schema;
}

async function listApplicationTables(db: Knex): Promise<string[]> {
  const rows: Array<{ name: string }> =
    engineOf(db) === 'postgres'
      ? await db('information_schema.tables')
          .select('table_name as name')
          .whereRaw('table_schema = current_schema()')
      : await db('sqlite_master')
          .select('name')
          .where({ type: 'table' })
          .whereNot('name', 'like', 'sqlite_%');
  return rows
    .map((row) => row.name)
    .filter((name) => !name.startsWith('knex_migrations'))
    .sort();
}

async function listAppliedMigrations(db: Knex): Promise<string[]> {
  return db('knex_migrations').orderBy('id').pluck('name');
}
