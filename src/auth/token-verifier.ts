import {
  createLocalJWKSet,
  createRemoteJWKSet,
  type JWK,
  type JWTVerifyGetKey,
  errors as joseErrors,
  jwtVerify,
} from 'jose';
import type { AuthConfig } from '../config.ts';
import { AuthenticationError, isRole, type Principal } from './principal.ts';

/** Turns a bearer token into a principal, or throws `AuthenticationError`. */
export type TokenVerifier = (token: string) => Promise<Principal>;

/**
 * Builds the verifier: the identity provider's JWKS in production, else the local public key.
 * Only asymmetric algorithms from the allow-list are accepted, so `none` and HS* never verify.
 */
export function createTokenVerifier(config: AuthConfig, localPublicJwk: JWK | undefined): TokenVerifier {
  const algorithms = config.algorithms.filter((alg) => alg !== 'none' && !alg.startsWith('HS'));
  const keySet = resolveKeySet(config, localPublicJwk);
  return async (token) => {
    try {
      const { payload } = await jwtVerify(token, keySet, {
        issuer: config.issuer,
        audience: config.audience,
        algorithms,
        clockTolerance: config.clockToleranceSeconds,
        requiredClaims: ['sub', 'exp'],
      });
      const roles = payload.roles;
      if (!Array.isArray(roles) || roles.length === 0 || !roles.every(isRole)) {
        throw new AuthenticationError('the token has no valid "roles" claim');
      }
      if (typeof payload.sub !== 'string' || payload.sub === '') {
        throw new AuthenticationError('the token has no subject');
      }
      return { subject: payload.sub, roles };
    } catch (error) {
      if (error instanceof AuthenticationError) throw error;
      throw new AuthenticationError(describeJoseError(error));
    }
  };
}

function resolveKeySet(config: AuthConfig, localPublicJwk: JWK | undefined): JWTVerifyGetKey {
  if (config.jwksUrl !== undefined) return createRemoteJWKSet(new URL(config.jwksUrl));
  if (localPublicJwk === undefined) throw new Error('no JWKS URL configured and no local key available');
  return createLocalJWKSet({ keys: [localPublicJwk] });
}

function describeJoseError(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'the token has expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed)
    return `the token's "${error.claim}" claim is not accepted`;
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return "the token's signing algorithm is not allowed";
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'the token was signed with an unknown key';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return "the token's signature is invalid";
  return 'the token is malformed or not trusted';
}
