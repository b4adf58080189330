/**
 * Domain errors. Services throw them without any notion of HTTP; the error handler in
 * `src/http/problem.ts` maps each kind to a status and a problem+json body.
 */
export class DomainError extends Error {
  /** Extra members for the problem document (RFC 9457 extensions). */
  readonly details: Record<string, unknown>;
  /**
   * The problem's title when the rule refusing names its own: a refusal told to a job seeker, in French
   * as the rest of their portal, the detail (`message`) saying what they can do. Otherwise the title of
   * the error's kind.
   */
  readonly title: string | undefined;

  constructor(message: string, details: Record<string, unknown> = {}, title?: string) {
    super(message);
    this.name = new.target.name;
    this.details = details;
    this.title = title;
  }
}

/** Where the problem types are documented: each type is this base and a slug. */
export const PROBLEM_TYPE_BASE = 'https://aiguillage.example/problems/';

/**
 * A problem type of its own for an error a client must tell apart from the others of its status
 * (an expired set from a set with pending items, both 409): spread into the error's details.
 */
export function problemType(slug: string): { type: string } {
  return { type: PROBLEM_TYPE_BASE + slug };
}

/** The object does not exist, or the caller may not know that it exists. */
export class NotFoundError extends DomainError {}

/** The request clashes with the current state (e.g. publishing a set with pending items). */
export class ConflictError extends DomainError {}

/** The caller is known but not allowed to do this. */
export class ForbiddenError extends DomainError {}

/** The input is well-formed but breaks a domain rule. */
export class InvalidInputError extends DomainError {}

/** The caller's copy of the object is stale (ETag mismatch). */
export class PreconditionFailedError extends DomainError {}

/** A precondition header is needed (If-Match). */
export class PreconditionRequiredError extends DomainError {}

/** The payload is larger than allowed. */
export class PayloadTooLargeError extends DomainError {}

/** A dependency the operation needs is not available now (no active model, say). */
export class ServiceUnavailableError extends DomainError {
  /** When trying again may help, if that is known (the answer's Retry-After). */
  readonly retryAfterSeconds: number | undefined;

  constructor(message: string, details: Record<string, unknown> = {}, retryAfterSeconds?: number) {
    super(message, details);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** A database that cannot take a request now, and when trying again may help. */
export interface StorageUnavailable {
  reason: 'busy' | 'full' | 'unreachable';
  retryAfterSeconds: number;
  /**
   * The connection was cut while the transaction's COMMIT was on its way: the server may have
   * committed it, or not. Absent when what the request had begun is known to be undone.
   */
  outcomeUnknown?: true;
}
