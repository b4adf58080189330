import { beforeAll, describe, expect, it } from 'vitest';
import { KnexJobSeekerStore } from '../../src/job-seekers/knex-job-seeker-store.ts';
import { KnexRecommendationStore } from '../../src/recommendations/knex-recommendation-store.ts';
import type { RecommendationItem, RecommendationSet } from '../../src/recommendations/recommendation.ts';
import { compareText } from '../../src/shared/compare-text.ts';
import { aJobSeeker } from '../support/builders.ts';
import { useTestDatabase } from '../support/use-test-database.ts';
import { aRecommendationSet } from '../support/workflow.ts';

const SEEKER = 'js-export-store';
const OTHER_SEEKER = 'js-export-other';
const MANY_SETS_SEEKER = 'js-export-many';

/**
 * The person's data export and the access record read every set of theirs through `listForSeeker`:
 * each set with its own items and nobody else's, newest first (the id breaks a tie), in two queries,
 * in the caller's transaction when given.
 */
describe('KnexRecommendationStore.listForSeeker', () => {
  const opened = useTestDatabase();
  let store: KnexRecommendationStore;
  let nextId = 0;

  /** A fresh uuid-shaped id; `kind` keeps set and item ids apart. */
  function anId(kind: 'set' | 'item'): string {
    nextId += 1;
    return `00000000-0000-4000-${kind === 'set' ? '8000' : '9000'}-${String(nextId).padStart(12, '0')}`;
  }

  /** A set of `seekerId` created at `createdAt`, with items of the given ranks (null: an addition). */
  function aSet(
    seekerId: string,
    createdAt: string,
    ranks: Array<number | null>,
    overrides: Partial<RecommendationSet> = {},
  ): RecommendationSet {
    const base = aRecommendationSet({ id: anId('set'), seekerId, createdAt });
    const [template] = base.items;
    if (template === undefined) throw new Error('the builder makes one item');
    const items: RecommendationItem[] = ranks.map((rank, index) => ({
      ...template,
      id: anId('item'),
      // A set holds a course once.
      course: { ...template.course, id: `COURSE-${index + 1}` },
      rank,
      ...(rank === null
        ? {
            source: 'counselor' as const,
            score: null,
            features: null,
            decision: 'approved' as const,
            decidedBy: 'c-001',
            decidedAt: '2026-10-01T09:00:00.000Z',
            addedReason: 'Vue en entretien',
          }
        : {}),
    }));
    return { ...base, items, ...overrides };
  }

  async function insertAll(sets: ReadonlyArray<RecommendationSet | undefined>): Promise<void> {
    for (const set of sets) {
      if (set === undefined) throw new Error('a set expected');
      await opened.db.transaction((trx) => store.insert(trx, set));
    }
  }

  /** The set as the store gives it back: items by rank, additions last. */
  function asRead(set: RecommendationSet): RecommendationSet {
    const byRank = [...set.items].sort(
      (a, b) => (a.rank ?? Number.POSITIVE_INFINITY) - (b.rank ?? Number.POSITIVE_INFINITY),
    );
    return { ...set, items: byRank };
  }

  beforeAll(async () => {
    const { db } = opened;
    store = new KnexRecommendationStore(db);
    const seekers = new KnexJobSeekerStore(db);
    for (const id of [SEEKER, OTHER_SEEKER, MANY_SETS_SEEKER]) {
      await seekers.upsert(id, aJobSeeker(), new Date('2026-09-30T10:00:00.000Z'));
    }
  });

  it("gives every set of the person with its own items, newest first, and never another person's", async () => {
    const oldest = aSet(SEEKER, '2026-10-01T08:00:00.000Z', [2, 1]);
    const newest = aSet(SEEKER, '2026-10-04T08:00:00.000Z', [null, 3, 1, 2], {
      status: 'published',
      publishedAt: '2026-10-04T10:00:00.000Z',
      publishedBy: 'c-001',
      closedAt: '2026-10-04T10:00:00.000Z',
    });
    const byHand = aSet(SEEKER, '2026-10-02T08:00:00.000Z', [], { model: null, attributionMethod: null });
    // Two sets created at the same instant: the greater id comes first.
    const sameInstant = [
      aSet(SEEKER, '2026-10-03T08:00:00.000Z', [1]),
      aSet(SEEKER, '2026-10-03T08:00:00.000Z', [1, 2]),
    ];
    const [tieFirst, tieSecond] = [...sameInstant].sort((a, b) => compareText(b.id, a.id));
    if (tieFirst === undefined || tieSecond === undefined) throw new Error('two sets expected');
    const others = [
      aSet(OTHER_SEEKER, '2026-10-03T08:00:00.000Z', [1, 2]),
      aSet(OTHER_SEEKER, '2026-10-05T08:00:00.000Z', [1]),
    ];
    // Stored out of order, the other person's interleaved.
    await insertAll([oldest, others[0], newest, sameInstant[0], byHand, others[1], sameInstant[1]]);

    const listed = await store.listForSeeker(SEEKER);

    expect(listed).toEqual([newest, tieFirst, tieSecond, byHand, oldest].map(asRead));
    expect(listed.map((set) => set.items.map((item) => item.rank))).toEqual([
      [1, 2, 3, null],
      tieFirst.items.map((item) => item.rank),
      tieSecond.items.map((item) => item.rank),
      [],
      [1, 2],
    ]);
    const otherItems = new Set(others.flatMap((set) => set.items.map((item) => item.id)));
    expect(listed.flatMap((set) => set.items).filter((item) => otherItems.has(item.id))).toEqual([]);
    expect((await store.listForSeeker(OTHER_SEEKER)).map((set) => set.id)).toEqual(
      [...others].reverse().map((set) => set.id),
    );
  });

  it("reads in the caller's transaction when given one: a set it inserted, not yet committed", async () => {
    const { db } = opened;
    const set = aSet('js-export-pending', '2026-10-06T08:00:00.000Z', [1, 2]);
    await new KnexJobSeekerStore(db).upsert(
      'js-export-pending',
      aJobSeeker(),
      new Date('2026-10-06T07:00:00.000Z'),
    );
    const rolledBack = new Error('rolled back');
    const seen = db.transaction(async (trx) => {
      await store.insert(trx, set);
      expect(await store.listForSeeker('js-export-pending', trx)).toEqual([asRead(set)]);
      throw rolledBack;
    });
    await expect(seen).rejects.toBe(rolledBack);
    expect(await store.listForSeeker('js-export-pending')).toEqual([]);
  });

  it('gives nothing for a person without sets', async () => {
    expect(await store.listForSeeker('js-without-sets')).toEqual([]);
  });

  it('reads the sets and their items in two queries, however many sets there are', async () => {
    const { db } = opened;
    await insertAll(
      Array.from({ length: 5 }, (_, day) =>
        aSet(MANY_SETS_SEEKER, `2026-10-0${day + 1}T08:00:00.000Z`, [1, 2, 3]),
      ),
    );
    const queries: string[] = [];
    const listen = (query: { sql: string }) => queries.push(query.sql);
    db.on('query', listen);
    try {
      expect(await store.listForSeeker(MANY_SETS_SEEKER)).toHaveLength(5);
    } finally {
      db.off('query', listen);
    }
    expect(queries).toHaveLength(2);
  });
});
