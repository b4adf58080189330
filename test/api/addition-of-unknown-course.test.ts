import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import { act, createSet, readSet } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/**
 * A counselor adding a course by its id learns whether the catalog never held that id (a typo, an id
 * from another system) or holds the course withdrawn: "not an active course" sent them looking for a
 * withdrawn course that does not exist. Either refusal names the course (`courseId`), for a program
 * to point at the line to change, and says where to find another.
 */
describe('a course added by an id the catalog does not hold', () => {
  let t: TestApp;
  let counselor: string;

  beforeAll(async () => {
    ({ t, counselor } = await startWorkflowApp());
  });
  afterAll(() => t.close());

  it('tells the counselor adding it that the catalog holds no course of that id, and where to find one', async () => {
    const { set } = await createSet(t, counselor, 'js-1');
    const { etag } = await readSet(t, counselor, set.id);
    const res = await act(t, counselor, set.id, 'items', etag, {
      courseId: 'LYON-AS-9',
      reason: 'Choisie avec la personne en entretien',
    });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.courseId).toBe('LYON-AS-9');
    expect(res.body.detail).toBe(
      'the catalog holds no course LYON-AS-9: check the id, or find the course in the catalog (GET /v1/courses?active=true, by title with q)',
    );
  });

  it('tells the counselor adding a withdrawn course, naming it, that the catalog withdrew it and where to choose another', async () => {
    const { set } = await createSet(t, counselor, 'js-1');
    const { etag } = await readSet(t, counselor, set.id);
    const res = await act(t, counselor, set.id, 'items', etag, {
      courseId: 'LYON-OLD',
      reason: 'Choisie avec la personne en entretien',
    });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.courseId).toBe('LYON-OLD');
    expect(res.body.detail).toBe(
      'course LYON-OLD is not an active course of the catalog: the catalog withdrew it; choose another course in the catalog (GET /v1/courses?active=true, by title with q)',
    );
  });
});
