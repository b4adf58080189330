import net from 'node:net';
import { startTestApp, type TestApp, type TestAppOptions } from './test-app.ts';

/**
 * A TCP relay between the API and PostgreSQL, standing in for what lies between them in a
 * deployment. `cutAll` closes every open connection at once (the server crashed or failed over, the
 * network dropped mid-query: the socket closes without a word from the server). `freeze` stops
 * forwarding without closing anything (the server stopped, swapping, a VM paused, a network dropping
 * packets without a reset): nothing answers, and TCP would give up only many minutes later; what was
 * sent meanwhile arrives on `thaw`, as TCP would retransmit it, and connections opened meanwhile are
 * forwarded then.
 */
export interface PgRelay {
  port: number;
  cutAll(): void;
  freeze(): void;
  thaw(): void;
  close(): Promise<void>;
}

export async function startPgRelay(target: URL): Promise<PgRelay> {
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
    if (frozen) waiting.push(client);
    else forward(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    cutAll: () => {
      for (const socket of sockets) socket.destroy();
    },
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

/**
 * A test app on PostgreSQL reached through a relay: a first app migrates the database and is closed,
 * then the app under test starts on the same database through the relay. `databaseUrl` is the
 * server's own address, for a test's direct connection.
 */
export async function startTestAppThroughRelay(
  options: Omit<TestAppOptions, 'database'> = {},
): Promise<{ t: TestApp; relay: PgRelay; databaseUrl: string }> {
  const first = await startTestApp();
  const databaseUrl = first.database.databaseUrl;
  if (databaseUrl === undefined) throw new Error('a relay stands before PostgreSQL only');
  await first.container.close();
  const relay = await startPgRelay(new URL(databaseUrl));
  const throughRelay = new URL(databaseUrl);
  throughRelay.hostname = '127.0.0.1';
  throughRelay.port = String(relay.port);
  const t = await startTestApp({
    ...options,
    database: first.database,
    env: { ...options.env, DATABASE_URL: throughRelay.toString() },
  });
  return { t, relay, databaseUrl };
}
