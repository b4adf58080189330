import {
  createLocalJWKSet,
  createRemoteJWKSet,
  type JWK,
  type JWTVerifyGetKey,
  errors as joseErrors,
  jwtVerify,
} from 'jose';
import type { AuthConfig } from '../config.ts';
import { isApplicationActorId } from '../model-registry/application-actors.ts';
import { ForgettingTimer } from '../shared/forgetting-timer.ts';
import { holdsInvisibleCharacter } from '../shared/invisible-characters.ts';
import { holdsUnstorableCharacter } from '../shared/storable-text.ts';
import {
  AuthenticationError,
  IdentityProviderUnavailableError,
  isRole,
  type Principal,
} from './principal.ts';

/** Turns a bearer token into a principal, or throws `AuthenticationError`. */
export interface TokenVerifier {
  (token: string): Promise<Principal>;
  /**
   * Whether `token` is taken as verified now, without a signature check: it verified at most
   * `AUTH_VERIFIED_TOKEN_SECONDS` ago and has not expired. Costs a look-up, never a check.
   */
  remembers(token: string): boolean;
}

/**
 * The longest subject taken from a token: the length of every id the product stores and the
 * contract admits (job seekers, counselors; the staff who act, kept with what they did). A longer
 * one would be refused by PostgreSQL's columns halfway through an act.
 */
const MAX_SUBJECT_LENGTH = 64;

/** Verified tokens remembered at most (the least recently used make room). */
export const VERIFIED_TOKEN_CACHE_SIZE = 1_000;

export interface TokenVerifierOptions {
  /** Milliseconds since the epoch; the clock the remembered tokens expire by. */
  now?: () => number;
}

interface VerifiedToken {
  principal: Principal;
  /** Milliseconds since the epoch: the earlier of the token's own expiry and the end of the TTL. */
  validUntil: number;
}

/** A token's signature and claims checked: who it names, and when it stops being valid (ms since the epoch). */
export type SignatureVerifier = (token: string) => Promise<{ principal: Principal; expiresAt: number }>;

/**
 * Builds the verifier: the identity provider's JWKS in production, else the local public key.
 * Only the configured algorithms are accepted, and configuration admits asymmetric ones only
 * (`TOKEN_ALGORITHMS`), so `none` and HS* never verify.
 * Verified tokens are remembered for `config.verifiedTokenSeconds` (see {@link rememberVerifiedTokens}).
 */
export function createTokenVerifier(
  config: AuthConfig,
  localPublicJwk: JWK | undefined,
  options: TokenVerifierOptions = {},
): TokenVerifier {
  const now = options.now ?? Date.now;
  const verify = createSignatureVerifier(config, localPublicJwk, now);
  if (config.verifiedTokenSeconds === 0) {
    return Object.assign(async (token: string) => (await verify(token)).principal, {
      remembers: () => false,
    });
  }
  return rememberVerifiedTokens(verify, { ttlMs: config.verifiedTokenSeconds * 1000, now });
}

/**
 * A client sends the same token with every request until it expires, and checking its signature
 * costs more than half a millisecond of each request (the check runs on the thread pool). So a
 * verified token is taken as verified for `ttlMs`, never past its own expiry: this adds at most
 * `ttlMs` to the time a key withdrawn by the identity provider is still honoured. Tokens that fail
 * are never remembered.
 */
export function rememberVerifiedTokens(
  verify: SignatureVerifier,
  options: { ttlMs: number; now: () => number },
): TokenVerifier {
  const { ttlMs, now } = options;
  const verified = new Map<string, VerifiedToken>();
  const forgetting = new ForgettingTimer((at) => forgetExpired(verified, at), now);
  const remembers = (token: string) => {
    const remembered = verified.get(token);
    return remembered !== undefined && now() < remembered.validUntil;
  };
  const verifyRemembering = async (token: string) => {
    forgetExpired(verified, now());
    const remembered = verified.get(token);
    if (remembered !== undefined) {
      verified.delete(token);
      if (now() < remembered.validUntil) {
        // Moved to the end: the map's first entry is always the least recently used.
        verified.set(token, remembered);
        forgetting.sweepBy(remembered.validUntil);
        return copyPrincipal(remembered.principal);
      }
    }
    const { principal, expiresAt } = await verify(token);
    const validUntil = Math.min(expiresAt, now() + ttlMs);
    verified.set(token, { principal, validUntil });
    forgetting.sweepBy(validUntil);
    if (verified.size > VERIFIED_TOKEN_CACHE_SIZE) {
      const oldest = verified.keys().next().value;
      if (oldest !== undefined) verified.delete(oldest);
    }
    return copyPrincipal(principal);
  };
  return Object.assign(verifyRemembering, { remembers });
}

/**
 * Drops the tokens no longer taken as verified, from the least recently used: each was verified at
 * its last use at the latest, so it is valid `ttlMs` after that use at most, and every token used
 * before it is past its time too once it is. A token, and the person it names, is thus dropped
 * `ttlMs` after its last use at the latest, at the next check or by the timer in a quiet process,
 * not once enough other tokens have pushed it out. Answers when the first token left is due.
 */
