import { beforeAll, describe, expect, it } from 'vitest';
import { KnexJobSeekerStore } from '../../src/job-seekers/knex-job-seeker-store.ts';
import { KnexRecommendationStore } from '../../src/recommendations/knex-recommendation-store.ts';
import type { RecommendationItem } from '../../src/recommendations/recommendation.ts';
import { aJobSeeker } from '../support/builders.ts';
import { useTestDatabase } from '../support/use-test-database.ts';
import { aRecommendationSet } from '../support/workflow.ts';

/**
 * A set's items as the store reads them: the model's by rank, then the courses the counselor put in
 * by the log's seq kept with each (record 0003), whatever times the answering processes' clocks gave
 * them; those put in before the seq was kept first, by their times.
 */
describe('the order of the courses a counselor put in a set', () => {
  const opened = useTestDatabase();
  let store: KnexRecommendationStore;

  beforeAll(async () => {
    store = new KnexRecommendationStore(opened.db);
    await new KnexJobSeekerStore(opened.db).upsert(
      'js-1',
      aJobSeeker(),
      new Date('2026-09-30T10:00:00.000Z'),
    );
  });

  it('lists them by the log’s seq, not their times, after the model’s, those without one first by time', async () => {
    const set = aRecommendationSet();
    const [modelItem] = set.items;
    if (modelItem === undefined) throw new Error('the builder gives one model item');
    const added = (suffix: string, decidedAt: string, addedAtSeq: number | null): RecommendationItem => ({
      ...modelItem,
      id: `a1b2c3d4-0000-4000-8000-00000000020${suffix}`,
      course: { ...modelItem.course, id: `ADDED-${suffix}` },
      rank: null,
      score: null,
      features: null,
      source: 'counselor',
      decision: 'approved',
      decidedBy: 'c-001',
      decidedAt,
      addedReason: 'Choisie avec la personne',
      addedAtSeq,
    });
    // Added at seq 12 by a clock 3 s behind the one that added at seq 10; two added before the seq was kept.
    set.items = [
      added('1', '2026-10-01T10:00:10.000Z', 12),
      added('2', '2026-10-01T10:00:13.000Z', 10),
      added('3', '2026-10-01T09:00:05.000Z', null),
      modelItem,
      added('4', '2026-10-01T09:00:01.000Z', null),
    ];
    await opened.db.transaction((trx) => store.insert(trx, set));

    const read = await store.findById(set.id);

    expect(read?.items.map((item) => item.course.id)).toEqual([
      modelItem.course.id,
      'ADDED-4',
      'ADDED-3',
      'ADDED-2',
      'ADDED-1',
    ]);
  });
});
