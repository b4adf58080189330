import type { NextFunction, Request, Response } from 'express';
import { findMatchedOperation, takesRequestBody } from './operation-id.ts';

/** The JSON reader's refusals of a body it cannot decode, by request, until the operation is known. */
const held = new WeakMap<Request, Error>();

/** body-parser's refusals (415) of a charset or Content-Encoding it does not read. */
const UNDECODABLE_TYPES: ReadonlySet<unknown> = new Set(['charset.unsupported', 'encoding.unsupported']);

/**
 * Keeps the JSON reader's refusal of a body it cannot decode (an unsupported charset or
 * Content-Encoding) instead of answering it at once, before any operation is matched or any caller
 * checked: an operation that takes no body never declares 415, and answers such a body as it answers
 * any other (a GET ignores it; a POST or DELETE refuses it, 400). Put right after the reader.
 */
export function holdUndecodableBody(error: unknown, req: Request, _res: Response, next: NextFunction): void {
  const type = typeof error === 'object' && error !== null ? (error as { type?: unknown }).type : undefined;
  if (!(error instanceof Error) || !UNDECODABLE_TYPES.has(type)) {
    next(error);
    return;
  }
  held.set(req, error);
  next();
}

/**
 * Answers the held refusal (415) where the matched operation takes a body: after the caller is
 * checked (401, 403 first), before the request's checks, which would call the body missing.
 */
export function answerUndecodableBody(req: Request, _res: Response, next: NextFunction): void {
  const error = held.get(req);
  const operation = findMatchedOperation(req);
  next(error !== undefined && operation !== undefined && takesRequestBody(operation) ? error : undefined);
}
