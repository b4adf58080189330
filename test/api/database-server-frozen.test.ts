import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { TEST_ENGINE } from '../support/test-database.ts';

/**
 * A TCP relay between the API and PostgreSQL that can stop forwarding without closing anything:
 * what the API sees when the server is frozen (stopped, swapping, a VM paused) or the network drops
 * packets without a reset. Nothing answers, and TCP would give up only many minutes later; what was
 * sent meanwhile arrives once thawed, as TCP would retransmit it.
 */
async function startRelay(
  target: URL,
): Promise<{ port: number; freeze(): void; thaw(): void; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let waiting: net.Socket[] = [];
  let frozen = false;
  const keep = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    if (frozen) socket.pause();
  };
  const forward = (client: net.Socket) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    keep(upstream);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream).pipe(client);
  };
  const server = net.createServer((client) => {
    keep(client);
    // While frozen, a new connection is accepted and forwarded only once thawed.
    if (frozen) waiting.push(client);
    else forward(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    freeze: () => {
      frozen = true;
      for (const socket of sockets) socket.pause();
    },
    thaw: () => {
      frozen = false;
      for (const socket of sockets) socket.resume();
      for (const client of waiting) if (!client.destroyed) forward(client);
      waiting = [];
    },
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe.skipIf(TEST_ENGINE !== 'postgres')('a PostgreSQL server that stops answering mid-request', () => {
  let t: TestApp;
  let relay: Awaited<ReturnType<typeof startRelay>>;
  let counselor: string;

  beforeAll(async () => {
    const first = await startTestApp();
    const databaseUrl = first.database.databaseUrl as string;
    await first.container.close();
    relay = await startRelay(new URL(databaseUrl));
    const throughRelay = new URL(databaseUrl);
    throughRelay.hostname = '127.0.0.1';
    throughRelay.port = String(relay.port);
    t = await startTestApp({ database: first.database, env: { DATABASE_URL: throughRelay.toString() } });
    counselor = await t.tokenFor('counselor', 'c-001');
  });
  afterAll(async () => {
    relay?.thaw();
    await t?.close();
    await relay?.close();
  });

  const read = () => t.http.get('/v1/job-seekers/js-0').auth(counselor, { type: 'bearer' });

  it('ends the request 503 problem+json within seconds, not never, and serves again once the server answers', async () => {
    expect((await read()).status).toBe(404);
    relay.freeze();
    const started = Date.now();
    const res = await read();
    const tookMs = Date.now() - started;
    relay.thaw();
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['retry-after']).toBeDefined();
    expect(tookMs).toBeLessThan(15_000);
    expect((await read()).status).toBe(404);
  }, 28_000);

  it('answers /readyz not ready within seconds while the server is frozen, and ready once it answers', async () => {
    relay.freeze();
    const started = Date.now();
    const res = await t.http.get('/readyz');
    const tookMs = Date.now() - started;
    relay.thaw();
    expect(res.status).toBe(503);
    expect(res.body.checks.database).toBe('failing');
    expect(tookMs).toBeLessThan(5000);
    expect((await t.http.get('/readyz')).status).toBe(200);
  }, 20_000);
});
