export const ROLES = ['counselor', 'job_seeker', 'auditor', 'admin', 'integration'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling: the token's subject and the roles it grants. */
export interface Principal {
  /** The counselor's, job seeker's or service's id (`sub`). */
  subject: string;
  roles: Role[];
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** A token was missing, malformed, expired or not from a trusted issuer. */
export class AuthenticationError extends Error {}
