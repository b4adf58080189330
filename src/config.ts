import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { MAKE_MASTER_KEY, MAKE_SIGNING_KEY } from './decision-log/key-making-commands.ts';

/** Everything the process reads from its environment. `process.env` is read nowhere else. */
export interface Config {
  nodeEnv: 'production' | 'development' | 'test';
  port: number;
  /**
   * Seconds the process keeps serving after SIGTERM or SIGINT, `/readyz` answering 503, so that a
   * load balancer sees it fail and stops sending before the port closes (0: close at once).
   */
  shutdownDrainSeconds: number;
  /** Folder for the SQLite file and locally generated keys. */
  dataDir: string;
  /**
   * Free space (MB of 1,048,576 bytes) below which `/readyz` answers not ready on SQLite, whose
   * writes would fail on a full `dataDir` disk; 0 turns the check off. Not checked on PostgreSQL,
   * whose disk is the database server's.
   */
  minFreeDiskMb: number;
  /** PostgreSQL connection string; SQLite in `dataDir` when absent. */
  databaseUrl: string | undefined;
  /**
   * Most connections this process opens to PostgreSQL (2..100). Not used on SQLite, which runs on
   * one connection by design (one writer at a time).
   */
  databasePoolMax: number;
  /** Folder holding model folders (`<name>-<version>/`). */
  modelsDir: string;
  /**
   * The model folder registered and activated on start when no model is active, and registered only
   * (left for an admin to activate) when one is; null (an empty `SHIPPED_MODEL`) for none: the
   * deployment brings its own model through the registry.
   */
  shippedModel: string | null;
  /**
   * Whether a start on a database with no active model activates `shippedModel`, or only registers
   * it for an admin to activate (production: the shipped model was trained on synthetic data).
   */
  activateShippedModel: boolean;
  /**
   * Seconds after a failed load of the active model (or a failed registration of the shipped one)
   * before a request tries again; also the 503's `Retry-After`.
   */
  modelLoadRetrySeconds: number;
  /** Fill an empty database with the demo catalog and caseload on start. */
  seedDemo: boolean;
  /**
   * How job seekers reach the data protection officer (an address, a form's URL), told where they
   * are told how to ask about their data; unset, they are told to ask their agency for it.
   */
  privacyContact: string | undefined;
  auth: AuthConfig;
  http: HttpConfig;
  audit: AuditConfig;
  retention: RetentionConfig;
  logLevel: LogLevel;
}

/** pino's levels, and `silent`. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * The asymmetric JWS algorithms jose verifies. `none` and HS* (a secret shared with every
 * verifier, which could then mint tokens) are not among them, so no configuration accepts them.
 */
export const TOKEN_ALGORITHMS = [
  'ES256',
  'ES384',
  'ES512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'EdDSA',
] as const;
export type TokenAlgorithm = (typeof TOKEN_ALGORITHMS)[number];

export interface AuthConfig {
  issuer: string;
  audience: string;
  /**
   * Production: the identity provider's JWKS. Absent: a key pair generated in `dataDir`, which
   * production accepts only with `localKeysAllowed` (whoever reads that folder can mint tokens).
   */
  jwksUrl: string | undefined;
  /**
   * Seconds the JWKS is kept before it is fetched again: a key the identity provider withdraws is
   * honoured this long at most (plus `verifiedTokenSeconds`).
   */
  jwksCacheSeconds: number;
  /** `AUTH_LOCAL_KEYS=true`: production may verify tokens against the generated key pair. */
  localKeysAllowed: boolean;
  /** Never empty. */
  algorithms: TokenAlgorithm[];
  /** Skew allowed on `exp` and `nbf`; {@link MAX_CLOCK_TOLERANCE_SECONDS} at most. */
  clockToleranceSeconds: number;
  /**
   * Seconds a verified token is taken as verified without checking it again (0: every request);
   * {@link MAX_VERIFIED_TOKEN_SECONDS} at most.
   */
  verifiedTokenSeconds: number;
}

