import type { RequestHandler } from 'express';

/** CORS for an explicit allow-list of origins; other origins get no CORS headers at all. */
export function createCors(allowedOrigins: readonly string[]): RequestHandler {
  const allowed = new Set(allowedOrigins);
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (origin !== undefined && allowed.has(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader(
        'Access-Control-Expose-Headers',
        'ETag, Location, Idempotent-Replayed, RateLimit, RateLimit-Policy, Retry-After, Content-Disposition, ' +
          'X-Audit-Event-Count, X-Audit-From-Seq, X-Audit-To-Seq, X-Request-Id',
      );
      if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
        // HEAD (each GET's) needs no naming: as GET and POST, it is a method browsers always allow.
        res.setHeader('Access-Control-Allow-Methods', 'GET, PUT, POST, DELETE');
        res.setHeader(
          'Access-Control-Allow-Headers',
          'Authorization, Content-Type, If-Match, If-None-Match, Idempotency-Key, X-Audit-Purpose, X-Access-Request, X-Erasure-Request',
        );
        res.setHeader('Access-Control-Max-Age', '600');
        res.status(204).end();
        return;
      }
    }
    res.vary('Origin');
    next();
  };
}
