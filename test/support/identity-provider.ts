import http from 'node:http';
import type { JWK } from 'jose';

/**
 * An identity provider's JWKS endpoint on a local port, which a test takes down (`answer`) or whose
 * key set it changes (`keys`). Listen with `server.listen(0, '127.0.0.1')`.
 */
export function startIdentityProvider(keys: JWK[]) {
  const state = { answer: 'keys' as 'keys' | 'error' | 'not a key set', keys };
  const server = http.createServer((_req, res) => {
    if (state.answer === 'error') {
      res.writeHead(502).end('bad gateway');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(state.answer === 'keys' ? { keys: state.keys } : { hello: 'world' }));
  });
  return { server, state };
}
