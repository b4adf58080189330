import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import { createSet, decideAll } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/**
 * `If-Match: *` is refused (428): it does not say which version was reviewed. A list of every
 * version number says no more, and would let a tool publish (or approve a second review) whatever
 * the set became since it was last shown.
 */
describe('If-Match naming several versions of a set', () => {
  let t: TestApp;
  let counselor: string;
  beforeAll(async () => {
    ({ t, counselor } = await startWorkflowApp());
  });
  afterAll(() => t.close());

  const publish = (setId: string, ifMatch: string) =>
    t.http
      .post(`/v1/recommendations/${setId}/publish`)
      .auth(counselor, { type: 'bearer' })
      .set('If-Match', ifMatch)
      .send({});

  it('is refused like If-Match: *, with 428 naming the one ETag to send, changing nothing', async () => {
    const { set } = await createSet(t, counselor, 'js-1', { limit: 2 });
    const { etag } = await decideAll(t, counselor, set.id);
    expect((await publish(set.id, '*')).status).toBe(428);

    // Every version a set of a few items goes through (opening, decisions, additions), within the
    // header's 100 characters: "1","2",…,"22".
    const everyVersion = Array.from({ length: 22 }, (_, i) => `"${i + 1}"`).join(',');
    expect(everyVersion.length).toBeLessThanOrEqual(100);
    const blind = await publish(set.id, everyVersion);
    expect(blind.status).toBe(428);
    expect(blind.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(blind.body.detail).toBe(
      `If-Match names 22 versions; send the one ETag you last read (If-Match: ${etag})`,
    );
    expect(blind.body.currentEtag).toBe(etag);
    // Even a list holding the current ETag.
    expect((await publish(set.id, `"0", ${etag}`)).status).toBe(428);

    const unchanged = await t.http.get(`/v1/recommendations/${set.id}`).auth(counselor, { type: 'bearer' });
    expect(unchanged.body.status).toBe('pending_review');
    expect(unchanged.headers.etag).toBe(etag);
    expect((await publish(set.id, etag)).status).toBe(200);
  });
});
