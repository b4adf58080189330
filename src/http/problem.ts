import type { ErrorRequestHandler, Request, Response } from 'express';
import { IdentityProviderUnavailableError } from '../auth/principal.ts';
import {
  ConflictError,
  type DomainError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  PayloadTooLargeError,
  PROBLEM_TYPE_BASE,
  PreconditionFailedError,
  PreconditionRequiredError,
  problemType,
  ServiceUnavailableError,
  type StorageUnavailable,
} from '../shared/errors.ts';
import { fromPointerToken, resolve } from './contract-parameters.ts';
import { allowedMethodsWithHead } from './head-as-get.ts';
import { findMatchedOperation, operationIdOf } from './operation-id.ts';
import {
  describePortalBodyRefusal,
  describePortalValidation,
  isPortalOperation,
} from './portal-validation-refusal.ts';
import { problemInstanceOf } from './request-id.ts';
import {
  createFindBodyFields,
  createFindMissingField,
  createFindParameterForm,
  createFindRequiredBodyField,
} from './required-fields.ts';
import { findIdentityProviderOutage } from './security.ts';
import {
  describeFieldError,
  describeNullableAlternatives,
  describeRepeatedQueryParameters,
  describeShortTexts,
  describeUndecodable,
} from './validation-messages.ts';

export interface FieldError {
  path: string;
  message: string;
}

/** A member name as a JSON Pointer token (RFC 6901), with a NUL shown so the path stays readable. */
export function toPointerToken(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1').replaceAll('\u0000', '\\u0000');
}

/**
 * A request that passed the contract but is still malformed (an opaque cursor we did not give
 * out, say); answered like a validation error, 400 with `errors`.
 */
export class RequestValidationError extends Error {
  constructor(readonly errors: FieldError[]) {
    super(errors.map((e) => `${e.path.replace(/^\//, '')} ${e.message}`).join('; '));
  }
}

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

/**
 * Writes an RFC 9457 problem document, its `instance` naming the request (the `X-Request-Id` the log's
 * lines carry), so that what a caller reports leads to the lines about it.
 */
export function sendProblem(res: Response, problem: ProblemDocument): void {
  const instance = problemInstanceOf(res.req);
  res
    .status(problem.status)
    .type('application/problem+json')
    .json(instance === undefined ? problem : { ...problem, instance });
}

export function problem(
  status: number,
  slug: string,
  title: string,
  detail: string,
  extensions: Record<string, unknown> = {},
): ProblemDocument {
  // Extensions add members; they never replace the standard ones (a `type` may only refine the slug).
  const { type, title: _title, status: _status, detail: _detail, ...members } = extensions;
  return {
    ...members,
    type: typeof type === 'string' ? type : PROBLEM_TYPE_BASE + slug,
    title,
    status,
    detail,
  };
}

const DOMAIN_STATUS: ReadonlyArray<readonly [new (...args: never[]) => DomainError, number, string, string]> =
  [
    [NotFoundError, 404, 'not-found', 'Not found'],
    [ConflictError, 409, 'conflict', 'Conflict with the current state'],
    [ForbiddenError, 403, 'forbidden', 'Not allowed'],
    [InvalidInputError, 422, 'invalid-input', 'The request breaks a rule'],
    [PreconditionFailedError, 412, 'precondition-failed', 'The object has changed since you read it'],
    [PreconditionRequiredError, 428, 'precondition-required', 'If-Match is required'],
    [PayloadTooLargeError, 413, 'payload-too-large', 'The body is too large'],
    [ServiceUnavailableError, 503, 'unavailable', 'Temporarily unavailable'],
  ];

const STORAGE_DETAIL: Record<StorageUnavailable['reason'], string> = {
  busy: 'the database is busy with other work; what this request had begun was undone: retry in a moment',
  full: 'the database has no space left to write; what this request had begun was undone: retry later',
  unreachable: 'the database cannot be reached; what this request had begun was undone: retry later',
};

/**
 * The connection cut while the commit was on its way: the server may have committed or not, and
 * saying the request was undone could make a caller do it twice by other means.
 */
