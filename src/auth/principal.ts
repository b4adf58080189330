import { ServiceUnavailableError } from '../shared/errors.ts';

export const ROLES = ['counselor', 'job_seeker', 'auditor', 'admin', 'integration'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling: the token's subject and the roles it grants. */
export interface Principal {
  /** The counselor's, job seeker's or service's id (`sub`). */
  subject: string;
  roles: Role[];
}

/**
 * The role the caller acts in where an operation admits several: the first of `roles` they hold.
 * The security handler has let in only callers holding one of them.
 */
export function findActingRole<R extends Role>(principal: Principal, roles: readonly R[]): R {
  const role = roles.find((candidate) => principal.roles.includes(candidate));
  if (role === undefined) throw new Error(`the caller holds none of the roles ${roles.join(', ')}`);
  return role;
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** A token was missing, malformed, expired or not from a trusted issuer. */
export class AuthenticationError extends Error {}

/** Seconds a caller is told to wait when the identity provider's keys could not be fetched. */
const KEY_SET_RETRY_SECONDS = 30;

/**
 * The identity provider's signing keys could not be fetched (unreachable, slow, or answering
 * something other than a key set): no token can be checked, whoever sent it. Not the caller's fault.
 */
export class IdentityProviderUnavailableError extends ServiceUnavailableError {
  constructor(cause: unknown) {
    super(
      "the identity provider's signing keys cannot be fetched now, so no token can be checked: retry in a moment",
      { retryAfterSeconds: KEY_SET_RETRY_SECONDS },
      KEY_SET_RETRY_SECONDS,
    );
    this.cause = cause;
  }
}
