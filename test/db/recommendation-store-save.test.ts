import { beforeAll, describe, expect, it } from 'vitest';
import { KnexJobSeekerStore } from '../../src/job-seekers/knex-job-seeker-store.ts';
import { KnexRecommendationStore } from '../../src/recommendations/knex-recommendation-store.ts';
import { aJobSeeker } from '../support/builders.ts';
import { useTestDatabase } from '../support/use-test-database.ts';
import { aRecommendationSet } from '../support/workflow.ts';

describe('KnexRecommendationStore saves a set over the version it was read at only', () => {
  const opened = useTestDatabase();
  let store: KnexRecommendationStore;

  beforeAll(async () => {
    const { db } = opened;
    store = new KnexRecommendationStore(db);
    await new KnexJobSeekerStore(db).upsert('js-1', aJobSeeker(), new Date('2026-09-30T10:00:00.000Z'));
  });

  it('bumps the version of a set saved over the version it was read at', async () => {
    const { db } = opened;
    const set = aRecommendationSet();
    await db.transaction((trx) => store.insert(trx, set));
    const read = await store.findById(set.id);
    if (read === undefined) throw new Error('the set was not stored');

    read.status = 'discarded';
    expect(await db.transaction((trx) => store.save(trx, read, 1))).toBe(true);
    expect(read.version).toBe(2);
    expect(await store.findById(set.id)).toMatchObject({ status: 'discarded', version: 2 });
  });

  it('refuses a save over a version that moved since the set was read, keeping what was stored', async () => {
    const { db } = opened;
    const set = aRecommendationSet({ id: 'a1b2c3d4-0000-4000-8000-000000000002' });
    set.items = set.items.map((item) => ({ ...item, id: 'a1b2c3d4-0000-4000-8000-000000000102' }));
    await db.transaction((trx) => store.insert(trx, set));
    const first = await store.findById(set.id);
    const second = await store.findById(set.id);
    if (first === undefined || second === undefined) throw new Error('the set was not stored');

    first.message = 'Premier onglet';
    expect(await db.transaction((trx) => store.save(trx, first, 1))).toBe(true);
    second.message = 'Second onglet';
    expect(await db.transaction((trx) => store.save(trx, second, 1))).toBe(false);

    expect(await store.findById(set.id)).toMatchObject({ message: 'Premier onglet', version: 2 });
  });
});
