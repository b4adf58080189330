import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecommendationSet } from '../../src/recommendations/recommendation.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import {
  aWorkflowSeeker,
  createAndPublish,
  eraseJobSeeker,
  objectToAi,
  syncSeeker,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

type ListForSeeker = (seekerId: string, trx?: unknown) => Promise<RecommendationSet[]>;

/**
 * The person's export (`GET /v1/me/data`) is read in one snapshot: a change committed by another
 * process while it reads (an objection, an erasure followed by a return) is wholly in it or wholly
 * out of it, never half.
 */
describe('the person’s data export read while another process changes their file', () => {
  let a: TestApp;
  let b: TestApp;
  let counselor: string;
  let admin: string;
  let sets: { listForSeeker: ListForSeeker };
  let original: ListForSeeker;

  beforeAll(async () => {
    ({ t: a, counselor } = await startWorkflowApp());
    b = await startTestApp({ database: a.database });
    admin = await b.tokenFor('admin', 'ops-1');
    const portal = a.container.services.portal as unknown as { deps: { recommendations: typeof sets } };
    sets = portal.deps.recommendations;
    original = sets.listForSeeker.bind(sets);
  });
  afterAll(async () => {
    await b.container.close();
    await a.close();
  });

  /** The export through A, with `change` committed through B once A has read the profile. */
  async function exportWhile(seekerId: string, change: () => Promise<void>) {
    let changed = false;
    sets.listForSeeker = async (id, trx) => {
      if (!changed) {
        changed = true;
        await change();
      }
      return original(id, trx);
    };
    try {
      const token = await a.tokenFor('job_seeker', seekerId);
      const res = await a.http.get('/v1/me/data').auth(token, { type: 'bearer' });
      expect(res.status).toBe(200);
      return res.body;
    } finally {
      sets.listForSeeker = original;
    }
  }

  it('gives an objection recorded meanwhile nowhere, not in its history beside a profile without it', async () => {
    await syncSeeker(a, 'js-snap-objection');
    const data = await exportWhile('js-snap-objection', () => objectToAi(b, 'js-snap-objection'));
    expect(data.profile.aiObjection).toBe(false);
    expect(data.objection).toBeNull();
    expect(data.objectionHistory).toEqual([]);
  });

  it('gives the life before an erasure and a return whole, its sets with its profile', async () => {
    await syncSeeker(a, 'js-snap-return');
    const set = await createAndPublish(a, counselor, 'js-snap-return');
    const data = await exportWhile('js-snap-return', async () => {
      const erased = await eraseJobSeeker(b, admin, 'js-snap-return');
      expect(erased.status).toBe(204);
      await syncSeeker(b, 'js-snap-return', aWorkflowSeeker(), { reEnrol: true });
    });
    expect(data.suggestionSets.map((kept: { id: string }) => kept.id)).toEqual([set.id]);
    expect(data.recommendations.length).toBeGreaterThan(0);
  });
});
