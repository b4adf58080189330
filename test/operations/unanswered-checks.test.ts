import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { registerOperatingGauges } from '../../src/operations/operating-metrics.ts';
import { ReadinessProbe } from '../../src/operations/readiness.ts';

/** A database read that never answers: the server frozen, or cut off by the network without a reset. */
const never = <T>(): Promise<T> => new Promise<T>(() => undefined);

/** How long a test lets an answer take: far under what the checks would wait (TCP's minutes). */
const PATIENCE_MS = 5000;

async function within<T>(promise: Promise<T>, ms: number): Promise<T | 'no answer'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'no answer'>((resolve) => {
    timer = setTimeout(() => resolve('no answer'), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

describe('a database that does not answer', () => {
  it('makes /readyz answer not ready within seconds, the unanswered checks failing and the others read', async () => {
    const probe = new ReadinessProbe([
      { name: 'database', run: never },
      { name: 'model', run: async () => 'ok' },
      { name: 'keys', run: never },
    ]);
    const started = Date.now();
    const report = await within(probe.check(), PATIENCE_MS);
    expect(report).toEqual({ ready: false, checks: { database: 'failing', model: 'ok', keys: 'failing' } });
    // The checks wait together, not one after the other.
    expect(Date.now() - started).toBeLessThan(3000);
  }, 10_000);

  it('leaves /metrics answering, the gauges it cannot read keeping their last value', async () => {
    const registry = new Registry();
    let frozen = false;
    registerOperatingGauges(registry, {
      aiEnabled: async () => (frozen ? never<boolean>() : true),
      modelCheck: async () => (frozen ? never<'ok'>() : 'ok'),
    });
    expect(await registry.metrics()).toMatch(/^aiguillage_ai_enabled 1$/m);
    frozen = true;
    const text = await within(registry.metrics(), PATIENCE_MS);
    expect(text).toMatch(/^aiguillage_ai_enabled 1$/m);
    expect(text).toMatch(/^aiguillage_model_state\{state="ok"\} 1$/m);
  }, 10_000);
});
