import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import {
  act,
  createSet,
  decide,
  hiddenModelCourses,
  type ItemBody,
  putSettings,
  REACHABLE_COURSE_IDS,
  readSet,
  syncSeeker,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const PROBLEMS = 'https://aiguillage.example/problems/';

describe("the counselor's blind-first shortlist pick while suggestions are switched off", () => {
  let t: TestApp;
  let counselor: string;

  beforeAll(async () => {
    ({ t, counselor } = await startWorkflowApp());
    await putSettings(t, { blindFirst: true });
  });
  afterAll(() => t.close());

  /** A blind-first set of two model items whose shortlist named a course the model left out. */
  async function aSetWithAPick(seekerId: string) {
    const { set: created } = await createSet(t, counselor, seekerId, { limit: 2 });
    const { etag } = await readSet(t, counselor, created.id);
    const modelCourses = await hiddenModelCourses(t, created.id);
    const leftOut = REACHABLE_COURSE_IDS.find((id) => !modelCourses.includes(id));
    const shortlisted = await act(t, counselor, created.id, 'shortlist', etag, { courseIds: [leftOut] });
    expect(shortlisted.status, JSON.stringify(shortlisted.body)).toBe(200);
    const items = shortlisted.body.items as ItemBody[];
    const pick = items.find((item) => item.source === 'counselor');
    const model = items.filter((item) => item.source === 'model');
    if (pick === undefined || model.length !== 2) throw new Error('one pick and two model items');
    return { setId: created.id, etag: String(shortlisted.headers.etag), pick, model };
  }

  it("is told, when the model suggested it too, that it is the model's item and held, with the set by hand to start instead", async () => {
    await syncSeeker(t, 'js-2');
    const { set: created } = await createSet(t, counselor, 'js-2', { limit: 2 });
    const { etag } = await readSet(t, counselor, created.id);
    const [suggestedToo] = await hiddenModelCourses(t, created.id);
    const shortlisted = await act(t, counselor, created.id, 'shortlist', etag, { courseIds: [suggestedToo] });
    expect(shortlisted.status, JSON.stringify(shortlisted.body)).toBe(200);
    const pick = (shortlisted.body.items as ItemBody[]).find((item) => item.course.id === suggestedToo);
    if (pick === undefined) throw new Error('the shortlisted course is in the set');
    await putSettings(t, { blindFirst: true, aiEnabled: false });
    try {
      const { set, etag: current } = await readSet(t, counselor, created.id);
      const [caveat] = set.caveats;
      // The caveat no longer says that every pick of the shortlist may be approved.
      expect(caveat?.message).toContain('approving your shortlist’s picks the model did not suggest');
      expect(caveat?.message).toContain(
        'start a set by hand (POST /v1/job-seekers/js-2/manual-recommendations)',
      );

      const held = await decide(t, counselor, created.id, pick.itemId, current, { decision: 'approve' });
      expect(held.status).toBe(409);
      expect(held.body.type).toBe(`${PROBLEMS}ai-switched-off`);
      expect(held.body.detail).toContain(
        `course ${suggestedToo} of your shortlist was suggested by the model too`,
      );
      expect(held.body.detail).toContain('POST /v1/job-seekers/js-2/manual-recommendations');
    } finally {
      await putSettings(t, { blindFirst: true });
    }
  });

  it("may be approved, as it is not the model's, while the model's items stay held and the set unpublished", async () => {
    const { setId, etag, pick, model } = await aSetWithAPick('js-1');
    await putSettings(t, { blindFirst: true, aiEnabled: false });
    try {
      expect((await readSet(t, counselor, setId)).set.allowedActions).toContain('decide_item');

      const approved = await decide(t, counselor, setId, pick.itemId, etag, { decision: 'approve' });
      expect(approved.status, JSON.stringify(approved.body)).toBe(200);
      expect((approved.body.items as ItemBody[]).find((i) => i.itemId === pick.itemId)?.decision).toBe(
        'approved',
      );

      const [first, second] = model;
      const held = await decide(t, counselor, setId, first?.itemId ?? '', String(approved.headers.etag), {
        decision: 'approve',
      });
      expect(held.status).toBe(409);
      expect(held.body.type).toBe(`${PROBLEMS}ai-switched-off`);
      expect(held.body.detail).toContain('the model suggested');

      let current = String(approved.headers.etag);
      for (const item of [first, second]) {
        const rejected = await decide(t, counselor, setId, item?.itemId ?? '', current, {
          decision: 'reject',
          reasonCode: 'not_matching_project',
        });
        expect(rejected.status, JSON.stringify(rejected.body)).toBe(200);
        current = String(rejected.headers.etag);
      }
      // A set the model made is not published while the switch is off, whatever its approved items.
      const read = await readSet(t, counselor, setId);
      expect(read.set.allowedActions).not.toContain('publish');
      const published = await act(t, counselor, setId, 'publish', read.etag, {});
      expect(published.status).toBe(409);
      expect(published.body.type).toBe(`${PROBLEMS}ai-switched-off`);
      expect(published.body.detail).toContain('set the model made');
      expect(published.body.detail).toContain(
        'start a set by hand for the person (POST /v1/job-seekers/js-1/manual-recommendations)',
      );
    } finally {
      await putSettings(t, { blindFirst: true });
    }
  });
});
