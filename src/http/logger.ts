import pino, { type DestinationStream, type Logger } from 'pino';
import { findServedRequestId } from './request-id.ts';

/**
 * JSON logs. Tokens and anything personal are redacted; request lines carry the route template,
 * not the URL, so that ids of job seekers never reach the logs. A line written while a request is
 * served carries its id as `reqId` (the `X-Request-Id` it is answered with), whatever wrote it; lines
 * of the start or of a daily job carry none. `destination`: where the lines go (standard output
 * when absent).
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'headers.authorization',
        'authorization',
        'token',
        '*.token',
        'body',
        '*.body',
      ],
      censor: '[redacted]',
    },
    serializers: { err: serializeError },
    mixin: () => {
      const reqId = findServedRequestId();
      return reqId === undefined ? {} : { reqId };
    },
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}

/** What a logged error keeps. */
interface LoggedError {
  type: string;
  message: string;
  code?: string;
  stack?: string;
  cause?: LoggedError;
}

/**
 * An error's kind, message, code and stack, and its cause's, and nothing else: a database driver
 * hangs the row it refused on its errors (PostgreSQL's `detail`: "Key (id)=(js-1) already exists"),
 * which pino's own serializer would log with the rest of the error's properties. A value PostgreSQL
 * quotes in its message is left out too.
 */
export function serializeError(error: unknown, depth = 0): LoggedError {
  if (!(error instanceof Error)) return { type: typeof error, message: String(error) };
  const code = (error as { code?: unknown }).code;
  const scrub = isPostgresError(error) ? scrubQuotedValues : (text: string) => text;
  return {
    type: error.constructor.name,
    message: scrub(error.message),
    ...(typeof code === 'string' ? { code } : {}),
    ...(error.stack === undefined ? {} : { stack: scrub(error.stack) }),
    ...(error.cause === undefined || depth >= 3 ? {} : { cause: serializeError(error.cause, depth + 1) }),
  };
}

/** PostgreSQL's errors carry a severity; their messages may quote the value refused. */
function isPostgresError(error: Error): boolean {
  return typeof (error as { severity?: unknown }).severity === 'string';
}

/**
 * The values PostgreSQL quotes in its messages: after a colon at the end of a line (`invalid input
 * syntax for type integer: "…"`, `invalid input value for enum …: "…"`; a quote inside the value is not
 * doubled, so the match runs to the line's last one) and in `value "…" is out of range`. Names it quotes
 * otherwise (a constraint, a relation) are kept, as they say where the failure was.
 */
const QUOTED_VALUES: ReadonlyArray<[RegExp, string]> = [
  [/: ".*"$/gm, ': "…"'],
  [/value ".*" is out of range/g, 'value "…" is out of range'],
];

function scrubQuotedValues(text: string): string {
  return QUOTED_VALUES.reduce(
    (scrubbed, [pattern, replacement]) => scrubbed.replace(pattern, replacement),
    text,
  );
}
