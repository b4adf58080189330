import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import knex from 'knex';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_ENGINE } from '../support/test-database.ts';

const root = path.resolve(import.meta.dirname, '../..');

describe('the server process', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aiguillage-main-'));
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /**
   * `npm start` on the test's data folder; `output()` is what it logged so far, `errors()` what it
   * wrote to standard error.
   */
  function startServer(
    port: number,
    env: Record<string, string> = {},
  ): { server: ChildProcess; output: () => string; errors: () => string } {
    const server = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: root,
      env: {
        ...process.env,
        DATA_DIR: dataDir,
        PORT: String(port),
        SEED_DEMO: 'false',
        LOG_LEVEL: 'info',
        NODE_ENV: 'test',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = server;
    let logged = '';
    let errors = '';
    server.stdout?.on('data', (chunk: Buffer) => {
      logged += chunk.toString();
    });
    server.stderr?.on('data', (chunk: Buffer) => {
      errors += chunk.toString();
    });
    return { server, output: () => logged, errors: () => errors };
  }

  const exitOf = (server: ChildProcess) =>
    new Promise<number | null>((resolve) => server.on('exit', (code) => resolve(code)));

  /** The port the server says it listens on, once it says so. */
  const listeningPort = (server: ChildProcess, output: () => string) =>
    new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line in: ${output()}`)), 60_000);
      server.stdout?.on('data', () => {
        const match = /"port":(\d+)/.exec(output());
        if (match?.[1] !== undefined) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      });
    });

  it.runIf(TEST_ENGINE === 'sqlite')(
    'starts on an empty data folder, serves, logs without tokens or ids, and exits cleanly on SIGTERM',
    async () => {
      const { server, output } = startServer(0, { SHUTDOWN_DRAIN_SECONDS: '0' });
      const port = await listeningPort(server, output);
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(await ready.json()).toMatchObject({ status: 'ready', checks: { database: 'ok', model: 'ok' } });
      expect(fs.existsSync(path.join(dataDir, 'aiguillage.sqlite'))).toBe(true);
      const refused = await fetch(`http://127.0.0.1:${port}/v1/job-seekers/js-secret-id`, {
        headers: { Authorization: 'Bearer not.a-real.token-4242' },
      });
      expect(refused.status).toBe(401);

      const exited = exitOf(server);
      server.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(output()).toMatch(/shutting down: readiness fails/);
      expect(output()).toMatch(/"msg":"stopped"/);
      expect(output()).toMatch(/"operation":"getJobSeeker"/);
      expect(output(), 'tokens and ids stay out of the logs').not.toMatch(/token-4242|js-secret-id/);
      const db = knex({
        client: 'better-sqlite3',
        connection: { filename: path.join(dataDir, 'aiguillage.sqlite') },
        useNullAsDefault: true,
      });
      try {
        const started = await db('decision_events').where({ type: 'service.started' }).select('seq');
        expect(started, 'its start is in the decision log, once').toHaveLength(1);
      } finally {
        await db.destroy();
      }
    },
    90_000,
  );

  it.runIf(TEST_ENGINE === 'sqlite')(
    'keeps serving for SHUTDOWN_DRAIN_SECONDS after SIGTERM with /readyz answering 503, then exits cleanly',
    async () => {
      const { server, output } = startServer(0, { SHUTDOWN_DRAIN_SECONDS: '3' });
      const port = await listeningPort(server, output);
      const base = `http://127.0.0.1:${port}`;
      expect((await fetch(`${base}/readyz`)).status).toBe(200);

      const exited = exitOf(server);
      const signalled = Date.now();
      server.kill('SIGTERM');
      // The signal is handled between two turns of the server's event loop: ask until it is.
      let readiness = await fetch(`${base}/readyz`);
      while (readiness.status === 200 && Date.now() - signalled < 1_000) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        readiness = await fetch(`${base}/readyz`);
      }
      expect(readiness.status).toBe(503);
      expect(await readiness.json()).toMatchObject({
        status: 'not_ready',
        checks: { process: 'shutting_down', database: 'ok' },
      });
      // The rest is served as before while load balancers take the instance out.
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const refused = await fetch(`${base}/v1/recommendations`, {
        headers: { Authorization: 'Bearer x.y.z' },
      });
      expect(refused.status).toBe(401);
      expect(Date.now() - signalled, 'all of it within the drain').toBeLessThan(2_500);

      expect(await exited).toBe(0);
      expect(Date.now() - signalled).toBeGreaterThanOrEqual(3_000);
      expect(output()).toMatch(/"drainSeconds":3/);
      expect(output()).toMatch(/"msg":"drained: no new connections"/);
      expect(output()).toMatch(/"msg":"stopped"/);
    },
    90_000,
  );

  it.runIf(TEST_ENGINE === 'sqlite')(
    'exits 1 when its port is taken, saying why and how to choose another in one line on standard error, without a stack trace',
    async () => {
      const taken = net.createServer();
      await new Promise<void>((resolve) => taken.listen(0, '0.0.0.0', resolve));
      const { port } = taken.address() as AddressInfo;
      try {
        const { server, output, errors } = startServer(port);
        expect(await exitOf(server)).toBe(1);
        expect(errors()).toMatch(
          new RegExp(
            `^aiguillage: cannot start: cannot listen on port ${port}: .*EADDRINUSE.*; ` +
              'another process holds it: set PORT to a free port \\(0: any free port\\)\\n$',
          ),
        );
        expect(output()).not.toMatch(/Aiguillage listening/);
        expect(output() + errors()).not.toMatch(/\bat .*\.ts:\d+/);
      } finally {
        taken.close();
      }
    },
    90_000,
  );

  it.runIf(TEST_ENGINE === 'sqlite')(
    'refuses a bad setting with its message alone, naming the variable, before it opens the database',
    async () => {
      const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'aiguillage-bad-config-'));
      try {
        for (const env of [
          { PORT: '99999' },
          { LOG_LEVEL: 'verbose' },
          { JSON_BODY_LIMIT: 'lots' },
          { DATABASE_POOL_MAX: '0' },
          { MIN_FREE_DISK_MB: 'lots' },
        ]) {
          const [name = ''] = Object.keys(env);
          const { server, output, errors } = startServer(0, { ...env, DATA_DIR: empty });
          expect(await exitOf(server), name).toBe(1);
          expect(errors(), name).toMatch(new RegExp(`^aiguillage: cannot start: ${name} must be `));
          expect(errors(), `${name}: no stack trace`).not.toMatch(/\n\s+at /);
          expect(output(), name).toBe('');
          expect(fs.readdirSync(empty), `${name}: nothing written`).toEqual([]);
        }
      } finally {
        fs.rmSync(empty, { recursive: true, force: true });
      }
    },
    90_000,
  );
});
