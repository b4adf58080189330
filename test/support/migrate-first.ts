import type { Knex } from 'knex';
import { chunksOf } from '../../src/db/chunks-of.ts';
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

/**
 * Inserts a job seeker in the columns `job_seekers` was created with, which every later migration
 * keeps: a migration test's person, whichever migration it stops before (the store writes the
 * columns of today).
 */
export async function insertJobSeekerAsBefore(db: Knex, id: string, createdAt: string): Promise<void> {
  await insertJobSeekersAsBefore(db, [id], createdAt);
}

/** Inserts job seekers as {@link insertJobSeekerAsBefore} does, a few hundred a statement. */
export async function insertJobSeekersAsBefore(
  db: Knex,
  ids: readonly string[],
  createdAt: string,
): Promise<void> {
  const rows = ids.map((id) => ({
    id,
    counselor_id: 'c-001',
    target_occupations: JSON.stringify(['J1501']),
    education_level: 3,
    skills: JSON.stringify([]),
    years_experience: 2,
    months_unemployed: 6,
    mobility_radius_km: 30,
    remote_ok: false,
    ai_objection: false,
    created_at: createdAt,
    updated_at: createdAt,
  }));
  // Twelve columns a row: 200 rows bind 2,400 parameters, well under either engine's limit.
  for (const chunk of chunksOf(rows, 200)) await db('job_seekers').insert(chunk);
}

/**
 * A `decision_events` row written by hand, unchained (a migration reads its type and payload, never
 * its hashes): a counselor's act about one person, at `occurredAt`.
 */
export function anEventRowAsLogged(
  seq: number,
  type: string,
  payload: Record<string, unknown>,
  occurredAt: string,
) {
  return {
    seq,
    event_id: `00000000-0000-4000-9000-${String(seq).padStart(12, '0')}`,
    type,
    occurred_at: occurredAt,
    actor_role: 'counselor',
    actor_pseudonym: 'p-counselor',
    subject: 'p-person',
    payload: JSON.stringify(payload),
    personal: null,
    prev_hash: '0'.repeat(64),
    hash: String(seq).padStart(64, '0'),
  };
}
