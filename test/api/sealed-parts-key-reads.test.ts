import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordStatements } from '../support/query-plans.ts';
import type { TestApp } from '../support/test-app.ts';
import { createSet, eraseJobSeeker, syncSeeker, type TestClock } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/** Sets asked for each person: each one's generation seals its scores with the person's data key. */
const SETS_EACH = 3;

/**
 * The figures opened from sealed parts read every set generated in the period, and a person's access
 * record every event of theirs: each data key is read once for all the parts it seals, so that those
 * reads grow with the people, not with a year of their sets.
 */
describe('the data keys read to open sealed parts', () => {
  let t: TestApp;
  let counselor: string;
  let auditor: string;
  let admin: string;

  beforeAll(async () => {
    let clock: TestClock;
    ({ t, counselor, clock } = await startWorkflowApp());
    auditor = await t.tokenFor('auditor', 'dpo-1');
    admin = await t.tokenFor('admin', 'ops-1');
    for (const seekerId of ['js-keys-a', 'js-keys-b', 'js-keys-erased']) {
      await syncSeeker(t, seekerId);
      for (let i = 0; i < SETS_EACH; i += 1) await createSet(t, counselor, seekerId);
    }
    expect((await eraseJobSeeker(t, admin, 'js-keys-erased')).status).toBe(204);
    // The week of the sets over: its figures may be given.
    clock.advance(14 * 86_400_000);
  });
  afterAll(() => t.close());

  /** The statements reading `subject_keys` that `work` sent. */
  async function keyReadsOf(work: () => Promise<unknown>): Promise<number> {
    const statements = await recordStatements(t.container.db, work);
    return statements.filter(({ sql }) => /\bfrom\s+["`]?subject_keys\b/i.test(sql)).length;
  }

  it.each(['attributions', 'drift'])(
    'reads each person’s key once for the %s figures, however many sets they have, erased people included',
    async (figure) => {
      let body: { models: Array<{ sets: number; erasedSets: number }> } = { models: [] };
      const reads = await keyReadsOf(async () => {
        const res = await t.http
          .get(`/v1/audit/stats/${figure}`)
          .auth(auditor, { type: 'bearer' })
          .set('X-Audit-Purpose', 'revue des explications');
        expect(res.status, res.text).toBe(200);
        body = res.body;
      });
      expect(reads).toBe(3);
      // The figures as before: every set counted, the erased person's as erased.
      expect(body.models).toEqual([expect.objectContaining({ sets: 3 * SETS_EACH, erasedSets: SETS_EACH })]);
    },
  );

  it('reads the person’s key once for their access record, however many events it opens', async () => {
    const reads = await keyReadsOf(async () => {
      const res = await t.http
        .get('/v1/job-seekers/js-keys-a/access-record')
        .auth(admin, { type: 'bearer' })
        .set('X-Access-Request', 'DEM-2026-042');
      expect(res.status, res.text).toBe(200);
    });
    expect(reads).toBe(1);
  });
});
