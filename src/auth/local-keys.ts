import fs from 'node:fs';
import path from 'node:path';
import {
  type CryptoKey,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
} from 'jose';

export const LOCAL_SIGNING_ALGORITHM = 'ES256';

/** The key pair used to sign and verify tokens when no identity provider is configured. */
export interface LocalKeys {
  privateKey: CryptoKey;
  publicJwk: JWK;
  kid: string;
}

/**
 * Loads the local token-signing key pair from `<dataDir>/keys`, generating it on first use.
 * The private key file is readable by its owner only.
 */
export async function loadOrCreateLocalKeys(dataDir: string): Promise<LocalKeys> {
  const folder = path.join(dataDir, 'keys');
  const privatePath = path.join(folder, 'jwt-signing-key.json');
  if (!fs.existsSync(privatePath)) {
    const { privateKey } = await generateKeyPair(LOCAL_SIGNING_ALGORITHM, { extractable: true });
    const jwk = await exportJWK(privateKey);
    fs.mkdirSync(folder, { recursive: true });
    // `wx` fails if another process created the file first; its key then wins.
    try {
      fs.writeFileSync(privatePath, JSON.stringify(jwk), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const privateJwk = JSON.parse(fs.readFileSync(privatePath, 'utf8')) as JWK;
  const { d: _secret, ...publicPart } = privateJwk;
  const kid = await calculateJwkThumbprint(publicPart);
  const privateKey = (await importJWK(privateJwk, LOCAL_SIGNING_ALGORITHM)) as CryptoKey;
  return {
    privateKey,
    publicJwk: { ...publicPart, kid, alg: LOCAL_SIGNING_ALGORITHM, use: 'sig' },
    kid,
  };
}
