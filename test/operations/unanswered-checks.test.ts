import { Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
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
    const asked: string[] = [];
    const ask = (name: string) => () => {
      asked.push(name);
      return name === 'model' ? Promise.resolve('ok' as const) : never<'ok'>();
    };
    const probe = new ReadinessProbe(['database', 'model', 'keys'].map((name) => ({ name, run: ask(name) })));
    const report = within(probe.check(), PATIENCE_MS);
    // The checks wait together, not one after the other: each is asked before any answers.
    expect(asked).toEqual(['database', 'model', 'keys']);
    expect(await report).toEqual({
      ready: false,
      checks: { database: 'failing', model: 'ok', keys: 'failing' },
    });
  }, 10_000);

  it('leaves /metrics answering, the switch and the disk keeping their last reading', async () => {
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
    // The model's check waits on the same database: unavailable, as /readyz gives a model still loading.
    expect(text).toMatch(/^aiguillage_model_state\{state="unavailable"\} 1$/m);
  }, 10_000);

  it('gives the kill switch and the free disk as unknown, not as thrown or full, until they are first read', async () => {
    const registry = new Registry();
    let down = true;
    const read = async <T>(value: T): Promise<T> => {
      if (down) throw new Error('connect ECONNREFUSED');
      return value;
    };
    registerOperatingGauges(registry, {
      aiEnabled: () => read(true),
      modelCheck: () => read('ok' as const),
      dataDirFreeBytes: () => read(1_000_000),
    });
    const before = await registry.metrics();
    // NaN (written Nan, which Prometheus reads alike): the alerts' comparisons (docs/alert-rules.yml: `== 0`, `< 256 MB`) take it for neither.
    expect(before).toMatch(/^aiguillage_ai_enabled NaN$/im);
    expect(before).toMatch(/^aiguillage_data_dir_free_bytes NaN$/im);
    expect(before).not.toMatch(/^aiguillage_model_state\{/m);
    down = false;
    const after = await registry.metrics();
    expect(after).toMatch(/^aiguillage_ai_enabled 1$/m);
    expect(after).toMatch(/^aiguillage_data_dir_free_bytes 1000000$/m);
  });
});

describe('a model load slower than a probe waits', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('keeps the instance ready, the model unavailable until it is loaded', async () => {
    vi.useFakeTimers();
    const probe = new ReadinessProbe([
      { name: 'database', run: async () => 'ok' },
      {
        name: 'model',
        run: () => new Promise<'ok'>((resolve) => setTimeout(() => resolve('ok'), 3000)),
        late: 'unavailable',
      },
    ]);
    const report = probe.check();
    await vi.advanceTimersByTimeAsync(3000);
    expect(await report).toEqual({ ready: true, checks: { database: 'ok', model: 'unavailable' } });
  });
});

describe('a model load slower than a scrape waits', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('shows the model unavailable in its gauge, as /readyz does', async () => {
    vi.useFakeTimers();
    const registry = new Registry();
    registerOperatingGauges(registry, {
      aiEnabled: async () => true,
      modelCheck: () => new Promise<'ok'>((resolve) => setTimeout(() => resolve('ok'), 3000)),
    });
    const scrape = registry.metrics();
    await vi.advanceTimersByTimeAsync(3000);
    expect(await scrape).toMatch(/^aiguillage_model_state\{state="unavailable"\} 1$/m);
  });
});
