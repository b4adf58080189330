import type { Server } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServing } from '../../src/operations/start-serving.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { aWorkflowSeeker } from '../support/workflow.ts';

async function aFreePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Whether anything accepts a connection on the port. */
async function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * `npm start` records `service.started` before it listens: no request is served, and no event
 * appended, before the start is in the log; a start that cannot be recorded serves nothing.
 */
describe('nothing is served before service.started is in the log', () => {
  let t: TestApp;
  let server: Server | undefined;
  let port: number;
  beforeAll(async () => {
    port = await aFreePort();
    t = await startTestApp({ env: { PORT: String(port) } });
  });
  afterAll(async () => {
    await new Promise((resolve) => (server === undefined ? resolve(undefined) : server.close(resolve)));
    await t.close();
  });

  it('listens only once the start is recorded, so the start precedes every event of its run', async () => {
    const record = t.container.recordServiceStart.bind(t.container);
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    t.container.recordServiceStart = async () => {
      await held;
      return record();
    };
    const serving = startServing(t.container, t.app);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await isListening(port), 'listening before the start is recorded').toBe(false);
    release();
    server = await serving;
    t.container.recordServiceStart = record;

    expect((await fetch(`http://localhost:${port}/readyz`)).status).toBe(200);
    const integration = await t.tokenFor('integration', 'svc-crm');
    const sync = await fetch(`http://localhost:${port}/v1/job-seekers/js-early`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${integration}`, 'content-type': 'application/json' },
      body: JSON.stringify(aWorkflowSeeker()),
    });
    expect(sync.status).toBeLessThan(300);
    const events = await t.container.decisionLog.decisionLog.listEvents({
      types: ['job_seeker.upserted', 'service.started'],
    });
    expect(events.map((event) => event.type)).toEqual(['service.started', 'job_seeker.upserted']);
  });

  it('serves nothing when the start cannot be recorded', async () => {
    const other = await startTestApp({ env: { PORT: String(await aFreePort()) } });
    try {
      const otherPort = other.container.config.port;
      let listened = false;
      other.container.recordServiceStart = async () => {
        listened = await isListening(otherPort);
        throw new Error('the log is unavailable');
      };
      await expect(startServing(other.container, other.app)).rejects.toThrow(
        /cannot record the start in the decision log: the log is unavailable/,
      );
      expect(listened, 'listening while the start was being recorded').toBe(false);
      expect(await isListening(otherPort)).toBe(false);
    } finally {
      await other.close();
    }
  });
});
