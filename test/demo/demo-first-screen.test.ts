import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_JOB_SEEKERS } from '../../src/demo/demo-job-seekers.ts';
import { writeDemoData } from '../../src/demo/seed-demo-data.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { requestSet } from '../support/workflow.ts';

const firstStart = new Date('2027-02-01T08:00:00.000Z');

/** What a counselor trying the demo sees first: a fresh set of five suggestions for each demo person. */
describe('the first suggestions on the demo data', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ now: () => firstStart });
    await writeDemoData(t.container.services, firstStart);
  });
  afterAll(() => t.close());

  it.each(DEMO_JOB_SEEKERS.map((profile) => [profile.id, profile.counselorId] as const))(
    'shows %s no course title twice among the first five',
    async (seekerId, counselorId) => {
      const counselor = await t.tokenFor('counselor', counselorId);
      const res = await requestSet(t, counselor, seekerId, { limit: 5 });

      expect(res.status).toBe(201);
      const titles = (res.body.items as { course: { title: string } }[]).map((item) => item.course.title);
      expect(titles.filter((title, index) => titles.indexOf(title) !== index)).toEqual([]);
    },
  );
});