const COMMIT_CUT_DETAIL =
  'the connection to the database was cut while the change was being committed: it may have been kept or not. ' +
  'Read the resource again to see; a creation sent again with the same Idempotency-Key answers as first made if it ' +
  'was kept, and a change sent again with the same If-Match is refused (412) if it was (a second review: 409 ' +
  'second-review-over, saying it was yours)';

/** HTTP errors raised by express-openapi-validator and body-parser: they carry a status. */
interface HttpLikeError {
  status?: number;
  statusCode?: number;
  type?: string;
  message?: string;
  errors?: Array<{ path?: string; message?: string }>;
  headers?: Record<string, string>;
  /** body-parser: the raw body it could not take. */
  body?: string;
  /** The body's charset, for a body whose bytes are not text in it (`encoding.invalid`). */
  charset?: string;
  /** body-parser: the size limit, in bytes, a body too large went past. */
  limit?: number;
  /** zlib: why a compressed body could not be decompressed (`Z_DATA_ERROR`). */
  code?: string;
}

/** What the error handler reads in the contract to say what a refused request should have sent. */
interface ContractReaders {
  document: Record<string, unknown>;
  findMissingField: ReturnType<typeof createFindMissingField>;
  findBodyFields: ReturnType<typeof createFindBodyFields>;
  findParameterForm: ReturnType<typeof createFindParameterForm>;
  findRequiredBodyField: ReturnType<typeof createFindRequiredBodyField>;
}

/**
 * What makes an error a database that cannot take the request now (busy, full, unreachable) rather
 * than a bug; the database layer knows its drivers' codes, the composition root hands it over.
 */
export type FindStorageUnavailable = (error: unknown) => StorageUnavailable | undefined;

/**
 * A database that cannot take the request now (busy, full, unreachable) answers as any service
 * unavailable for a while. Not a bug, but the operators must know (a full disk, a lock held too long).
 */
function storageOutage(
  error: unknown,
  findStorageUnavailable: FindStorageUnavailable,
  req: Request,
): ServiceUnavailableError | undefined {
  const unavailable = findStorageUnavailable(error);
  if (unavailable === undefined) return undefined;
  req.log.error(
    {
      err: error,
      operation: operationIdOf(req),
      storage: unavailable.reason,
      ...(unavailable.outcomeUnknown === true ? { outcome: 'unknown' } : {}),
    },
    'database unavailable',
  );
  if (unavailable.outcomeUnknown === true) {
    return new ServiceUnavailableError(
      COMMIT_CUT_DETAIL,
      { ...problemType('outcome-unknown'), retryAfterSeconds: unavailable.retryAfterSeconds },
      unavailable.retryAfterSeconds,
    );
  }
  return new ServiceUnavailableError(
    STORAGE_DETAIL[unavailable.reason],
    { retryAfterSeconds: unavailable.retryAfterSeconds },
    unavailable.retryAfterSeconds,
  );
}

/**
 * The one place where errors become HTTP answers. Nothing internal (stack, SQL) leaves the process.
 * Errors are logged with the request's logger (pino-http's `req.log`), so that each line carries the
 * request's id, which the answer gives in `X-Request-Id` and its problem document's `instance`.
 */
export function createErrorHandler(
  findStorageUnavailable: FindStorageUnavailable,
  document: Record<string, unknown>,
): ErrorRequestHandler {
  const contract: ContractReaders = {
    document,
    findMissingField: createFindMissingField(document),
    findBodyFields: createFindBodyFields(document),
    findParameterForm: createFindParameterForm(document),
    findRequiredBodyField: createFindRequiredBodyField(document),
  };
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    if (error instanceof RequestValidationError) {
      const { title, detail } = isPortalOperation(req)
        ? describePortalValidation(error.errors)
        : { title: 'The request is invalid', detail: error.message };
      sendProblem(res, problem(400, 'validation', title, detail, { errors: error.errors }));
      return;
    }
    const failure =
      findIdentityProviderOutage(req) ?? storageOutage(error, findStorageUnavailable, req) ?? error;
    if (failure instanceof IdentityProviderUnavailableError) {
      // Every request fails the same way until it comes back: the operators must know.
      req.log.error({ err: failure.cause, operation: operationIdOf(req) }, 'identity provider unreachable');
    }
    for (const [kind, status, slug, title] of DOMAIN_STATUS) {
      if (failure instanceof kind) {
        if (failure instanceof ServiceUnavailableError && failure.retryAfterSeconds !== undefined) {
          res.setHeader('Retry-After', String(failure.retryAfterSeconds));
        }
        sendProblem(res, problem(status, slug, failure.title ?? title, failure.message, failure.details));
        return;
      }
    }
    const http = (typeof error === 'object' && error !== null ? error : {}) as HttpLikeError;
    const status = httpStatusOf(error) ?? 500;
    if (status >= 500) {
      req.log.error({ err: error, operation: operationIdOf(req) }, 'unhandled error');
      sendProblem(
        res,
        problem(500, 'internal', 'Internal error', 'an unexpected error occurred; it has been logged'),
      );
      return;
    }
    sendProblem(res, mapHttpError(http, status, req, res, contract));
  };
}

