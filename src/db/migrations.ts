import type { Knex } from 'knex';
import * as createJobSeekers from '../../migrations/20261129120000_create_job_seekers.ts';
import * as createCourses from '../../migrations/20261129120100_create_courses.ts';

interface Migration {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/**
 * Every migration, in order. They are imported statically because knex's own loader cannot
 * import TypeScript under every runner (tsx, vitest); a new migration file is added here too.
 */
const MIGRATIONS: ReadonlyArray<readonly [string, Migration]> = [
  ['20261129120000_create_job_seekers', createJobSeekers],
  ['20261129120100_create_courses', createCourses],
];

const migrationSource: Knex.MigrationSource<readonly [string, Migration]> = {
  getMigrations: async () => [...MIGRATIONS],
  getMigrationName: ([name]) => name,
  getMigration: async ([, migration]) => migration,
};

const migratorConfig: Knex.MigratorConfig = { migrationSource };

/** Brings the schema to the latest migration. */
export async function migrateToLatest(db: Knex): Promise<void> {
  await db.migrate.latest(migratorConfig);
}

/** Undoes every migration (tests and `npm run migrate -- --rollback-all`). */
export async function rollbackAll(db: Knex): Promise<void> {
  await db.migrate.rollback(migratorConfig, true);
}

export async function listPendingMigrations(db: Knex): Promise<string[]> {
  const [, pending] = (await db.migrate.list(migratorConfig)) as [unknown, Array<{ file?: string } | string>];
  return pending.map((entry) => (typeof entry === 'string' ? entry : (entry.file ?? String(entry))));
}
