import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * A new id for each request (pino-http's `genReqId`), sent back in `X-Request-Id` on every answer:
 * the log's lines about the request carry it (`req.id`), and a problem document names it as its
 * `instance`. None is taken from the client: an id it chose could repeat another request's and lead
 * whoever looks it up to the wrong lines; a proxy that keeps its own logs ours beside it.
 */
export function assignRequestId(res: ServerResponse): string {
  const id = randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

/** The request's id as a problem document's `instance` (RFC 9457: a URI for this occurrence). */
export function problemInstanceOf(req: IncomingMessage): string | undefined {
  return typeof req.id === 'string' ? `urn:uuid:${req.id}` : undefined;
}
