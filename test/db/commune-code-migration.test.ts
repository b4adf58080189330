import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../src/db/migrations.ts';
import { readJson } from '../../src/db/row-values.ts';
import { insertJobSeekerAsBefore } from '../support/migrate-first.ts';
import type { TestDatabase } from '../support/test-database.ts';
import { useTestDatabase } from '../support/use-test-database.ts';

const DROP_COMMUNE_CODE = '20261219020000_drop_commune_code_from_job_seekers';
const SNAPSHOT = {
  targetOccupations: ['J1501'],
  educationLevel: 3,
  skills: ['accueil'],
  yearsExperience: 2,
  monthsUnemployed: 6,
  location: null,
  mobilityRadiusKm: 30,
  remoteOk: false,
  availableFrom: null,
  updatedAt: '2026-11-02T08:00:00.000Z',
};

const COMMUNE_CODE = '69123';

/**
 * The bytes the engine keeps of `job_seekers`, flushed: PostgreSQL's file of the table (read by the
 * test's superuser), SQLite's database file once its write-ahead log is copied into it and emptied.
 */
async function readStoredProfiles(db: Knex, database: TestDatabase): Promise<Buffer> {
  if (database.engine === 'postgres') {
    await db.raw('checkpoint');
    const { rows } = await db.raw("select pg_read_binary_file(pg_relation_filepath('job_seekers')) as bytes");
    return rows[0].bytes as Buffer;
  }
  await db.raw('pragma wal_checkpoint(truncate)');
  return fs.readFileSync(path.join(database.dataDir, 'aiguillage.sqlite'));
}

const SET_ID = '00000000-0000-4000-8000-000000000001';

describe(`migration ${DROP_COMMUNE_CODE}: commune codes stored from syncs, which nothing reads`, () => {
  const opened = useTestDatabase({ migrations: { before: DROP_COMMUNE_CODE } });

  beforeAll(async () => {
    const { db } = opened;
    await insertJobSeekerAsBefore(db, 'js-commune', '2026-11-02T08:00:00.000Z');
    await db('job_seekers').where({ id: 'js-commune' }).update({ commune_code: COMMUNE_CODE });
    // In the columns the sets had then: the store writes today's.
    await db('recommendation_sets').insert({
      id: SET_ID,
      seeker_id: 'js-commune',
      counselor_id: 'c-001',
      status: 'pending_review',
      model_id: 'aiguillage-ebm-1.0.0',
      model_version: '1.0.0',
      model_sha256: 'a'.repeat(64),
      attribution_method: JSON.stringify({ method: 'exact-additive' }),
      created_by: 'c-001',
      created_at: '2026-11-02T08:00:00.000Z',
      expires_at: '2026-11-09T08:00:00.000Z',
      version: 1,
      second_review_required: false,
      profile_snapshot: JSON.stringify({ ...SNAPSHOT, communeCode: COMMUNE_CODE }),
    });
    await migrateToLatest(db);
  });

  it('removes the commune codes stored with profiles, leaving the rest of the profile as it was', async () => {
    const { db } = opened;
    expect(Object.keys(await db('job_seekers').columnInfo())).not.toContain('commune_code');
    expect(
      await db('job_seekers').where({ id: 'js-commune' }).first('months_unemployed', 'mobility_radius_km'),
    ).toEqual({ months_unemployed: 6, mobility_radius_km: 30 });
  });

  it('removes the commune code from the profiles kept with sets before it was left out of them', async () => {
    const { db } = opened;
    const row = await db('recommendation_sets').where({ id: SET_ID }).first('profile_snapshot');
    expect(readJson(row?.profile_snapshot)).toStrictEqual(SNAPSHOT);
  });

  it("keeps the commune codes nowhere in the table's file: a column dropped in PostgreSQL is only hidden, its values staying in each row until the row is written again", async () => {
    const { database, db } = opened;
    expect((await readStoredProfiles(db, database)).includes(Buffer.from(COMMUNE_CODE))).toBe(false);
  });
});
