import type { StorageUnavailable } from '../shared/errors.ts';

const RETRY_AFTER_SECONDS: Record<StorageUnavailable['reason'], number> = {
  busy: 2,
  full: 60,
  unreachable: 10,
};

/** PostgreSQL SQLSTATEs, by what they say of the server. */
const POSTGRES_STATES: Record<string, StorageUnavailable['reason']> = {
  '40P01': 'busy', // deadlock detected (the other transaction went on)
  '55P03': 'busy', // lock not available
  '53100': 'full', // disk full
  '53300': 'unreachable', // too many connections
  '57P01': 'unreachable', // administrator shutdown
  '57P02': 'unreachable', // crash shutdown
  '57P03': 'unreachable', // cannot connect now (starting up)
  '08000': 'unreachable',
  '08001': 'unreachable',
  '08003': 'unreachable',
  '08006': 'unreachable',
};

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND']);

/**
 * pg's errors, with no code, for a connection the server side closed while a query was running (the
 * server crashed or failed over, the network dropped), and for the ROLLBACK knex then sends on it,
 * which is the error a transaction rejects with; knex puts the statement before each.
 */
const CONNECTION_CUT =
  /(?:Connection terminated unexpectedly|Client has encountered a connection error and is not queryable)$/;

/**
 * What makes `error` (or the error it wraps) a database unavailable for now: busy (another process
 * holds the write lock, the pool is exhausted), full (no space left to write), unreachable (down,
 * restarting, refusing connections); undefined otherwise. A request failing for one of these is not
 * a bug: it may succeed when retried.
 */
export function findStorageUnavailable(error: unknown): StorageUnavailable | undefined {
  for (let current = error, depth = 0; depth < 3; depth += 1) {
    if (typeof current !== 'object' || current === null) return undefined;
    const reason = classify(current as { code?: unknown; name?: unknown });
    if (reason !== undefined) {
      const found: StorageUnavailable = { reason, retryAfterSeconds: RETRY_AFTER_SECONDS[reason] };
      return reason === 'unreachable' && failedOnCommit(current) ? { ...found, outcomeUnknown: true } : found;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Whether the statement that failed was the transaction's COMMIT (knex puts it before the driver's
 * message) and was sent: a connection cut then leaves unknown whether the server committed before it
 * went. A client that lost its connection before (a backend ended while the transaction sat idle)
 * refuses the COMMIT itself ("not queryable"): the server never got it and rolled the work back.
 */
function failedOnCommit(error: { message?: unknown }): boolean {
  return (
    typeof error.message === 'string' &&
    /^COMMIT\b/i.test(error.message) &&
    !/is not queryable$/.test(error.message)
  );
}

function classify(error: {
  code?: unknown;
  name?: unknown;
  message?: unknown;
}): StorageUnavailable['reason'] | undefined {
  // knex could not get a connection from its pool in time.
  if (error.name === 'KnexTimeoutError') return 'busy';
  const code = typeof error.code === 'string' ? error.code : '';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'busy';
  if (code === 'SQLITE_FULL') return 'full';
  if (NETWORK_CODES.has(code)) return 'unreachable';
  if (code === '' && typeof error.message === 'string' && CONNECTION_CUT.test(error.message))
    return 'unreachable';
  return POSTGRES_STATES[code];
}
