import { beforeAll, describe, expect, it } from 'vitest';
import { KnexJobSeekerStore } from '../../src/job-seekers/knex-job-seeker-store.ts';
import type { Feedback } from '../../src/portal/feedback.ts';
import { KnexFeedbackStore } from '../../src/portal/knex-feedback-store.ts';
import { KnexRecommendationStore } from '../../src/recommendations/knex-recommendation-store.ts';
import { aJobSeeker } from '../support/builders.ts';
import { useTestDatabase } from '../support/use-test-database.ts';
import { aRecommendationSet } from '../support/workflow.ts';

const ITEM_ID = 'a1b2c3d4-0000-4000-8000-000000000101';

/** The person's data export and the access record read the person's feedback through `listForSeeker`. */
describe('KnexFeedbackStore.listForSeeker', () => {
  const opened = useTestDatabase();
  let store: KnexFeedbackStore;

  /** Feedback of `seekerId` on the one item of the test set, given at `createdAt`. */
  function aFeedback(id: number, seekerId: string, createdAt: string): Feedback {
    return {
      id: `00000000-0000-4000-8000-${String(id).padStart(12, '0')}`,
      itemId: ITEM_ID,
      seekerId,
      response: 'interested',
      comment: id % 2 === 0 ? null : `commentaire ${id}`,
      createdAt,
    };
  }

  beforeAll(async () => {
    const { db } = opened;
    store = new KnexFeedbackStore(db);
    const seekers = new KnexJobSeekerStore(db);
    for (const id of ['js-1', 'js-2', 'js-3']) {
      await seekers.upsert(id, aJobSeeker(), new Date('2026-09-30T10:00:00.000Z'));
    }
    await db.transaction((trx) => new KnexRecommendationStore(db).insert(trx, aRecommendationSet()));
  });

  it("gives the person's feedback oldest first, and never another person's", async () => {
    const { db } = opened;
    const later = aFeedback(1, 'js-1', '2026-10-02T08:00:00.000Z');
    const earlier = aFeedback(2, 'js-1', '2026-10-01T08:00:00.000Z');
    const other = aFeedback(3, 'js-2', '2026-10-01T09:00:00.000Z');
    await db.transaction(async (trx) => {
      for (const feedback of [later, other, earlier]) await store.insert(trx, feedback);
    });
    // No reply answered them: the file says so.
    expect(await store.listForSeeker('js-1')).toEqual([
      { ...earlier, answeredBy: null },
      { ...later, answeredBy: null },
    ]);
    expect(await store.listForSeeker('js-unknown')).toEqual([]);
  });

  it("reads in the caller's transaction when given one: feedback it inserted, not yet committed", async () => {
    const { db } = opened;
    const pending = aFeedback(4, 'js-3', '2026-10-03T08:00:00.000Z');
    const rolledBack = new Error('rolled back');
    const seen = db.transaction(async (trx) => {
      await store.insert(trx, pending);
      expect(await store.listForSeeker('js-3', trx)).toEqual([{ ...pending, answeredBy: null }]);
      throw rolledBack;
    });
    await expect(seen).rejects.toBe(rolledBack);
    expect(await store.listForSeeker('js-3')).toEqual([]);
  });
});

/** The counselor reads a set's answers in pages (`listForSet`); a new answer is refused past a count (`countForItem`). */
describe('KnexFeedbackStore.listForSet and countForItem', () => {
  const opened = useTestDatabase();
  let store: KnexFeedbackStore;

  const answer = (id: number, createdAt: string): Feedback => ({
    id: `00000000-0000-4000-8000-${String(id).padStart(12, '0')}`,
    itemId: ITEM_ID,
    seekerId: 'js-1',
    response: 'interested',
    comment: null,
    createdAt,
  });

  beforeAll(async () => {
    const { db } = opened;
    store = new KnexFeedbackStore(db);
    await new KnexJobSeekerStore(db).upsert('js-1', aJobSeeker(), new Date('2026-09-30T10:00:00.000Z'));
    await db.transaction((trx) => new KnexRecommendationStore(db).insert(trx, aRecommendationSet()));
  });

  it('pages the answers oldest first, those given at one instant by id, each page after the last answer of the one before', async () => {
    const { db } = opened;
    const same = '2026-10-02T08:00:00.000Z';
    const answers = [
      answer(3, same),
      answer(1, same),
      answer(5, '2026-10-01T08:00:00.000Z'),
      answer(2, same),
      answer(4, '2026-10-03T08:00:00.000Z'),
    ];
    await db.transaction(async (trx) => {
      for (const feedback of answers) await store.insert(trx, feedback);
    });
    const setId = aRecommendationSet().id;
    const idsOf = (page: readonly { id: string }[]) => page.map((feedback) => feedback.id);
    const afterLastOf = (page: readonly { id: string; createdAt: string }[]) => {
      const last = page.at(-1);
      if (last === undefined) throw new Error('a page with answers expected');
      return { createdAt: last.createdAt, id: last.id };
    };

    const first = await store.listForSet(setId, { limit: 2 });
    const second = await store.listForSet(setId, { limit: 2, after: afterLastOf(first) });
    const third = await store.listForSet(setId, { limit: 2, after: afterLastOf(second) });

    expect([idsOf(first), idsOf(second), idsOf(third)]).toEqual([
      [answer(5, same).id, answer(1, same).id],
      [answer(2, same).id, answer(3, same).id],
      [answer(4, same).id],
    ]);
    expect(await db.transaction((trx) => store.countForItem(trx, ITEM_ID, 'js-1', 'answer'))).toBe(5);
    expect(await db.transaction((trx) => store.countForItem(trx, ITEM_ID, 'js-2', 'answer'))).toBe(0);
  });

  it('counts the contests apart from the other answers, each against its own limit', async () => {
    const { db } = opened;
    const count = (kind: 'answer' | 'contest') =>
      db.transaction((trx) => store.countForItem(trx, ITEM_ID, 'js-1', kind));
    const answersBefore = await count('answer');
    await db.transaction(async (trx) => {
      for (const id of [6, 7]) {
        await store.insert(trx, { ...answer(id, '2026-10-04T08:00:00.000Z'), response: 'contest' });
      }
      await store.insert(trx, { ...answer(8, '2026-10-04T08:00:00.000Z'), response: 'not_interested' });
    });
    expect(await count('contest')).toBe(2);
    expect(await count('answer')).toBe(answersBefore + 1);
  });
});
