import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrations.ts';
import { readJson } from '../../src/db/row-values.ts';
import { KnexRecommendationStore } from '../../src/recommendations/knex-recommendation-store.ts';
import { indexOfMigration, insertJobSeekerAsBefore, migrateFirst } from '../support/migrate-first.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { aRecommendationSet } from '../support/workflow.ts';

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

describe(`migration ${DROP_COMMUNE_CODE}: commune codes stored from syncs, which nothing reads`, () => {
  let database: TestDatabase;
  let db: Knex;
  const withCommune = aRecommendationSet({
    id: '00000000-0000-4000-8000-000000000001',
    seekerId: 'js-commune',
  });

  beforeAll(async () => {
    database = await createTestDatabase();
    db = openDatabase({ databaseUrl: database.databaseUrl, dataDir: database.dataDir });
    await migrateFirst(db, indexOfMigration(DROP_COMMUNE_CODE));
    await insertJobSeekerAsBefore(db, 'js-commune', '2026-11-02T08:00:00.000Z');
    await db('job_seekers').where({ id: 'js-commune' }).update({ commune_code: '69123' });
    await db.transaction((trx) => new KnexRecommendationStore(db).insert(trx, withCommune));
    await db('recommendation_sets')
      .where({ id: withCommune.id })
      .update({ profile_snapshot: JSON.stringify({ ...SNAPSHOT, communeCode: '69123' }) });
    await migrateToLatest(db);
  });
  afterAll(async () => {
    await db.destroy();
    await database.drop();
  });

  it('removes the commune codes stored with profiles, leaving the rest of the profile as it was', async () => {
    expect(Object.keys(await db('job_seekers').columnInfo())).not.toContain('commune_code');
    expect(
      await db('job_seekers').where({ id: 'js-commune' }).first('months_unemployed', 'mobility_radius_km'),
    ).toEqual({ months_unemployed: 6, mobility_radius_km: 30 });
  });

  it('removes the commune code from the profiles kept with sets before it was left out of them', async () => {
    const row = await db('recommendation_sets').where({ id: withCommune.id }).first('profile_snapshot');
    expect(readJson(row?.profile_snapshot)).toStrictEqual(SNAPSHOT);
  });
});
