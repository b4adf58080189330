import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import { createSet, objectToAi, seedCatalogAndSeeker, type TestClock } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const WEEK = 7 * 86_400_000;

/**
 * An objection to AI processing (GDPR Art. 21) ends every processing of the person's data for the
 * model, its monitoring included: the attribution and drift figures open the sealed scores and
 * feature values of each set, and must not open those of a person who objected since, as the
 * outcome figures already leave out their outcomes. A week already given stays as given (record
 * 0008): taking the person out of it would give their values by subtraction.
 */
describe('auditor API: attribution and drift figures after an objection', () => {
  let t: TestApp;
  let clock: TestClock;
  let auditor: string;
  const figure = async (name: 'attributions' | 'drift') => {
    const res = await t.http
      .get(`/v1/audit/stats/${name}`)
      .auth(auditor, { type: 'bearer' })
      .set('X-Audit-Purpose', 'suivi de la dérive du modèle');
    expect(res.status, res.text).toBe(200);
    return res.body.models as Array<{ sets: number; people: number; features: unknown }>;
  };

  beforeAll(async () => {
    let counselor: string;
    ({ t, clock, counselor } = await startWorkflowApp({ env: { AUDIT_MIN_PEOPLE: '2' } }));
    auditor = await t.tokenFor('auditor', 'dpo-1');
    // Week of 28 September: three people get suggestions.
    for (const seekerId of ['js-fa', 'js-fb', 'js-fc']) {
      await seedCatalogAndSeeker(t, seekerId);
      await createSet(t, counselor, seekerId);
    }
    clock.advance(WEEK);
  });
  afterAll(() => t.close());

  it('leaves out of the attribution and drift figures the sets of a person who objected before the week was given', async () => {
    await objectToAi(t, 'js-fc');
    for (const name of ['attributions', 'drift'] as const) {
      const [model] = await figure(name);
      expect(model, name).toMatchObject({ sets: 2, people: 2 });
    }
  });

  it('leaves the weeks already given as they were when a person objects later, counting them no longer among the people', async () => {
    const before = { attributions: await figure('attributions'), drift: await figure('drift') };
    await objectToAi(t, 'js-fb');
    for (const name of ['attributions', 'drift'] as const) {
      const [model] = await figure(name);
      const [given] = before[name];
      expect(model, name).toEqual({ ...given, people: 1 });
    }
  });
});