function forgetExpired(verified: Map<string, VerifiedToken>, now: number): number | undefined {
  for (const [token, { validUntil }] of verified) {
    if (now < validUntil) return validUntil;
    verified.delete(token);
  }
  return undefined;
}

function copyPrincipal(principal: Principal): Principal {
  return { subject: principal.subject, roles: [...principal.roles] };
}

function createSignatureVerifier(
  config: AuthConfig,
  localPublicJwk: JWK | undefined,
  now: () => number,
): SignatureVerifier {
  const keySet = resolveKeySet(config, localPublicJwk);
  return async (token) => {
    try {
      const { payload } = await jwtVerify(token, keySet, {
        issuer: config.issuer,
        audience: config.audience,
        algorithms: config.algorithms,
        clockTolerance: config.clockToleranceSeconds,
        requiredClaims: ['sub', 'exp'],
        currentDate: new Date(now()),
      });
      const roles = payload.roles;
      if (!Array.isArray(roles) || roles.length === 0 || !roles.every(isRole)) {
        throw new AuthenticationError('the token has no valid "roles" claim');
      }
      if (typeof payload.sub !== 'string' || payload.sub === '') {
        throw new AuthenticationError('the token has no subject');
      }
      // The subject is an id stored and compared as text (PostgreSQL refuses NUL in text), and
      // pseudonymised: half of a surrogate pair is stored and hashed as U+FFFD, two people as one.
      // It is shown as the author of what the caller does (the settings' last change, a model's
      // registration): white space at its ends is not seen there, so "c-001 " would read as "c-001",
      // and a subject of spaces only as nobody.
      if (
        payload.sub.length > MAX_SUBJECT_LENGTH ||
        payload.sub.trim() !== payload.sub ||
        holdsInvisibleCharacter(payload.sub) ||
        holdsUnstorableCharacter(payload.sub)
      ) {
        throw new AuthenticationError(
          `the token's subject is not a usable id: at most ${MAX_SUBJECT_LENGTH} characters, no white space at its start or end, none of them control or formatting characters or half of a surrogate pair`,
        );
      }
      // The models keep who registered and activated them by id alone: an admin under one of the
      // application's own ids would read there as the application.
      if (roles.includes('admin') && isApplicationActorId(payload.sub)) {
        throw new AuthenticationError(
          `the token's subject ${payload.sub} is an id the application acts under itself, which an admin token may not carry`,
        );
      }
      // `exp` is required above; jose accepts the token while now < exp + tolerance.
      const expiresAt = ((payload.exp ?? 0) + config.clockToleranceSeconds) * 1000;
      return { principal: { subject: payload.sub, roles }, expiresAt };
    } catch (error) {
      if (error instanceof AuthenticationError || error instanceof IdentityProviderUnavailableError)
        throw error;
      throw new AuthenticationError(describeJoseError(error, config.jwksUrl === undefined));
    }
  };
}

function resolveKeySet(config: AuthConfig, localPublicJwk: JWK | undefined): JWTVerifyGetKey {
  if (config.jwksUrl !== undefined) {
    // jose keeps a key set 10 minutes by default: a withdrawn key would be honoured that long.
    const remote = createRemoteJWKSet(new URL(config.jwksUrl), {
      cacheMaxAge: config.jwksCacheSeconds * 1000,
    });
    return tellUnreachableKeySet(remote);
  }
  if (localPublicJwk === undefined) throw new Error('no JWKS URL configured and no local key available');
  return createLocalJWKSet({ keys: [localPublicJwk] });
}

/**
 * The remote key set's own failures (the fetch failed, timed out, or did not give a key set) are
 * the identity provider's, not the token's: they throw `IdentityProviderUnavailableError` instead
 * of refusing the token. A token naming a key the set does not hold is still refused.
 */
function tellUnreachableKeySet(getKey: JWTVerifyGetKey): JWTVerifyGetKey {
  return async (header, token) => {
    try {
      return await getKey(header, token);
    } catch (error) {
      if (
        error instanceof joseErrors.JWKSNoMatchingKey ||
        error instanceof joseErrors.JWKSMultipleMatchingKeys ||
        error instanceof joseErrors.JOSENotSupported
      ) {
        throw error;
      }
      throw new IdentityProviderUnavailableError(error);
    }
  };
}

/** What was wrong with a token; `localKeys`: the API signs its own tokens (no identity provider). */
function describeJoseError(error: unknown, localKeys: boolean): string {
  if (error instanceof joseErrors.JWTExpired) return 'the token has expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed)
    return `the token's "${error.claim}" claim is not accepted`;
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return "the token's signing algorithm is not allowed";
  if (error instanceof joseErrors.JWKSNoMatchingKey) {
    // Most often a token minted with `npm run token` for another data folder than the API's.
    return localKeys
      ? "the token was signed with an unknown key: mint it with `npm run token` and the API's own DATA_DIR"
      : 'the token was signed with an unknown key';
  }
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return "the token's signature is invalid";
  return 'the token is malformed or not trusted';
}
