import { startTestApp, type TestApp } from './test-app.ts';
import { aClock, seedCatalogAndSeeker, type TestClock } from './workflow.ts';

/** What the suggestion, review and portal API tests share. */
export interface WorkflowApp {
  t: TestApp;
  /** The app's clock, for tests that let time pass. */
  clock: TestClock;
  /** A token for counselor `c-001`, whose caseload holds `js-1`. */
  counselor: string;
  /** A token for counselor `c-002`, who follows no one the tests sync. */
  otherCounselor: string;
}

/**
 * Starts the real app on a clock at `WORKFLOW_START` (with `env` added to its configuration: a
 * models directory, say), writes the workflow catalog and syncs `js-1` onto `c-001`'s caseload. The
 * caller closes it with `t.close()`.
 *
 * Kept apart from `workflow.ts` so the unit tests that use its builders do not load the whole app.
 */
export async function startWorkflowApp(options: { env?: Record<string, string> } = {}): Promise<WorkflowApp> {
  const clock = aClock();
  const t = await startTestApp({
    now: clock.now,
    ...(options.env === undefined ? {} : { env: options.env }),
  });
  await seedCatalogAndSeeker(t, 'js-1');
  return {
    t,
    clock,
    counselor: await t.tokenFor('counselor', 'c-001'),
    otherCounselor: await t.tokenFor('counselor', 'c-002'),
  };
}
