import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecommendationStore } from '../../src/recommendations/recommendation-store.ts';
import type { TestApp } from '../support/test-app.ts';
import { act, createSet, putSettings, readSet, syncSeeker, WORKFLOW_CATALOG } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/**
 * A course the catalog withdrew before an addition or a shortlist took the log's turn is no active
 * course of the catalog for it: the course is read in the action's transaction, after the log's
 * lock, as every writer reads what it checks (record 0004), not before, where a withdrawal committed
 * meanwhile would let it be approved after the log says it was withdrawn.
 */
describe('a course withdrawn while a counselor adds or shortlists it', () => {
  let t: TestApp;
  let counselor: string;
  let store: RecommendationStore;

  beforeAll(async () => {
    ({ t, counselor } = await startWorkflowApp());
    store = (t.container.services.review as unknown as { deps: { store: RecommendationStore } }).deps.store;
  });
  afterAll(() => t.close());

  /** Withdraws the course through the catalog's API as an admin. */
  async function withdraw(courseId: string): Promise<void> {
    const admin = await t.tokenFor('admin', 'ops-1');
    const res = await t.http
      .put(`/v1/courses/${courseId}`)
      .auth(admin, { type: 'bearer' })
      .send({ ...WORKFLOW_CATALOG[courseId], active: false });
    expect(res.status).toBe(200);
  }

  /**
   * Runs `change` once the next action has read a set outside any transaction: after its first
   * look, before its transaction.
   */
  function beforeTheActionsTransaction(change: () => Promise<void>): void {
    const original = store.findById;
    store.findById = async (...args: Parameters<RecommendationStore['findById']>) => {
      const found = await original.apply(store, args);
      if (args[1] === undefined) {
        store.findById = original;
        await change();
      }
      return found;
    };
  }

  async function eventsAbout(setId: string, type: 'item.added' | 'shortlist.submitted') {
    const events = await t.container.decisionLog.decisionLog.listEvents({ types: [type], limit: 1000 });
    return events.filter((event) => event.payload.setId === setId);
  }

  it('refuses to add a course withdrawn before the addition took its turn, and logs no addition', async () => {
    await syncSeeker(t, 'js-add-withdrawn');
    const { set } = await createSet(t, counselor, 'js-add-withdrawn');
    const { etag } = await readSet(t, counselor, set.id);
    beforeTheActionsTransaction(() => withdraw('PARIS-AS'));
    try {
      const res = await act(t, counselor, set.id, 'items', etag, {
        courseId: 'PARIS-AS',
        reason: 'La personne déménage à Paris le mois prochain.',
      });

      expect(res.status, JSON.stringify(res.body)).toBe(422);
      expect(res.body.detail).toMatch(
        /^course PARIS-AS is not an active course of the catalog: the catalog withdrew it/,
      );
      expect(await eventsAbout(set.id, 'item.added')).toEqual([]);
      const after = await readSet(t, counselor, set.id);
      expect(after.set.items.map((item) => item.course.id)).not.toContain('PARIS-AS');
    } finally {
      await t.http
        .put('/v1/courses/PARIS-AS')
        .auth(await t.tokenFor('admin', 'ops-1'), { type: 'bearer' })
        .send(WORKFLOW_CATALOG['PARIS-AS']);
    }
  });

  it('refuses a shortlist naming a course withdrawn before the shortlist took its turn, and logs none', async () => {
    await putSettings(t, { blindFirst: true });
    try {
      await syncSeeker(t, 'js-shortlist-withdrawn');
      const { set } = await createSet(t, counselor, 'js-shortlist-withdrawn');
      const { etag } = await readSet(t, counselor, set.id);
      beforeTheActionsTransaction(() => withdraw('PARIS-AS'));

      const res = await act(t, counselor, set.id, 'shortlist', etag, { courseIds: ['PARIS-AS'] });

      expect(res.status, JSON.stringify(res.body)).toBe(422);
      expect(res.body.courseIds).toEqual(['PARIS-AS']);
      expect(await eventsAbout(set.id, 'shortlist.submitted')).toEqual([]);
    } finally {
      await putSettings(t, {});
      await t.http
        .put('/v1/courses/PARIS-AS')
        .auth(await t.tokenFor('admin', 'ops-1'), { type: 'bearer' })
        .send(WORKFLOW_CATALOG['PARIS-AS']);
    }
  });
});
