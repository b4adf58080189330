import { beforeAll, describe, expect, it } from 'vitest';
import { KnexJobSeekerStore } from '../../src/job-seekers/knex-job-seeker-store.ts';
import { KnexRecommendationStore } from '../../src/recommendations/knex-recommendation-store.ts';
import {
  type ProfileSnapshot,
  type RecommendationSet,
  snapshotProfile,
} from '../../src/recommendations/recommendation.ts';
import { aJobSeeker } from '../support/builders.ts';
import { useTestDatabase } from '../support/use-test-database.ts';
import { aRecommendationSet } from '../support/workflow.ts';

const SEEKER_ID = 'js-snapshot-store';

describe('KnexRecommendationStore keeps the profile the model saw with the set', () => {
  const opened = useTestDatabase();
  let store: KnexRecommendationStore;
  let snapshot: ProfileSnapshot;
  let nextId = 0;

  /** A set of the seeker's with ids of its own (the builder's are fixed). */
  function aSet(overrides: Partial<RecommendationSet> = {}): RecommendationSet {
    nextId += 1;
    const suffix = String(nextId).padStart(12, '0');
    const base = aRecommendationSet({ id: `00000000-0000-4000-8000-${suffix}`, seekerId: SEEKER_ID });
    const items = base.items.map((item) => ({ ...item, id: `00000000-0000-4000-9000-${suffix}` }));
    return { ...base, items, ...overrides };
  }

  beforeAll(async () => {
    const { db } = opened;
    store = new KnexRecommendationStore(db);
    const { jobSeeker } = await new KnexJobSeekerStore(db).upsert(
      SEEKER_ID,
      aJobSeeker({ location: null, availableFrom: null }),
      new Date('2026-09-30T10:00:00.000Z'),
    );
    snapshot = snapshotProfile(jobSeeker);
  });

  it('reads back the snapshot it was given, and keeps it when the set is saved again', async () => {
    const { db } = opened;
    const set = aSet({ profileSnapshot: snapshot });
    await db.transaction((trx) => store.insert(trx, set));
    expect((await store.findById(set.id))?.profileSnapshot).toStrictEqual(snapshot);

    set.status = 'discarded';
    set.discardReason = 'test';
    expect(await db.transaction((trx) => store.save(trx, set, set.version))).toBe(true);

    expect((await store.findById(set.id))?.profileSnapshot).toStrictEqual(snapshot);
  });

  it('keeps no commune code in the snapshot: the profile holds none', () => {
    expect(snapshot).not.toHaveProperty('communeCode');
  });

  it('reads a set stored without a snapshot as having none', async () => {
    const { db } = opened;
    const set = aSet();
    await db.transaction((trx) => store.insert(trx, set));
    expect((await store.findById(set.id))?.profileSnapshot).toBeNull();
  });
});
