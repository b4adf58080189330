import { describe, expect, it } from 'vitest';
import { MIGRATIONS, migrateToLatest } from '../../src/db/migrations.ts';
import { KnexJobSeekerStore } from '../../src/job-seekers/knex-job-seeker-store.ts';
import { isGeneratedId } from '../../src/shared/time-ordered-id.ts';
import {
  indexOfMigration,
  insertJobSeekerAsBefore,
  insertJobSeekersAsBefore,
} from '../support/migrate-first.ts';
import { recordStatements } from '../support/query-plans.ts';
import { openTestDatabase, useTestDatabase } from '../support/use-test-database.ts';

const MIGRATION = '20261212010000_add_enrolment_id_to_job_seekers';
/** Both enrolled in the same millisecond: their creation time cannot tell them apart. */
const CREATED_AT = '2026-11-02T08:00:00.000Z';

/** Profiles enrolled before the migration, in the second test: a deployment holds far more. */
const MANY = 3000;

/** The enrolment of each profile enrolled before it had an id. */
describe(`migration ${MIGRATION}`, () => {
  const opened = useTestDatabase({ migrations: { before: MIGRATION } });

  it('gives each existing profile an enrolment id of its own, even two created in the same millisecond', async () => {
    const { db } = opened;
    const index = indexOfMigration(MIGRATION);
    await insertJobSeekerAsBefore(db, 'js-a', CREATED_AT);
    await insertJobSeekerAsBefore(db, 'js-b', CREATED_AT);

    expect(await migrateToLatest(db)).toEqual(MIGRATIONS.slice(index).map(([name]) => name));

    const store = new KnexJobSeekerStore(db);
    const ids = [(await store.findById('js-a'))?.enrolmentId, (await store.findById('js-b'))?.enrolmentId];
    expect(ids.every((id) => typeof id === 'string' && isGeneratedId(id))).toBe(true);
    expect(new Set(ids).size).toBe(2);
  });

  it('gives thousands of existing profiles distinct enrolment ids, hundreds of profiles a statement', async () => {
    const { db: otherDb, close } = await openTestDatabase({ before: MIGRATION });
    try {
      const seekerIds = Array.from({ length: MANY }, (_, n) => `js-${n}`);
      await insertJobSeekersAsBefore(otherDb, seekerIds, CREATED_AT);

      const statements = await recordStatements(otherDb, () => migrateToLatest(otherDb));

      // One update per profile took minutes at start on PostgreSQL with a few hundred thousand.
      const updates = statements.filter(({ sql }) => /^\s*update\b.*job_seekers/i.test(sql));
      expect(updates.length).toBeGreaterThan(0);
      expect(updates.length).toBeLessThanOrEqual(MANY / 500);
      const rows: Array<{ enrolment_id: string | null }> =
        await otherDb('job_seekers').select('enrolment_id');
      expect(rows).toHaveLength(MANY);
      expect(rows.every(({ enrolment_id: id }) => id !== null && isGeneratedId(id))).toBe(true);
      expect(new Set(rows.map(({ enrolment_id: id }) => id)).size).toBe(MANY);
    } finally {
      await close();
    }
  });
});
