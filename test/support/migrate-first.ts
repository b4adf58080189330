import type { Knex } from 'knex';
import { MIGRATIONS } from '../../src/db/migrations.ts';

/** Where migration `name` stands in the project's list: how many come before it. */
export function indexOfMigration(name: string): number {
  const index = MIGRATIONS.findIndex(([candidate]) => candidate === name);
  if (index < 0) throw new Error(`migration ${name} is not in MIGRATIONS`);
  return index;
}

/**
 * Applies the project's first `count` migrations, as a database was before the later ones: a
 * migration test writes rows in the columns of that time, then migrates on. Answers as knex's
 * `migrate.latest` does.
 */
export function migrateFirst(db: Knex, count: number): Promise<[number, string[]]> {
  return db.migrate.latest({
    migrationSource: {
      getMigrations: async () => MIGRATIONS.slice(0, count),
      getMigrationName: ([name]) => name,
      getMigration: async ([, migration]) => migration,
    },
  });
}
