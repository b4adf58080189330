import { beforeAll, describe, expect, it } from 'vitest';
import { KnexJobSeekerStore } from '../../src/job-seekers/knex-job-seeker-store.ts';
import { KnexRecommendationStore } from '../../src/recommendations/knex-recommendation-store.ts';
import { aJobSeeker } from '../support/builders.ts';
import { useTestDatabase } from '../support/use-test-database.ts';
import { aRecommendationSet } from '../support/workflow.ts';

const SEEKER = 'js-held-ids';
const HELD = ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002'];
const MISSING = '00000000-0000-4000-8000-000000000099';

/** An incident names sets by id: the store tells which of them it holds. */
describe('KnexRecommendationStore.listHeldIds', () => {
  const opened = useTestDatabase();
  let store: KnexRecommendationStore;

  beforeAll(async () => {
    const { db } = opened;
    store = new KnexRecommendationStore(db);
    await new KnexJobSeekerStore(db).upsert(SEEKER, aJobSeeker(), new Date('2026-09-30T10:00:00.000Z'));
    for (const [index, id] of HELD.entries()) {
      const set = aRecommendationSet({
        id,
        seekerId: SEEKER,
        items: aRecommendationSet().items.map((item) => ({
          ...item,
          id: `00000000-0000-4000-9000-00000000000${index}`,
        })),
      });
      await db.transaction((trx) => store.insert(trx, set));
    }
  });

  it('gives back the ids of the sets it holds, and none of the others', async () => {
    expect((await store.listHeldIds([MISSING, ...HELD])).sort()).toEqual([...HELD].sort());
    expect(await store.listHeldIds([MISSING])).toEqual([]);
    expect(await store.listHeldIds([])).toEqual([]);
  });
});
