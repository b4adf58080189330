import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';

/**
 * An identity provider's JWKS endpoint on a local port, which a test takes down (`answer`) or whose
 * key set it changes (`keys`). Listen with {@link listenForKeys}.
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

/** Starts `provider` on a free port of this machine; its JWKS URL, for `AUTH_JWKS_URL`. */
export async function listenForKeys(provider: ReturnType<typeof startIdentityProvider>): Promise<string> {
  await new Promise<void>((resolve) => provider.server.listen(0, '127.0.0.1', resolve));
  const { port } = provider.server.address() as AddressInfo;
  return `http://127.0.0.1:${port}/jwks.json`;
}
