import type { Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.ts';
import { startServing } from '../../src/operations/start-serving.ts';
import { type CapturedLogs, captureLogs } from '../support/captured-logs.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * The limits count clients by address: in production behind a reverse proxy without `TRUST_PROXY`,
 * every client is the proxy, and one attacker's failed tokens would shut everyone out. The operator
 * is told so at start-up, with what to set.
 */
describe('the start-up warning about TRUST_PROXY', () => {
  let t: TestApp | undefined;
  let server: Server | undefined;

  afterEach(async () => {
    await new Promise((resolve) => (server === undefined ? resolve(undefined) : server.close(resolve)));
    server = undefined;
    await t?.close();
  });

  /** Starts serving as `npm start` does, with the given environment and TRUST_PROXY. */
  async function start(nodeEnv: Config['nodeEnv'], env: Record<string, string> = {}): Promise<CapturedLogs> {
    const logs = captureLogs();
    t = await startTestApp({ logger: logs.logger, env: { PORT: '0', ...env } });
    const container = { ...t.container, config: { ...t.container.config, nodeEnv } };
    server = await startServing(container, t.app);
    return logs;
  }

  it('warns in production when TRUST_PROXY is unset, saying what happens behind a proxy and what to set', async () => {
    const logs = await start('production');

    const warnings = logs.find('warn', /TRUST_PROXY/);
    expect(warnings).toHaveLength(1);
    const message = warnings[0]?.msg ?? '';
    expect(message).toMatch(/reverse proxy/);
    expect(message).toMatch(/proxy's address/);
    expect(message).toMatch(/shut every client out|block every client/);
    expect(message).toMatch(/set TRUST_PROXY/);
  });

  it('says nothing in production once TRUST_PROXY names the proxies', async () => {
    const logs = await start('production', { TRUST_PROXY: '1' });

    expect(logs.find('warn', /TRUST_PROXY/)).toEqual([]);
  });

  it('says nothing outside production (a local start has no proxy)', async () => {
    const logs = await start('development');

    expect(logs.find('warn', /TRUST_PROXY/)).toEqual([]);
  });
});
