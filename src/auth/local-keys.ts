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
import { createPrivateFolder } from '../shared/private-folder.ts';
import { writeFileOnce } from '../shared/write-file-once.ts';

export const LOCAL_SIGNING_ALGORITHM = 'ES256';

/** The key pair used to sign and verify tokens when no identity provider is configured. */
export interface LocalKeys {
  privateKey: CryptoKey;
  publicJwk: JWK;
  kid: string;
}

/** Whether `<dataDir>/keys` already holds the local token-signing key. */
export function hasLocalKeys(dataDir: string): boolean {
  return fs.existsSync(privateKeyPathIn(dataDir));
}

function privateKeyPathIn(dataDir: string): string {
  return path.join(dataDir, 'keys', 'jwt-signing-key.json');
}

/**
 * Loads the local token-signing key pair from `<dataDir>/keys`, generating it on first use.
 * The private key file is readable by its owner only.
 */
export async function loadOrCreateLocalKeys(dataDir: string): Promise<LocalKeys> {
  const privatePath = privateKeyPathIn(dataDir);
  const folder = path.dirname(privatePath);
  if (!fs.existsSync(privatePath)) {
    const { privateKey } = await generateKeyPair(LOCAL_SIGNING_ALGORITHM, { extractable: true });
    const jwk = await exportJWK(privateKey);
    createPrivateFolder(folder);
    // Another process starting at the same moment may have made one first: its key then wins.
    writeFileOnce(privatePath, JSON.stringify(jwk), 0o600);
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
