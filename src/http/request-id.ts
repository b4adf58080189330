import { AsyncLocalStorage } from 'node:async_hooks';
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

/** The id of the request being served, in whatever runs on its behalf (services, stores, after-commit steps). */
const servedRequestIds = new AsyncLocalStorage<string>();

/**
 * Middleware, after the request was given its id: the rest of the request runs with that id at
 * hand, so that every line logged while it is served carries it ({@link findServedRequestId}),
 * not only the lines written with the request's own logger, without services being handed it.
 */
export function carryRequestId(req: IncomingMessage, _res: ServerResponse, next: () => void): void {
  if (typeof req.id === 'string') servedRequestIds.run(req.id, next);
  else next();
}

/** The id of the request being served here; undefined outside a request (the start, daily jobs). */
export function findServedRequestId(): string | undefined {
  return servedRequestIds.getStore();
}
