import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import { createAndPublish, createSet, syncSeeker, type TestClock } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const PURPOSE = 'Contrôle trimestriel des listes';

/**
 * A cursor pasted into another list than the one whose page gave it: the counselor's queue's into
 * the catalog search, the catalog's into the decision log. The contract tells the caller it belongs
 * to another query, whatever the shape of the position the other list writes: the API did give it
 * out, only not for this list.
 */
describe('a cursor sent to another list than the one that gave it', () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;
  let auditor: string;
  const cursors: Record<string, string> = {};

  const read = (path: string, token: string, query: Record<string, string | number>) =>
    t.http.get(path).query(query).set('X-Audit-Purpose', PURPOSE).auth(token, { type: 'bearer' });

  async function nextCursorOf(path: string, token: string): Promise<string> {
    const res = await read(path, token, { limit: 1 });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.nextCursor, path).toEqual(expect.any(String));
    return String(res.body.nextCursor);
  }

  beforeAll(async () => {
    ({ t, clock, counselor } = await startWorkflowApp());
    auditor = await t.tokenFor('auditor', 'audit-1');
    await syncSeeker(t, 'js-lists');
    const published = await createAndPublish(t, counselor, 'js-lists', { approve: 1 });
    clock.advance(1000);
    await createSet(t, counselor, 'js-lists', { limit: 1 });
    const seeker = await t.tokenFor('job_seeker', 'js-lists');
    const [item] = published.items.filter((each) => each.decision === 'approved');
    for (const response of ['interested', 'enrolled']) {
      const res = await t.http
        .post(`/v1/me/recommendations/${item?.itemId}/feedback`)
        .auth(seeker, { type: 'bearer' })
        .send({ response });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    cursors.queue = await nextCursorOf('/v1/recommendations', counselor);
    cursors.answers = await nextCursorOf(`/v1/recommendations/${published.id}/feedback`, counselor);
    cursors.catalog = await nextCursorOf('/v1/courses', counselor);
    cursors.log = await nextCursorOf('/v1/audit/events', auditor);
  });
  afterAll(() => t.close());

  it('is refused with 400 naming /query/cursor and saying it belongs to another query, on every list', async () => {
    const lists: Array<[string, string, string]> = [
      ['queue', '/v1/recommendations', counselor],
      ['catalog', '/v1/courses', counselor],
      ['person file', '/v1/job-seekers/js-lists', counselor],
      ['log', '/v1/audit/events', auditor],
      ['checkpoints', '/v1/audit/checkpoints', auditor],
      ['incidents', '/v1/audit/incidents', auditor],
    ];
    const given: Record<string, string> = {
      queue: '/v1/recommendations',
      catalog: '/v1/courses',
      log: '/v1/audit/events',
    };
    for (const [from, cursor] of Object.entries(cursors)) {
      for (const [name, path, token] of lists) {
        if (given[from] === path) continue;
        const res = await read(path, token, { cursor });
        expect(res.status, `${from} → ${name}`).toBe(400);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body.errors, `${from} → ${name}`).toEqual([
          { path: '/query/cursor', message: expect.stringMatching(/^belongs to another query/) },
        ]);
      }
    }
  });
});
