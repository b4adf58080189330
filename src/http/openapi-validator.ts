import type { Request, RequestHandler } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import type { TokenVerifier } from '../auth/token-verifier.ts';
import { answerUndecodableBody } from './hold-undecodable-body.ts';
import { refuseBracketQueryKeys } from './refuse-bracket-query-keys.ts';
import { refuseUndecodableQuery } from './refuse-undecodable-query.ts';
import { createBearerAuthHandler } from './security.ts';

/** What an app's validator checks beyond requests, which it always checks. */
export interface OpenApiValidatorOptions {
  /** Checks the document against OpenAPI's own schema first (off in production, for a quicker start). */
  validateApiSpec: boolean;
  validateResponses: boolean;
}

/** The token verifier of the app each request came to. */
const verifiers = new WeakMap<Request, TokenVerifier>();

function requireTokenVerifier(req: Request): TokenVerifier {
  const verifyToken = verifiers.get(req);
  if (verifyToken === undefined) throw new Error('no token verifier on a request the validator checks');
  return verifyToken;
}

/** The validators this process has built, by document and by options. */
const built = new WeakMap<object, Map<string, RequestHandler[]>>();

/**
 * express-openapi-validator for the document, its requests always checked and its responses as
 * asked. The validator compiles each operation's schemas at the operation's first call, a cost paid
 * once per validator: every app of the process built on the same document and options shares one
 * (the tests start many), each app checking tokens with its own verifier.
 */
export function createOpenApiValidator(
  document: Record<string, unknown>,
  options: OpenApiValidatorOptions,
  verifyToken: TokenVerifier,
): RequestHandler[] {
  const rememberTokenVerifier: RequestHandler = (req, _res, next) => {
    verifiers.set(req, verifyToken);
    next();
  };
  return [rememberTokenVerifier, ...findOrBuildValidator(document, options)];
}

function findOrBuildValidator(
  document: Record<string, unknown>,
  options: OpenApiValidatorOptions,
): RequestHandler[] {
  const byOptions = built.get(document) ?? new Map<string, RequestHandler[]>();
  built.set(document, byOptions);
  const key = `${options.validateApiSpec}:${options.validateResponses}`;
  const found = byOptions.get(key);
  if (found !== undefined) return found;
  const validator = OpenApiValidator.middleware({
    apiSpec: document as never,
    validateApiSpec: options.validateApiSpec,
    validateRequests: { allErrors: true },
    // Dates are checked for real (no 30 February), not only for their shape.
    ajvFormats: { mode: 'full' },
    validateResponses: options.validateResponses ? { allErrors: true } : false,
    validateSecurity: { handlers: { bearerAuth: createBearerAuthHandler(requireTokenVerifier) } },
    ignorePaths: /^\/(docs|openapi\.json)(\/|$)/,
  }) as RequestHandler[];
  const checked = checkAfterAuthentication(validator);
  byOptions.set(key, checked);
  return checked;
}

/**
 * The validator's handlers with {@link refuseBracketQueryKeys}, {@link refuseUndecodableQuery} and
 * {@link answerUndecodableBody} put just before its request checks (the part that breaks on bracketed query names, and that would call
 * an undecoded body missing): after it has matched the operation and checked the caller, so that a
 * request without a valid token is answered 401 (or 403) whatever its query or body.
 */
function checkAfterAuthentication(validator: RequestHandler[]): RequestHandler[] {
  const requestChecks = validator.findIndex((handler) => handler.name === 'requestMiddleware');
  const security = validator.findIndex((handler) => handler.name === 'securityMiddleware');
  if (security === -1 || requestChecks < security) {
    throw new Error('express-openapi-validator no longer checks the caller before the request');
  }
  return [
    ...validator.slice(0, requestChecks),
    refuseBracketQueryKeys,
    refuseUndecodableQuery,
    answerUndecodableBody,
    ...validator.slice(requestChecks),
  ];
}
