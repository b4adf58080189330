import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StorageScrubber } from '../../src/erasure/storage-scrubber.ts';
import type { TestApp } from '../support/test-app.ts';
import { createSet, seedCatalogAndSeeker, type TestClock } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/**
 * A retention run commits its purge with `retention.purged`, then clears the deleted bytes from the
 * files. When that second step fails, the run is still reported as done, with `storageScrubbed: false`:
 * the CLI does not print "failed", nor the daily job log a failed purge.
 */
describe('a retention run whose clearing of the files fails after it committed', () => {
  let t: TestApp;
  let counselor: string;
  let clock: TestClock;

  beforeAll(async () => {
    ({ t, counselor, clock } = await startWorkflowApp());
  });
  afterAll(() => t.close());

  it('reports a run that purged and recorded its event as done, its files not scrubbed', async () => {
    await seedCatalogAndSeeker(t, 'js-kept');
    await createSet(t, counselor, 'js-kept');
    // Past RETENTION_IDEMPOTENCY_HOURS (24): the set's Idempotency-Key answer is due for purging.
    clock.advance(25 * 3_600_000);
    const scrubber = (t.container.retention as unknown as { deps: { scrubber: StorageScrubber } }).deps
      .scrubber;
    const original = scrubber.scrubDeletedRows.bind(scrubber);
    scrubber.scrubDeletedRows = async () => {
      throw Object.assign(new Error('canceling statement due to lock timeout'), { code: '55P03' });
    };
    let outcome: unknown;
    try {
      outcome = await t.container.retention.purgeExpired().then(
        (report) => ({
          ok: true,
          storageScrubbed: report.storageScrubbed,
          storageDetail: report.storageDetail,
        }),
        (error: unknown) => ({ ok: false, error: (error as Error).message }),
      );
    } finally {
      scrubber.scrubDeletedRows = original;
    }
    const purged = await t.container.decisionLog.decisionLog.listEvents({ types: ['retention.purged'] });
    // The run committed: its event is in the log, and the next daily check skips as "ran recently".
    expect(purged).toHaveLength(1);
    expect(purged[0]?.payload).toMatchObject({ purged: { idempotencyKeys: expect.any(Number) } });
    // Yet the CLI prints "retention failed" (exit 1) and the daily job logs "the daily purge failed".
    expect(outcome).toEqual({
      ok: true,
      storageScrubbed: false,
      storageDetail: 'the files could not be cleared now: canceling statement due to lock timeout',
    });
  });
});