export interface HttpConfig {
  /** Origins allowed by CORS; empty means no cross-origin access. */
  corsOrigins: string[];
  /** Largest JSON body, as understood by express.json (e.g. `100kb`). */
  jsonBodyLimit: string;
  /** Largest catalog import body, in bytes. */
  importBodyLimitBytes: number;
  rateLimitPerMinute: number;
  /**
   * Requests per minute from one client address whose token is missing or does not verify (401);
   * past it, the address is answered 429 before any token is checked, until the window ends.
   */
  authFailuresPerMinute: number;
  /**
   * Express's `trust proxy`: which proxies in front may name the client in `X-Forwarded-For`. False:
   * none (the client is the connection's address); a number: that many hops; a list: the proxies'
   * addresses and CIDR ranges (and express's names `loopback`, `linklocal`, `uniquelocal`).
   */
  trustProxy: TrustProxy;
  /** Validate responses against the OpenAPI document (always in tests and development). */
  validateResponses: boolean;
}

export type TrustProxy = false | number | string[];

/** The decision log's settings. Key files left unset are generated under `dataDir/keys` on first use. */
export interface AuditConfig {
  /** Sign a checkpoint every N events (0: only on demand). */
  checkpointEvery: number;
  /**
   * The fewest job seekers a figure opened from sealed parts (attributions, drift), or read from
   * their outcomes, may rest on; below it the figure is withheld, as it would give one person's
   * values back.
   */
  minPeoplePerFigure: number;
  /** PKCS#8 PEM of the Ed25519 key that signs checkpoints. */
  signingKeyFile: string | undefined;
  /** 32 random bytes, base64: wraps the per-job-seeker data keys. */
  masterKeyFile: string | undefined;
  /** At least 32 random bytes, base64: the HMAC key of pseudonyms. */
  pseudonymKeyFile: string | undefined;
  /**
   * Keys generated in `DATA_DIR/keys` for those no file names: the embedded default, which
   * production accepts only when told so (`AUDIT_LOCAL_KEYS=true`).
   */
  localKeysAllowed: boolean;
  /**
   * Hours between two verifications of the whole log by the API process itself (0: none, only the
   * auditors' `GET /v1/audit/verify`), each verdict counted on `/metrics`.
   */
  verifyEveryHours: number;
  /**
   * Hours between two checks of the active model's drift by the API process itself (0: none), whose
   * last level per feature `/metrics` shows (`src/audit/drift-watch.ts`).
   */
  driftEveryHours: number;
}

/**
 * How long data is kept (see `src/retention/`). The decision log is never purged before its
 * period, and that period is never under six months (AI Act Art. 26(6)).
 */
export interface RetentionConfig {
  /**
   * Days a subject's decision-log events stay readable in full. Events are never deleted; once a
   * job seeker has had no event for this long, their key is shredded. At least 184.
   */
  logDays: number;
  /** Days finished recommendation sets (with their items, feedback and outcomes) and feedback are kept. */
  personalDays: number;
  /** Hours an Idempotency-Key and its stored answer are kept. */
  idempotencyHours: number;
  /** Days a staff read of a person's file stays in the read trace (`file_reads`, record 0022). */
  readTraceDays: number;
  /** Run the daily purge inside the API process (off in tests). */
  dailyJob: boolean;
}

/** The PostgreSQL pool's size when `DATABASE_POOL_MAX` is unset. */
export const DEFAULT_DATABASE_POOL_MAX = 10;

/**
 * The smallest PostgreSQL pool a process can start with: its turn at the migrations (and the demo
 * data) holds one connection, an advisory lock's, while the work runs on another. With one, the
 * start waited for a second connection until knex gave up, a minute later.
 */
export const MIN_DATABASE_POOL_MAX = 2;

/**
 * AI Act Art. 26(6): deployers keep the logs for at least six months. Six calendar months are up to
 * 184 days (1 March to 1 September, 1 July to 1 January): 183 would shred a key a day early.
 */
export const MIN_LOG_RETENTION_DAYS = 184;

/**
 * The longest retention period, a hundred years: a period is subtracted from today to find what to
 * purge, and a longer one gives cut-offs before year 0, which neither engine stores as asked.
 */
export const MAX_RETENTION_DAYS = 36_500;

