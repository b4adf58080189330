import type { Server } from 'node:http';
import net from 'node:net';
import { setTimeout as pause } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServing } from '../../src/operations/start-serving.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * A request Node's HTTP parser refuses before the app sees it (headers past its 16 KB, a request
 * line that is not HTTP) is answered as every other refusal is: a problem document saying what was
 * wrong, not a bare status line without a body.
 */
describe('a request the HTTP parser refuses', () => {
  let t: TestApp;
  let server: Server;
  let port: number;

  beforeAll(async () => {
    t = await startTestApp({ env: { PORT: '0' } });
    server = await startServing(t.container, t.app);
    port = (server.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await t.close();
  });

  /** Sends raw bytes and reads the whole answer, until the server closes the connection. */
  function sendRaw(bytes: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => socket.end(bytes));
      let answer = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        answer += chunk;
      });
      socket.on('error', reject);
      socket.on('close', () => resolve(answer));
    });
  }

  function problemOf(answer: string): { status: number; contentType: string; body: Record<string, unknown> } {
    const [head = '', body = ''] = answer.split('\r\n\r\n');
    const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
    const contentType = /^content-type: (.*)$/im.exec(head)?.[1] ?? '';
    return { status, contentType, body: body === '' ? {} : (JSON.parse(body) as Record<string, unknown>) };
  }

  it('answers headers too large with 431 problem+json saying so', async () => {
    const answer = await sendRaw(
      `GET /v1/courses HTTP/1.1\r\nHost: localhost\r\nIf-Match: "${'9'.repeat(20_000)}"\r\n\r\n`,
    );
    const { status, contentType, body } = problemOf(answer);
    expect(status).toBe(431);
    expect(contentType).toMatch(/^application\/problem\+json/);
    expect(body).toMatchObject({ status: 431, type: expect.stringMatching(/headers-too-large$/) });
    expect(body.detail).toMatch(/headers .* too large/);
  });

  it('closes the connection once answered, even when the client keeps its side open', async () => {
    // The client never ends its side: the server lets the connection go after its answer rather than
    // holding it until the headers' timeout (a minute).
    const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true }, () =>
      socket.write('HELLO\r\n\r\n'),
    );
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      answer += chunk;
    });
    await new Promise((resolve) => socket.once('end', resolve));
    expect(problemOf(answer).status).toBe(400);
    const connections = () =>
      new Promise<number>((resolve, reject) =>
        server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
      );
    while ((await connections()) > 0) await pause(10);
    socket.destroy();
  }, 10_000);

  it('answers a request that is not HTTP with 400 problem+json saying so', async () => {
    const { status, contentType, body } = problemOf(await sendRaw('HELLO\r\n\r\n'));
    expect(status).toBe(400);
    expect(contentType).toMatch(/^application\/problem\+json/);
    expect(body).toMatchObject({ status: 400, type: expect.stringMatching(/malformed-request$/) });
  });
});