/** The status an HTTP error of the validator or body-parser carries; undefined for any other error. */
export function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, statusCode } = error as HttpLikeError;
  const found: unknown = status ?? statusCode;
  return typeof found === 'number' ? found : undefined;
}

/** A path the contract does not have: named, with where a client finds the operations there are. */
export function unknownPathProblem(path: string): ProblemDocument {
  return problem(
    404,
    'not-found',
    'Not found',
    `the API has no operation at ${path}: its operations are listed at /docs and in /openapi.json`,
  );
}

/**
 * The validator's errors a refusal lists at most: the first ones tell the caller what to put right,
 * and describing each of thousands (a list of wrong items) took the thread serving every request
 * for as long and answered megabytes.
 */
const MAX_REPORTED_FIELD_ERRORS = 100;

function mapHttpError(
  http: HttpLikeError,
  status: number,
  req: Request,
  res: Response,
  contract: ContractReaders,
): ProblemDocument {
  const firstMessage = http.errors?.[0]?.message ?? http.message ?? '';
  switch (status) {
    case 400: {
      const unreadable = describeUnreadableBody(http, req);
      if (unreadable !== undefined) {
        if (isPortalOperation(req)) {
          const { title, detail } = describePortalBodyRefusal('unreadable');
          return problem(400, 'malformed-body', title, detail);
        }
        return problem(400, 'malformed-body', unreadable.title, unreadable.detail);
      }
      if (firstMessage === "malformed uri'") {
        const detail = describeMalformedPath(req.path);
        return problem(400, 'validation', 'The request is invalid', detail, {
          errors: [{ path: req.path, message: detail }],
        });
      }
      const operationId = operationIdOf(req);
      const query = new URLSearchParams(req.originalUrl.split('?')[1] ?? '');
      const found = http.errors ?? [];
      const described = describeRepeatedQueryParameters(
        describeShortTexts(
          describeNullableAlternatives(
            found
              .slice(0, MAX_REPORTED_FIELD_ERRORS)
              .map((e) => ({ path: e.path ?? '', message: e.message ?? 'is invalid' })),
          ),
        ).map(({ path, message }) => {
          const name = /^\/query\/([^/]+)$/.exec(path)?.[1];
          return describeFieldError(path, message, contract.findMissingField(operationId, path, message), {
            fields: contract.findBodyFields(operationId, path),
            form: contract.findParameterForm(operationId, path),
            sent: name === undefined ? [] : query.getAll(name),
            sentNull: path.startsWith('/body/') && readBodyValue(req.body, path) === null,
            sentInfinite: path.startsWith('/body/') && isInfinite(readBodyValue(req.body, path)),
            required: contract.findRequiredBodyField(operationId, path),
            sentText: readSentText(req, path, query),
          });
        }),
        req.originalUrl,
      );
      const errors: FieldError[] = described.map(({ path, message }) => ({ path, message }));
      if (isPortalOperation(req)) {
        const { title, detail } = describePortalValidation(errors);
        return problem(400, 'validation', title, detail, { errors });
      }
      const more = found.length - MAX_REPORTED_FIELD_ERRORS;
      const detail = [
        ...described.map((e) => e.said ?? `${e.path.replace(/^\//, '')} ${e.message}`),
        ...(more > 0 ? [`and ${more} more invalid ${more === 1 ? 'field' : 'fields'} not listed`] : []),
      ].join('; ');
      return problem(400, 'validation', 'The request is invalid', detail || firstMessage, { errors });
    }
    case 401: {
      const description = firstMessage.replace(/"/g, "'");
      const missing = /required/i.test(description);
      res.setHeader(
        'WWW-Authenticate',
        missing
          ? 'Bearer realm="aiguillage"'
          : `Bearer realm="aiguillage", error="invalid_token", error_description="${description}"`,
      );
      return problem(
        401,
        'unauthorized',
        'Authentication required',
        description || 'a valid bearer token is required',
      );
    }
    case 403:
      return problem(403, 'forbidden', 'Not allowed', firstMessage);
    case 404:
      return unknownPathProblem(req.path);
    case 405: {
      const allow = http.headers?.Allow ?? http.headers?.allow;
      const methods = allow === undefined ? [] : allowedMethodsWithHead(allow);
      if (methods.length === 0) return problem(405, 'method-not-allowed', 'Method not allowed', firstMessage);
      res.setHeader('Allow', methods.join(', '));
      // The method as sent: the validator was handed a HEAD as GET, and its message says GET.
      return problem(
        405,
        'method-not-allowed',
        'Method not allowed',
        `${req.method} is not allowed on this path; use ${listInWords(methods)}`,
        { allow: methods },
      );
    }
    case 413:
      if (isPortalOperation(req)) {
        const { title, detail } = describePortalBodyRefusal('too-large', http.limit);
        return problem(413, 'payload-too-large', title, detail);
      }
      return problem(
        413,
        'payload-too-large',
        'The body is too large',
        http.limit === undefined
          ? 'the request body exceeds the size limit'
          : `the request body exceeds the size limit of ${describeBytes(http.limit)}: send a smaller body`,
      );
    case 415:
      return problem(
        415,
        'unsupported-media-type',
        'Unsupported media type',
        (res.req.headers['content-type'] ?? '').trim() === ''
          ? describeMissingMediaType(bodyMediaTypesOf(contract.document, req))
          : describeUnsupportedMediaType(firstMessage, bodyMediaTypesOf(contract.document, req)),
      );
    default:
      return problem(status, 'http-error', 'The request was refused', firstMessage);
  }
}

/**
 * A body that could not be read as the operation's JSON object, in words: not JSON, JSON that is no
 * object (`null`, `"x"`, an array), or not decompressed as its Content-Encoding names.
 */
function describeUnreadableBody(
  http: HttpLikeError,
  req: Request,
): { title: string; detail: string } | undefined {
  const notAnObject = {
    title: 'The body is not a JSON object',
    detail: 'the request body must be a JSON object',
  };
  if (http.type === 'encoding.invalid') {
    const charset = (http.charset ?? 'utf-8').toUpperCase();
    return {
      title: `The body is not valid ${charset}`,
      detail: `the request body holds bytes that are no text in ${charset}, its charset (Latin-1 sent as UTF-8, say): send it encoded in ${charset}, as its Content-Type says (UTF-8 and UTF-16 are read)`,
    };
  }
  if (http.type === 'entity.parse.failed') {
    // body-parser takes only an object or an array: `null`, `3` or `"x"` are JSON, but not a body.
    return isJsonScalar(http.body)
      ? notAnObject
      : {
          title: 'The body is not valid JSON',
          detail: `the request body is not valid JSON${describeJsonBreak(http.body)}: send one JSON object, its names and texts in double quotes, no comma after the last member`,
        };
  }
  // An array passes the reader, and the validator said "must be object" once for each schema it tried.
  if (
    Array.isArray(req.body) &&
    http.errors?.some((e) => e.path === '/body' && e.message === 'must be object')
  ) {
    return notAnObject;
  }
  const encoding = req.headers['content-encoding'];
  if (
    http.type === undefined &&
    http.code !== undefined &&
    encoding !== undefined &&
    http.errors === undefined
  ) {
    return {
      title: 'The body could not be decompressed',
      detail: `the request body could not be decompressed as ${encoding}, the Content-Encoding it names: send it compressed so, or uncompressed without Content-Encoding`,
    };
  }
  return undefined;
}

/** A path the validator could not decode, said as what is wrong in it (it said "malformed uri'"). */
function describeMalformedPath(path: string): string {
  return `the path ${path} ${describeUndecodable(path)}`;
}

/** A body sent without Content-Type, with the media types the operation takes (the import's are not JSON). */
function describeMissingMediaType(takes: readonly string[]): string {
  const named = takes.length === 0 ? 'application/json, for a JSON body' : listInWords(takes);
  return `the request has no Content-Type: send its body with the media type the operation takes (${named})`;
}

/** The validator's "unsupported media type x", with the media types the operation takes. */
function describeUnsupportedMediaType(message: string, takes: readonly string[]): string {
  const sent = /^unsupported media type (.+)$/.exec(message)?.[1];
  if (sent === undefined || takes.length === 0) return message;
  return `the operation takes a body in ${listInWords(takes)}, not ${sent}: send it with that Content-Type`;
}

/** The media types of the request body the matched operation takes, as the contract lists them. */
function bodyMediaTypesOf(document: Record<string, unknown>, req: Request): string[] {
  const body = findMatchedOperation(req)?.requestBody;
  const content = resolve(document, body).content;
  return typeof content === 'object' && content !== null ? Object.keys(content) : [];
}

/** A size in bytes as a reader would say it: `100 KB (102400 bytes)`. */
function describeBytes(bytes: number): string {
  const [unit, size] =
    bytes >= 1024 * 1024 ? ['MB', 1024 * 1024] : bytes >= 1024 ? ['KB', 1024] : ['bytes', 1];
  const shown = `${Number((bytes / size).toFixed(1))} ${unit}`;
  return size === 1 ? shown : `${shown} (${bytes} bytes)`;
}

/** `A`, `A or B`, `A, B or C`. */
function listInWords(words: readonly string[]): string {
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

function isJsonScalar(body: string | undefined): boolean {
  if (body === undefined) return false;
  try {
    const value: unknown = JSON.parse(body);
    return typeof value !== 'object' || value === null;
  } catch {
    return false;
  }
}

/**
 * Where a body stops being JSON, as the parser says it (`, where it breaks at line 1, column 12`),
 * so that the caller's developer finds the mistake; nothing when the parser names no place, and
 * never the body's text, which may hold personal data.
 */
function describeJsonBreak(body: string | undefined): string {
  if (body === undefined) return '';
  try {
    JSON.parse(body);
    return '';
  } catch (error) {
    const message = error instanceof Error ? error.message : '';
    if (/unexpected end of json input/i.test(message))
      return ', where it ends before its last value is complete';
    const position = /at position (\d+)/.exec(message)?.[1];
    if (position === undefined) return '';
    const before = body.slice(0, Number(position)).split('\n');
    return `, where it breaks at line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
  }
}

/** A number JSON reads as infinite: one written with more digits or a larger exponent than a double holds. */
function isInfinite(value: unknown): boolean {
  return value === Number.POSITIVE_INFINITY || value === Number.NEGATIVE_INFINITY;
}

/** The value of the request body at a validator's path (`/body/location/lat`), or undefined. */
/** The value at `path` when it was sent as text: a body field, or a query parameter given once. */
function readSentText(req: Request, path: string, query: URLSearchParams): string | undefined {
  const header = /^\/headers\/([^/]+)$/.exec(path)?.[1];
  if (header !== undefined) return req.get(header);
  const name = /^\/query\/([^/]+)$/.exec(path)?.[1];
  const values = name === undefined ? [] : query.getAll(name);
  const value = path.startsWith('/body/')
    ? readBodyValue(req.body, path)
    : values.length === 1
      ? values[0]
      : undefined;
  return typeof value === 'string' ? value : undefined;
}

function readBodyValue(body: unknown, path: string): unknown {
  let value = body;
  for (const token of path.slice('/body/'.length).split('/').map(fromPointerToken)) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[token];
  }
  return value;
}
