import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CourseStore } from '../../src/courses/course-store.ts';
import { insertJobSeekerAsBefore } from '../support/migrate-first.ts';
import type { TestApp } from '../support/test-app.ts';
import { requestSet, syncSeeker } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/**
 * During a rolling upgrade, API processes of the version before 20261212010000 still write
 * job_seekers rows without `enrolment_id` (NULL). Record 0006: "A suggestion under way when the
 * person is erased stores nothing, even if they are enrolled again before it ends."
 */
describe('a suggestion for a profile written without an enrolment id', () => {
  let t: TestApp;
  let counselor: string;
  let duringScoring: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ t, counselor } = await startWorkflowApp());
    const courses = (t.container.services.recommendations as unknown as { deps: { courses: CourseStore } })
      .deps.courses;
    const findCandidates = courses.findCandidates.bind(courses);
    courses.findCandidates = async (filter) => {
      const candidates = await findCandidates(filter);
      const change = duringScoring;
      duringScoring = undefined;
      await change?.();
      return candidates;
    };
  });
  afterAll(() => t.close());

  it('stores nothing when a person written without an enrolment id is erased and written again the same way meanwhile', async () => {
    const id = 'js-null-enrolment';
    await syncSeeker(t, id);
    // As a process of the version before wrote it.
    await t.container.db('job_seekers').where({ id }).update({ enrolment_id: null });
    const admin = await t.tokenFor('admin', 'dpo-1');
    duringScoring = async () => {
      expect((await t.http.delete(`/v1/job-seekers/${id}`).auth(admin, { type: 'bearer' })).status).toBe(204);
      // Enrolled again by a process of the version before (no enrolment_id).
      await insertJobSeekerAsBefore(t.container.db, id, new Date().toISOString());
    };

    const res = await requestSet(t, counselor, id);

    expect(res.status).toBe(404);
    expect(await t.container.db('recommendation_sets').where({ seeker_id: id })).toEqual([]);
  });
});
