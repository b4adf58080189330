import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aCourse } from '../support/builders.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import {
  aClock,
  act,
  createSet,
  objectToAi,
  readSet,
  requestSet,
  seedCatalog,
  syncSeeker,
  WORKFLOW_CATALOG,
} from '../support/workflow.ts';

/**
 * 22:30 UTC on Saturday 10 October 2026 is 00:30 on Sunday 11 October in Paris (CEST, UTC+2): the
 * day in France, where the people and the courses are, is already the 11th. The product reads
 * "today" as the Paris day for `observedAt` (record 0019); a course whose session starts on the
 * 11th starts today, not "after today".
 */
const PARIS_JUST_AFTER_MIDNIGHT = new Date('2026-10-10T22:30:00.000Z');
const TODAY_IN_FRANCE = '2026-10-11';

describe('a session starting today in France, read just after midnight in Paris', () => {
  let t: TestApp;
  let counselor: string;

  beforeAll(async () => {
    t = await startTestApp({ now: aClock(PARIS_JUST_AFTER_MIDNIGHT).now });
    await seedCatalog(t, {
      ...WORKFLOW_CATALOG,
      'LYON-AS-TODAY': aCourse({
        title: 'Aide-soignant (rentrée du jour)',
        nextSessionStart: TODAY_IN_FRANCE,
      }),
    });
    await syncSeeker(t, 'js-1');
    await syncSeeker(t, 'js-2');
    await syncSeeker(t, 'js-3');
    counselor = await t.tokenFor('counselor', 'c-001');
  });
  afterAll(() => t.close());

  it('is not suggested: its session is not after today', async () => {
    const { set } = await createSet(t, counselor, 'js-1', { limit: 10 });
    expect(set.items.map((item) => item.course.id)).not.toContain('LYON-AS-TODAY');
  });

  it('warns the counselor who adds it that its session is not after today', async () => {
    const { set } = await createSet(t, counselor, 'js-3', { limit: 1 });
    expect(set.items.map((item) => item.course.id)).not.toContain('LYON-AS-TODAY');
    const { etag } = await readSet(t, counselor, set.id);
    const res = await act(t, counselor, set.id, 'items', etag, {
      courseId: 'LYON-AS-TODAY',
      reason: 'Une entrée le jour même est possible.',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(((res.body.warnings ?? []) as Array<{ code: string }>).map((warning) => warning.code)).toContain(
      'session_passed',
    );
  });

  it("leaves it out of the manual path's catalog searches", async () => {
    await objectToAi(t, 'js-2');
    const res = await requestSet(t, counselor, 'js-2');
    expect(res.status).toBe(409);
    for (const path of res.body.manualSearchPaths as string[]) {
      expect(path).toContain('startsAfter=2026-10-12');
    }
  });
});
