import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scrapeMetrics } from '../support/metrics.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { putSettings } from '../support/workflow.ts';

describe('the operating gauges of /metrics', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('shows the kill switch as it is thrown and released', async () => {
    expect(await scrapeMetrics(t)).toMatch(/^aiguillage_ai_enabled 1$/m);
    await putSettings(t, { aiEnabled: false });
    expect(await scrapeMetrics(t)).toMatch(/^aiguillage_ai_enabled 0$/m);
    await putSettings(t, { aiEnabled: true });
    expect(await scrapeMetrics(t)).toMatch(/^aiguillage_ai_enabled 1$/m);
  });

  it('shows the active model as /readyz does: ok', async () => {
    const text = await scrapeMetrics(t);
    expect(text).toMatch(/^aiguillage_model_state\{state="ok"\} 1$/m);
    expect(text).toMatch(/^aiguillage_model_state\{state="not_configured"\} 0$/m);
    expect(text).toMatch(/^aiguillage_model_state\{state="unavailable"\} 0$/m);
  });
});

describe('the operating gauges while no model is active', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { ACTIVATE_SHIPPED_MODEL: 'false' } });
  });
  afterAll(() => t.close());

  it('shows that no model serves: not_configured, as /readyz says', async () => {
    const text = await scrapeMetrics(t);
    expect(text).toMatch(/^aiguillage_model_state\{state="not_configured"\} 1$/m);
    expect(text).toMatch(/^aiguillage_model_state\{state="ok"\} 0$/m);
  });
});
