import crypto from 'node:crypto';
import { InvalidInputError, problemType } from '../shared/errors.ts';
import type { IdempotencyRecord } from './idempotency-store.ts';

/** Which creation a request is, and its hash, as an Idempotency-Key keeps them. */
export interface IdempotentRequest {
  operation: string;
  /** SHA-256 of the operation, its target (the id in its path, if any) and its body. */
  requestHash: string;
}

/** The request as an Idempotency-Key remembers it: the same operation, target and body hash the same. */
export function describeIdempotentRequest(
  operation: string,
  target: string,
  body: unknown,
): IdempotentRequest {
  const requestHash = crypto
    .createHash('sha256')
    .update(JSON.stringify([operation, target, body]))
    .digest('hex');
  return { operation, requestHash };
}

/**
 * The first answer stored under the caller's key, when `request` is the one that made it;
 * undefined when the key is new. A key used for another request (another operation, target or
 * body) is refused with 422 `idempotency-key-reused`: answering it would give one request's answer
 * to another.
 */
export function matchFirstAnswer(
  stored: IdempotencyRecord | undefined,
  request: IdempotentRequest,
): IdempotencyRecord | undefined {
  if (stored === undefined) return undefined;
  if (stored.requestHash !== request.requestHash || stored.operation !== request.operation) {
    throw new InvalidInputError(
      'this Idempotency-Key was already used for a different request (another operation, target or body), and answers only a retry of that one: send this request with a new key',
      {
        ...problemType('idempotency-key-reused'),
        idempotencyKey: stored.key,
      },
    );
  }
  return stored;
}
