import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScrubOutcome } from '../../src/erasure/erasure.ts';
import type { StorageScrubber } from '../../src/erasure/storage-scrubber.ts';
import type { TestApp } from '../support/test-app.ts';
import { createAndPublish, firstApproved, objectToAi } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/**
 * An objection deletes the person's outcomes and clears them from the database files after it
 * committed; a clearing that fails then is only logged. The next daily retention run clears the
 * files whatever it purged itself, so that the outcomes leave them a day later at the latest.
 */
describe('the daily retention run after a scrub left incomplete', () => {
  let t: TestApp;
  let scrubber: StorageScrubber;
  let original: () => Promise<ScrubOutcome>;
  let calls: number;

  beforeAll(async () => {
    let counselor: string;
    ({ t, counselor } = await startWorkflowApp());
    scrubber = (t.container.retention as unknown as { deps: { scrubber: StorageScrubber } }).deps.scrubber;
    original = scrubber.scrubDeletedRows.bind(scrubber);
    const published = await createAndPublish(t, counselor, 'js-1', { approve: 1 });
    const integration = await t.tokenFor('integration', 'svc-crm');
    const outcome = await t.http
      .put(`/v1/job-seekers/js-1/outcomes/${firstApproved(published).course.id}`)
      .auth(integration, { type: 'bearer' })
      .send({ entered: true, employedWithinSixMonths: null, observedAt: '2026-10-01' });
    expect(outcome.status).toBe(201);
  });
  afterAll(async () => {
    scrubber.scrubDeletedRows = original;
    await t.close();
  });

  it('clears the files an objection’s failed scrub left, though the run purged nothing itself', async () => {
    scrubber.scrubDeletedRows = async () => {
      throw new Error('canceling statement due to lock timeout');
    };
    await objectToAi(t, 'js-1');
    expect(await t.container.db('course_outcomes').where({ seeker_id: 'js-1' })).toHaveLength(0);
    calls = 0;
    scrubber.scrubDeletedRows = () => {
      calls += 1;
      return original();
    };
    const report = await t.container.retention.purgeExpired();
    expect(Object.values(report.purged).every((count) => count === 0)).toBe(true);
    expect(calls).toBe(1);
    expect(report.storageScrubbed).toBe(true);
  });
});
