import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { PROBLEM_TYPE_BASE } from '../shared/errors.ts';

/**
 * Answers a request Node's HTTP parser refused before the app could see it (headers past its
 * limit, bytes that are not HTTP) with a problem document, as every other refusal is answered:
 * Node's own answer is a bare status line. A connection already reset or half-answered is closed.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, slug, title, detail] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [
          431,
          'headers-too-large',
          'The request headers are too large',
          'the request headers are too large: send them within 16 KB in all',
        ]
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [
            408,
            'request-timeout',
            'The request took too long',
            'the request did not arrive in time; send it again',
          ]
        : [
            400,
            'malformed-request',
            'The request is not valid HTTP',
            'the request could not be read as HTTP/1.1',
          ];
  const body = JSON.stringify({ type: `${PROBLEM_TYPE_BASE}${slug}`, title, status, detail });
  // Closed once written, as Node's own answer does: a client that keeps its side open does not hold
  // the connection until the headers' timeout.
  socket.write(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      'Content-Type: application/problem+json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Cache-Control: no-store\r\nConnection: close\r\n\r\n' +
      body,
    () => socket.destroy(),
  );
}
