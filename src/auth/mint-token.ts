import { SignJWT } from 'jose';
import type { AuthConfig } from '../config.ts';
import { LOCAL_SIGNING_ALGORITHM, type LocalKeys } from './local-keys.ts';
import type { Role } from './principal.ts';

export interface MintOptions {
  subject: string;
  roles: Role[];
  /** Lifetime in seconds (default: 8 hours, a working day). */
  expiresInSeconds?: number;
}

/** Signs a token with the local key, for development, the demo and tests. */
export async function mintLocalToken(
  auth: AuthConfig,
  keys: LocalKeys,
  options: MintOptions,
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ roles: options.roles })
    .setProtectedHeader({ alg: LOCAL_SIGNING_ALGORITHM, kid: keys.kid, typ: 'JWT' })
    .setIssuer(auth.issuer)
    .setAudience(auth.audience)
    .setSubject(options.subject)
    .setIssuedAt(now)
    .setExpirationTime(now + (options.expiresInSeconds ?? 8 * 3600))
    .sign(keys.privateKey);
}
