import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import {
  act,
  createSet,
  hiddenModelCourses,
  type ItemBody,
  putSettings,
  REACHABLE_COURSE_IDS,
  readSet,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

describe("the counselor's blind-first shortlist pick still pending when the set ends, in the person's data export", () => {
  let t: TestApp;
  let counselor: string;

  beforeAll(async () => {
    ({ t, counselor } = await startWorkflowApp());
    await putSettings(t, { blindFirst: true });
  });
  afterAll(() => t.close());

  it("is neither shown nor counted among the model's undecided suggestions", async () => {
    const { set: created } = await createSet(t, counselor, 'js-1', { limit: 2 });
    const { etag } = await readSet(t, counselor, created.id);
    const modelCourses = await hiddenModelCourses(t, created.id);
    expect(modelCourses).toHaveLength(2);
    const leftOut = REACHABLE_COURSE_IDS.find((id) => !modelCourses.includes(id));
    const shortlisted = await act(t, counselor, created.id, 'shortlist', etag, { courseIds: [leftOut] });
    expect(shortlisted.status, JSON.stringify(shortlisted.body)).toBe(200);
    const picks = (shortlisted.body.items as ItemBody[]).filter((item) => item.source === 'counselor');
    expect(picks).toHaveLength(1);

    const discarded = await act(t, counselor, created.id, 'discard', String(shortlisted.headers.etag), {
      reason: 'La personne a retrouvé un emploi.',
    });
    expect(discarded.status, JSON.stringify(discarded.body)).toBe(200);

    const seeker = await t.tokenFor('job_seeker', 'js-1');
    const data = await t.http.get('/v1/me/data').auth(seeker, { type: 'bearer' });
    expect(data.status).toBe(200);
    const entry = (
      data.body.suggestionSets as Array<{ id: string; items: unknown[]; undecidedSuggestions: number }>
    ).find((s) => s.id === created.id);
    // The model made two suggestions nobody decided on; the pick was never proposed to the person.
    expect(entry?.undecidedSuggestions).toBe(2);
    expect(entry?.items).toEqual([]);
  });
});