/**
 * The longest drain after a shutdown signal, an hour: above any load balancer's readiness interval
 * times its threshold, and far under the most a Node timer waits (about 24.8 days; past it, none).
 */
const MAX_SHUTDOWN_DRAIN_SECONDS = 3600;

type Env = Record<string, string | undefined>;

/** Reads and checks the configuration; throws a readable error on a bad value. */
export function loadConfig(env: Env = process.env): Config {
  const nodeEnv = readEnum(env, 'NODE_ENV', ['production', 'development', 'test'], 'development');
  const dataDir = readPath(env, 'DATA_DIR') ?? path.resolve('./data');
  return {
    nodeEnv,
    port: readPort(env),
    // Behind a load balancer (production); a developer's Ctrl-C stops at once.
    shutdownDrainSeconds: readShutdownDrainSeconds(env, nodeEnv === 'production' ? 5 : 0),
    dataDir,
    minFreeDiskMb: readInt(env, 'MIN_FREE_DISK_MB', 64),
    databaseUrl: readDatabaseUrl(env),
    databasePoolMax: readIntBetween(
      env,
      'DATABASE_POOL_MAX',
      MIN_DATABASE_POOL_MAX,
      100,
      DEFAULT_DATABASE_POOL_MAX,
      'a start holds one connection for its turn at the migrations while they run on another',
    ),
    modelsDir: readPath(env, 'MODELS_DIR') ?? path.resolve('./models'),
    shippedModel:
      env.SHIPPED_MODEL === undefined ? 'aiguillage-ebm-1.1.0' : (nonEmpty(env.SHIPPED_MODEL) ?? null),
    activateShippedModel: readBool(env, 'ACTIVATE_SHIPPED_MODEL', nodeEnv !== 'production'),
    modelLoadRetrySeconds: readPositiveInt(env, 'MODEL_LOAD_RETRY_SECONDS', 30),
    seedDemo: readBool(env, 'SEED_DEMO', nodeEnv !== 'production'),
    privacyContact: nonEmpty(env.PRIVACY_CONTACT?.trim()),
    auth: {
      issuer: nonEmpty(env.AUTH_ISSUER) ?? 'aiguillage-local',
      audience: nonEmpty(env.AUTH_AUDIENCE) ?? 'aiguillage-api',
      jwksUrl: readHttpUrl(env, 'AUTH_JWKS_URL'),
      jwksCacheSeconds: readPositiveInt(env, 'AUTH_JWKS_CACHE_SECONDS', 300),
      localKeysAllowed: readBool(env, 'AUTH_LOCAL_KEYS', false),
      algorithms: readAlgorithms(env),
      clockToleranceSeconds: readIntBetween(
        env,
        'AUTH_CLOCK_TOLERANCE_SECONDS',
        0,
        MAX_CLOCK_TOLERANCE_SECONDS,
        30,
        'seconds an expired token still passes: a clock further off is to be set right, not tolerated',
      ),
      verifiedTokenSeconds: readIntBetween(
        env,
        'AUTH_VERIFIED_TOKEN_SECONDS',
        0,
        MAX_VERIFIED_TOKEN_SECONDS,
        60,
        'seconds a key the identity provider withdrew is still honoured, beyond AUTH_JWKS_CACHE_SECONDS',
      ),
    },
    http: {
      corsOrigins: readOrigins(env),
      jsonBodyLimit: readSize(env, 'JSON_BODY_LIMIT', '100kb'),
      importBodyLimitBytes: readPositiveInt(env, 'IMPORT_BODY_LIMIT_BYTES', 64 * 1024 * 1024),
      rateLimitPerMinute: readPositiveInt(env, 'RATE_LIMIT_PER_MINUTE', 600),
      authFailuresPerMinute: readPositiveInt(env, 'AUTH_FAILURES_PER_MINUTE', 30),
      trustProxy: readTrustProxy(env),
      validateResponses: readBool(env, 'VALIDATE_RESPONSES', nodeEnv !== 'production'),
    },
    audit: {
      checkpointEvery: readInt(env, 'AUDIT_CHECKPOINT_EVERY', 1000),
      minPeoplePerFigure: readPositiveInt(env, 'AUDIT_MIN_PEOPLE', 10),
      signingKeyFile: readPath(env, 'AUDIT_SIGNING_KEY_FILE'),
      masterKeyFile: readPath(env, 'AUDIT_MASTER_KEY_FILE'),
      pseudonymKeyFile: readPath(env, 'AUDIT_PSEUDONYM_KEY_FILE'),
      localKeysAllowed: readBool(env, 'AUDIT_LOCAL_KEYS', false),
      verifyEveryHours: readHoursUpToAWeek(env, 'AUDIT_VERIFY_EVERY_HOURS', nodeEnv),
      driftEveryHours: readHoursUpToAWeek(env, 'AUDIT_DRIFT_EVERY_HOURS', nodeEnv),
    },
    retention: readRetention(env, nodeEnv),
    logLevel: readEnum(env, 'LOG_LEVEL', LOG_LEVELS, nodeEnv === 'test' ? 'silent' : 'info'),
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function readPath(env: Env, name: string): string | undefined {
  const raw = nonEmpty(env[name]);
  return raw === undefined ? undefined : path.resolve(raw);
}

/**
 * A whole number written in decimal digits, or undefined: `Number` alone also takes `0x1F90`, `1e3`,
 * `80.0` or `+80`, which no one means for a port or a count.
 */
function parseWholeNumber(raw: string): number | undefined {
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  return Number.isSafeInteger(value) ? value : undefined;
}

/**
 * Five minutes: more is no longer a clock's skew, and a tolerance written in milliseconds (30000)
 * would let tokens expired hours ago pass.
 */
const MAX_CLOCK_TOLERANCE_SECONDS = 300;

/**
 * An hour: a time written in milliseconds (60000) would honour a withdrawn key, or a token whose
 * signature no longer checks, for most of a day.
 */
const MAX_VERIFIED_TOKEN_SECONDS = 3600;

function readInt(env: Env, name: string, fallback: number): number {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return fallback;
  const value = parseWholeNumber(raw);
  if (value === undefined) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

/** A week at most: the monitoring plan's own rhythm, and well within what a timer can wait. */
const MAX_CHECK_EVERY_HOURS = 7 * 24;

/** Hours between two runs of one of the process's own checks: 24 by default (0 in tests: none), a week at most. */
function readHoursUpToAWeek(env: Env, name: string, nodeEnv: Config['nodeEnv']): number {
  const hours = readInt(env, name, nodeEnv === 'test' ? 0 : 24);
  if (hours > MAX_CHECK_EVERY_HOURS) {
    throw new Error(
      `${name} must be ${MAX_CHECK_EVERY_HOURS} (a week) or less, 0 for none, got "${env[name] ?? ''}"`,
    );
  }
  return hours;
}

function readPositiveInt(env: Env, name: string, fallback: number): number {
  const value = readInt(env, name, fallback);
  if (value < 1) throw new Error(`${name} must be 1 or more, got "${env[name] ?? ''}"`);
  return value;
}

function readIntBetween(
  env: Env,
  name: string,
  min: number,
  max: number,
  fallback: number,
  why?: string,
): number {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return fallback;
  const value = parseWholeNumber(raw);
  if (value === undefined || value < min || value > max)
    throw new Error(
      `${name} must be an integer from ${min} to ${max}${why === undefined ? '' : ` (${why})`}, got "${raw}"`,
    );
  return value;
}

/** A port the process can listen on (0: any free one); checked here, not when the database is already migrated. */
function readPort(env: Env): number {
  const raw = nonEmpty(env.PORT);
  if (raw === undefined) return 8080;
  const port = parseWholeNumber(raw);
  if (port === undefined || port > 65535)
    throw new Error(`PORT must be a port number from 0 to 65535, got "${raw}"`);
  return port;
}

function readShutdownDrainSeconds(env: Env, fallback: number): number {
  const raw = nonEmpty(env.SHUTDOWN_DRAIN_SECONDS);
  if (raw === undefined) return fallback;
  const seconds = parseWholeNumber(raw);
  if (seconds === undefined || seconds > MAX_SHUTDOWN_DRAIN_SECONDS) {
    throw new Error(
      `SHUTDOWN_DRAIN_SECONDS must be an integer from 0 to ${MAX_SHUTDOWN_DRAIN_SECONDS} (an hour), got "${raw}"`,
    );
  }
  return seconds;
}

function readHttpUrl(env: Env, name: string): string | undefined {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return undefined;
  const protocol = URL.canParse(raw) ? new URL(raw).protocol : undefined;
  if (protocol !== 'http:' && protocol !== 'https:') {
    throw new Error(`${name} must be an http:// or https:// URL, got "${raw}"`);
  }
  return raw;
}

/** The schemes pg reads a connection from; anything else it takes for a database name on localhost. */
const POSTGRES_SCHEME = /^(postgres|postgresql|socket):/i;

/**
 * A socket's URL with a user and no host (`postgres://user:pw@/db?host=/run/postgresql`), which pg
 * reads as it would with a host: given one to be checked as a URL.
 */
const HOSTLESS_AUTHORITY = /^(postgres(?:ql)?:\/\/[^/@]*@)\//i;
/**
 * An `@` in the path, or a `#`, which no connection URL holds: a password with a `/` or `#` typed as
 * is (`p@ss/w#1`), whose first part pg would read as the host (`getaddrinfo ENOTFOUND ss`). An `@`
 * within the password alone is read as typed: the last `@` ends it.
 */
const UNENCODED_CREDENTIALS = /^[a-z]+:\/\/[^/]*\/[^?]*@|#/i;

/**
 * A PostgreSQL connection URL. pg reads any other text (`sqlite:///…`, a file path, a misspelt
 * scheme, a port out of range) as a database name on localhost, and the start would fail on a
 * connection nobody asked for, or reach another server. The value is not repeated in the error: it
 * may hold a password.
 */
function readDatabaseUrl(env: Env): string | undefined {
  const raw = nonEmpty(env.DATABASE_URL);
  if (raw === undefined) return undefined;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(raw)?.[1];
  const problem = !POSTGRES_SCHEME.test(raw)
    ? scheme === undefined
      ? 'no URL'
      : `a ${scheme}:// URL`
    : URL.canParse(raw.replace(HOSTLESS_AUTHORITY, '$1localhost/')) && !UNENCODED_CREDENTIALS.test(raw)
      ? undefined
      : `a ${scheme}:// URL that cannot be read (its host or port? or a user name or password holding ` +
        '@ / : # or ? as typed, which are written percent-encoded: %40 %2F %3A %23 %3F)';
  if (problem !== undefined) {
    throw new Error(
      'DATABASE_URL must be a PostgreSQL connection URL (postgres://user:password@host:5432/database); ' +
        `unset it for SQLite in DATA_DIR, got ${problem}`,
    );
  }
  return raw;
}

function readAlgorithms(env: Env): TokenAlgorithm[] {
  const listed = readList(env, 'AUTH_ALGORITHMS', ['ES256', 'RS256', 'EdDSA']);
  const unknown = listed.filter((alg) => !(TOKEN_ALGORITHMS as readonly string[]).includes(alg));
  // Left unchecked, each of these starts a process that refuses every token with 401.
  if (listed.length === 0 || unknown.length > 0) {
    throw new Error(
      `AUTH_ALGORITHMS must list one or more of ${TOKEN_ALGORITHMS.join(', ')} (asymmetric JWS algorithms, ` +
        `comma-separated; none and HS* are never accepted), got "${env.AUTH_ALGORITHMS ?? ''}"`,
    );
  }
  return listed as TokenAlgorithm[];
}

/** bytes' units, the parser express.json reads its limit with. */
const SIZE_UNITS: Record<string, number> = {
  b: 1,
  kb: 2 ** 10,
  mb: 2 ** 20,
  gb: 2 ** 30,
  tb: 2 ** 40,
  pb: 2 ** 50,
};

/**
 * A size as express.json takes it (`100kb`, `1mb`, a number of bytes). Checked here, since express
 * throws only when the app is built, and the `bytes` parser it uses reads `100kib` as 100 bytes.
 */
function readSize(env: Env, name: string, fallback: string): string {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return fallback;
  const match = /^(\d+(?:\.\d+)?) *([kmgtp]?b)?$/i.exec(raw);
  const bytes =
    match === null ? 0 : Math.floor(Number(match[1]) * (SIZE_UNITS[match[2]?.toLowerCase() ?? 'b'] ?? 0));
  if (bytes < 1) {
    throw new Error(
      `${name} must be a size of 1 byte or more, as a number of bytes or with a unit (b, kb, mb, gb, tb, pb) ` +
        `such as 100kb, got "${raw}"`,
    );
  }
  return raw;
}

function readLogRetentionDays(env: Env): number {
  const days = readInt(env, 'RETENTION_LOG_DAYS', 3650);
  if (days < MIN_LOG_RETENTION_DAYS) {
    throw new Error(
      `RETENTION_LOG_DAYS must be at least ${MIN_LOG_RETENTION_DAYS} (six months: the AI Act, ` +
        `Art. 26(6), requires deployers to keep the logs that long), got "${env.RETENTION_LOG_DAYS ?? ''}"`,
    );
  }
  return checkHundredYears(env, 'RETENTION_LOG_DAYS', days, MAX_RETENTION_DAYS);
}

function readRetention(env: Env, nodeEnv: Config['nodeEnv']): RetentionConfig {
  const personalDays = readRetentionPeriod(env, 'RETENTION_PERSONAL_DAYS', 730, MAX_RETENTION_DAYS);
  return {
    logDays: readLogRetentionDays(env),
    personalDays,
    idempotencyHours: readIdempotencyHours(env, personalDays),
    // About six months by default, within the CNIL's recommended six months to a year for access logs.
    readTraceDays: readReadTraceDays(env, personalDays),
    dailyJob: readBool(env, 'RETENTION_DAILY_JOB', nodeEnv !== 'test'),
  };
}

/**
 * A stored Idempotency-Key answer names the person a set or a contest reply was for: it may be kept
 * no longer than the person's data (`RETENTION_PERSONAL_DAYS`), which it would otherwise outlive.
 */
function readIdempotencyHours(env: Env, personalDays: number): number {
  const hours = readRetentionPeriod(env, 'RETENTION_IDEMPOTENCY_HOURS', 24, MAX_RETENTION_DAYS * 24);
  if (hours > personalDays * 24) {
    throw new Error(
      `RETENTION_IDEMPOTENCY_HOURS must be at most RETENTION_PERSONAL_DAYS in hours (${personalDays * 24}): ` +
        `a stored answer names the person it was for and may not outlive their data, got "${env.RETENTION_IDEMPOTENCY_HOURS ?? ''}"`,
    );
  }
  return hours;
}

/** The read trace's period when unset: about six months. */
const DEFAULT_READ_TRACE_DAYS = 183;

/**
 * A read of a person's file names the person and the file read: its trace may be kept no longer than
 * the personal data it read (`RETENTION_PERSONAL_DAYS`). A slip of the finger (1830 for 183) would
 * otherwise keep who read whose file for years after the file itself.
 */
function readReadTraceDays(env: Env, personalDays: number): number {
  // Unset, about six months, or the personal-data period when that is shorter.
  const days = readRetentionPeriod(
    env,
    'RETENTION_READ_TRACE_DAYS',
    Math.min(DEFAULT_READ_TRACE_DAYS, personalDays),
    MAX_RETENTION_DAYS,
  );
  if (days > personalDays) {
    throw new Error(
      `RETENTION_READ_TRACE_DAYS must be at most RETENTION_PERSONAL_DAYS (${personalDays}): a read of a person’s file ` +
        `may not be kept longer than the data read (the CNIL recommends six months to a year for access logs), got "${env.RETENTION_READ_TRACE_DAYS ?? ''}"`,
    );
  }
  return days;
}

/** A retention period of 1 or more, in days or hours. */
function readRetentionPeriod(env: Env, name: string, fallback: number, max: number): number {
  return checkHundredYears(env, name, readPositiveInt(env, name, fallback), max);
}

/** `value`, a retention period, when it is at most a hundred years (`max`, in its unit). */
function checkHundredYears(env: Env, name: string, value: number, max: number): number {
  if (value > max)
    throw new Error(`${name} must be at most ${max} (a hundred years), got "${env[name] ?? ''}"`);
  return value;
}

function readBool(env: Env, name: string, fallback: boolean): boolean {
  const raw = nonEmpty(env[name])?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['1', 'true', 'yes'].includes(raw)) return true;
  if (['0', 'false', 'no'].includes(raw)) return false;
  throw new Error(`${name} must be true or false (or 1 or 0, yes or no), got "${raw}"`);
}

function readList(env: Env, name: string, fallback: string[]): string[] {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return fallback;
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/**
 * Origins as a browser sends them in `Origin` (scheme://host[:port], lower case, no default port): an
 * entry written otherwise (a trailing slash, a path, `*`, a bare host) would match no request, and the
 * browser's calls would fail with nothing wrong in the log.
 */
function readOrigins(env: Env): string[] {
  const origins = readList(env, 'CORS_ORIGINS', []);
  for (const entry of origins) {
    if (!URL.canParse(entry) || new URL(entry).origin !== entry) {
      throw new Error(
        'CORS_ORIGINS must list origins as a browser sends them (scheme://host[:port], lower case, with no path, ' +
          `trailing slash or wildcard), comma-separated; not "${entry}"`,
      );
    }
  }
  return origins;
}

/** The most proxy hops `TRUST_PROXY` counts: more is a misreading (an address, a port), not a chain. */
const MAX_TRUSTED_PROXY_HOPS = 10;

/** Express's names for the private ranges `trust proxy` takes. */
const TRUSTED_PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * `TRUST_PROXY`, explicit only: express's `true` (or a range of prefix 0) would trust any client to
 * name itself in `X-Forwarded-For`, so one client could count as any number of addresses; and an
 * entry express cannot read would fail only when the first request comes.
 */
function readTrustProxy(env: Env): TrustProxy {
  const raw = nonEmpty(env.TRUST_PROXY);
  if (raw === undefined) return false;
  if (/^\d+$/.test(raw)) {
    const hops = parseWholeNumber(raw);
    if (hops !== undefined && hops >= 1 && hops <= MAX_TRUSTED_PROXY_HOPS) return hops;
  } else {
    const entries = readList(env, 'TRUST_PROXY', []);
    if (entries.length > 0 && entries.every(isTrustableProxyEntry)) return entries;
  }
  throw new Error(
    `TRUST_PROXY must be unset (no proxy trusted), a number of proxy hops from 1 to ${MAX_TRUSTED_PROXY_HOPS}, ` +
      'or the proxies as comma-separated addresses or CIDR ranges (10.0.0.0/8, 2001:db8::/32) or ' +
      `${TRUSTED_PROXY_RANGE_NAMES.join(', ')}; never true, * or a range of prefix 0, which would let any ` +
      `client name its own address, got "${raw}"`,
  );
}

function isTrustableProxyEntry(entry: string): boolean {
  if (TRUSTED_PROXY_RANGE_NAMES.includes(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = net.isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  const bits = /^\d{1,3}$/.test(prefix) ? Number(prefix) : Number.NaN;
  return bits >= 1 && bits <= (family === 4 ? 32 : 128);
}

function readEnum<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new Error(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

/** What a process is about to use, whose production settings are checked with the rest. */
export interface ProcessNeeds {
  /** It verifies tokens (the API): `checkTokenKeys`. */
  tokens?: boolean;
  /** It opens the decision log (the API, the scripts that append to it): `checkLogKeys`. */
  decisionLog?: boolean;
}

/**
 * `loadConfig`, then the production checks of what the process uses: every setting that stops a
 * start stops it here, before the database is opened, migrated or a key generated. The API and
 * each script read their configuration with it.
 */
export function loadConfigFor(needs: ProcessNeeds, env: Env = process.env): Config {
  const config = loadConfig(env);
  if (needs.tokens === true) checkTokenKeys(config);
  if (needs.decisionLog === true) checkLogKeys(config);
  return config;
}

/**
 * Production names the decision log's key files, unless the operator says otherwise
 * (`AUDIT_LOCAL_KEYS=true`). Generated next to the data, the master key would be backed up with
 * the keys it wraps (undoing the shredding of an erased person's key in every backup), and each
 * machine sharing a PostgreSQL database would make its own pseudonym key: one person, several
 * pseudonyms, and an erasure that misses all but one.
 */
export function checkLogKeys(config: Pick<Config, 'nodeEnv' | 'audit'>): void {
  const { audit } = config;
  const keyFiles = [
    ['AUDIT_MASTER_KEY_FILE', audit.masterKeyFile, MAKE_MASTER_KEY],
    ['AUDIT_PSEUDONYM_KEY_FILE', audit.pseudonymKeyFile, MAKE_MASTER_KEY],
    ['AUDIT_SIGNING_KEY_FILE', audit.signingKeyFile, MAKE_SIGNING_KEY],
  ] as const;
  // Found missing only once the database was opened and migrated, it would stop the start as late.
  // Never made here: on a database already written, a new key would be the wrong one, so the
  // operator makes it, on a first deployment only.
  for (const [name, file, make] of keyFiles) {
    if (file !== undefined && !fs.existsSync(file)) {
      throw new Error(
        `${name} names ${file}, which does not exist (a new key would leave the log's past data ` +
          'unreadable or unlinkable): name the file that holds the key; on a first deployment, before ' +
          `any process has started on the database, make it with \`${make} ${file}\`, readable by its ` +
          'owner only and backed up apart from the database (README, "A first production deployment")',
      );
    }
  }
  const unnamed = keyFiles.flatMap(([name, file]) => (file === undefined ? [name] : []));
  if (config.nodeEnv === 'production' && unnamed.length > 0 && !audit.localKeysAllowed) {
    throw new Error(
      `${unnamed.join(', ')} must be set when NODE_ENV=production (secret files kept apart from the data ` +
        'and its backups, the same for every process, made once as the README\'s "A first production ' +
        'deployment" says); to generate the missing ones in DATA_DIR/keys ' +
        'instead, set AUDIT_LOCAL_KEYS=true (one machine only; backups then hold the master key)',
    );
  }
}

/**
 * Production verifies tokens against the identity provider's keys, not a key pair of its own,
 * unless the operator says so (`AUTH_LOCAL_KEYS=true`). Checked only for the processes that verify
 * tokens (`loadConfigFor`), so that scripts which verify none (migrate, retention) run without it.
 */
export function checkTokenKeys(config: Pick<Config, 'nodeEnv' | 'auth'>): void {
  if (config.nodeEnv !== 'production') return;
  const { jwksUrl } = config.auth;
  if (jwksUrl === undefined && !config.auth.localKeysAllowed) {
    throw new Error(
      "AUTH_JWKS_URL must be set when NODE_ENV=production (the identity provider's JWKS); to sign tokens " +
        'with a key pair generated in DATA_DIR/keys instead, set AUTH_LOCAL_KEYS=true ' +
        '(anyone who can read that folder can then mint tokens)',
    );
  }
  // The key set decides whose tokens pass, an admin's included: fetched in clear across a network,
  // anyone on the way (or answering for the host's name) could hand in a key of their own.
  if (jwksUrl !== undefined && !isFetchedPrivately(new URL(jwksUrl))) {
    throw new Error(
      `AUTH_JWKS_URL must be an https:// URL when NODE_ENV=production, got "${jwksUrl}": the key set ` +
        'decides whose tokens are accepted, and fetched over plain http anyone on the network path could ' +
        "replace it with keys of their own; use the identity provider's https:// address (plain http is " +
        'taken only from this machine: localhost, 127.0.0.0/8 or [::1])',
    );
  }
}

/** Whether a key set fetched from `url` crosses no network in clear: https, or http to this machine. */
function isFetchedPrivately(url: URL): boolean {
  if (url.protocol === 'https:') return true;
  const host = url.hostname;
  return host === 'localhost' || host === '[::1]' || (net.isIPv4(host) && host.startsWith('127.'));
}
