import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModelsDir, writeShippedVariant } from '../model-registry/support/model-folders.ts';
import { listUnservedSelectors, readAlertRules } from '../support/alert-rules.ts';
import { scrapeMetrics } from '../support/metrics.ts';
import { registerAndActivate } from '../support/model-activation.ts';
import type { TestApp } from '../support/test-app.ts';
import { aWorkflowSeeker, createSet, syncSeeker, type TestClock } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const WEEK = 7 * 86_400_000;
const LEVEL_GAUGE = 'aiguillage_model_drift_level';

/** The feature of each series at level 1, by feature. */
async function readLevelsOf(t: TestApp): Promise<Record<string, string>> {
  const levels: Record<string, string> = {};
  for (const line of (await scrapeMetrics(t)).split('\n')) {
    const match = line.match(new RegExp(`^${LEVEL_GAUGE}\\{feature="(\\w+)",level="(\\w+)"\\} (\\d)$`));
    if (match?.[3] === '1') levels[String(match[1])] = String(match[2]);
  }
  return levels;
}

/**
 * `/metrics` shows, per feature, the drift level of the active model's inputs over the last four whole
 * weeks as the service last checked it (risk R14): the level the auditors' drift figures give for those
 * weeks, computed once per AUDIT_DRIFT_EVERY_HOURS rather than at each scrape.
 */
describe('the drift levels on /metrics', () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;
  let auditor: string;

  beforeAll(async () => {
    // One person a figure: every week is given, whatever its people.
    const app = await startWorkflowApp({ env: { AUDIT_MIN_PEOPLE: '1' } });
    ({ t, clock, counselor } = app);
    auditor = await t.tokenFor('auditor', 'dpo-1');
  });
  afterAll(() => t.close());

  const readLevels = () => readLevelsOf(t);
  const readCheckedAt = async () =>
    (await scrapeMetrics(t)).match(/^aiguillage_model_drift_checked_timestamp_seconds (\S+)$/m)?.[1];

  it('shows no level before the first check', async () => {
    expect(await readLevels()).toEqual({});
    // prom-client writes NaN as Nan.
    expect(await readCheckedAt()).toBe('Nan');
    expect(await scrapeMetrics(t)).toMatch(/^aiguillage_model_drift_failed_checks_in_a_row 0$/m);
  });

  it('reads no_vectors for every feature while no set was scored in the last four weeks', async () => {
    // Sets scored five weeks and more before the check: out of the weeks it reads.
    for (const seekerId of ['js-1', 'js-2']) {
      await syncSeeker(t, seekerId, aWorkflowSeeker());
      await createSet(t, counselor, seekerId);
    }
    clock.advance(5 * WEEK);
    const checked = await t.container.checkDriftNow();
    const levels = await readLevels();
    expect(Object.keys(levels).length).toBeGreaterThan(5);
    expect(new Set(Object.values(levels))).toEqual(new Set(['no_vectors']));
    expect(await readCheckedAt()).toBe(String(Date.parse(checked.checkedAt) / 1000));
  });

  it("gives each feature the level the auditors' drift figures give for the weeks checked", async () => {
    // Eight people of one profile: their inputs differ from the training population's on some features.
    for (let i = 0; i < 8; i += 1) {
      await syncSeeker(t, `js-same-${i}`, aWorkflowSeeker({ monthsUnemployed: 30, yearsExperience: 0 }));
      await createSet(t, counselor, `js-same-${i}`);
    }
    clock.advance(WEEK);
    const checked = await t.container.checkDriftNow();
    const res = await t.http
      .get('/v1/audit/stats/drift')
      .query({ from: String(checked.from) })
      .auth(auditor, { type: 'bearer' })
      .set('X-Audit-Purpose', 'drift check');
    expect(res.status, res.text).toBe(200);
    const [model] = res.body.models as Array<{
      modelId: string;
      sets: number;
      features: Array<{ feature: string; level: string | null }>;
    }>;
    expect(model?.modelId).toBe(checked.model?.id);
    expect(model?.sets).toBe(8);
    const expected = Object.fromEntries(model?.features.map(({ feature, level }) => [feature, level]) ?? []);
    const levels = await readLevels();
    expect(levels).toEqual(expected);
    expect(Object.values(levels)).toContain('significant');
    expect(Object.values(levels)).toContain('too_few');
  });

  it('serves what the drift alert rule reads once a check has run', async () => {
    const [rule] = (await readAlertRules()).filter(({ alert }) => alert === 'AiguillageModelDrift');
    expect(rule).toBeDefined();
    expect(listUnservedSelectors(String(rule?.expr), await scrapeMetrics(t))).toEqual([]);
  });
});

describe('the drift levels on /metrics after another model is activated', () => {
  let t: TestApp;
  let modelsDir: { dir: string; remove(): Promise<void> };

  beforeAll(async () => {
    modelsDir = await createModelsDir();
    ({ t } = await startWorkflowApp({ env: { MODELS_DIR: modelsDir.dir } }));
  });
  afterAll(async () => {
    await t.close();
    await modelsDir.remove();
  });

  it('shows no level of the model checked once another one serves, until the next check', async () => {
    await t.container.checkDriftNow();
    expect(Object.keys(await readLevelsOf(t)).length).toBeGreaterThan(5);

    const replacement = await writeShippedVariant(modelsDir.dir, 'aiguillage-ebm-1.2.0', (manifest) => ({
      ...manifest,
      version: '1.2.0',
    }));
    await registerAndActivate(t, await t.tokenFor('admin', 'ops-1'), replacement);
    expect(await readLevelsOf(t)).toEqual({});

    const checked = await t.container.checkDriftNow();
    expect(checked.model?.id).toBe(replacement.id);
    expect(Object.keys(await readLevelsOf(t)).length).toBeGreaterThan(5);
  });
});
