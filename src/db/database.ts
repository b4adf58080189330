import fs from 'node:fs';
import path from 'node:path';
import knex, { type Knex } from 'knex';
import { type Config, DEFAULT_DATABASE_POOL_MAX } from '../config.ts';
import { createPrivateFolder, ensurePrivateFile } from '../shared/private-folder.ts';
import { engineOf } from './engine.ts';
import { reachDatabase } from './reach-database.ts';
import { StalledQueryWatch, type WatchedConnection } from './stalled-queries.ts';
import { cacheStatements, type PreparingConnection } from './statement-cache.ts';

/**
 * How long a write waits for another's lock before it gives up (the request then answers 503 busy,
 * what it had begun undone): SQLite's busy timeout, and PostgreSQL's `lock_timeout` in the decision
 * log's transactions. Without a bound on PostgreSQL a session holding the log's head (another
 * process stalled in a transaction, an operator's psql) held every writer, and their connections,
 * as long as it did.
 */
export const LOCK_WAIT_MS = 5000;

/**
 * How long a request waits for one of the PostgreSQL pool's connections, all in use, before it
 * answers 503 busy. knex's own default, a minute, outlasted the timeouts of most load balancers and
 * proxies: the client got their 504 instead, and the process a queue of requests nobody waited for.
 */
export const POOL_WAIT_MS = 5000;

export interface DatabaseOptions {
  /** PostgreSQL connection string; SQLite when absent. */
  databaseUrl: string | undefined;
  /** Folder of the SQLite file (created when missing). */
  dataDir: string;
  /** SQLite file name inside `dataDir`; `:memory:` is not supported (WAL needs a file). */
  sqliteFile?: string;
  /** Most PostgreSQL connections (`DATABASE_POOL_MAX`); SQLite always has exactly one. */
  poolMax?: number;
}

/**
 * The database the configuration names, as the API and each script open it. `existing`: a script
 * that acts on the data already there (a retention run, a key rotation) refuses a SQLite `DATA_DIR`
 * that does not exist, most likely mistyped, rather than make an empty database and report on it.
 */
export function openConfiguredDatabase(
  config: Pick<Config, 'databaseUrl' | 'dataDir' | 'databasePoolMax'>,
  options: { existing?: boolean } = {},
): Knex {
  if (options.existing === true && config.databaseUrl === undefined) {
    const dataDir = path.resolve(config.dataDir);
    if (!fs.existsSync(dataDir)) {
      throw new Error(
        `DATA_DIR ${dataDir} does not exist, so it holds no database; give the DATA_DIR the API runs with`,
      );
    }
  }
  return openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolMax: config.databasePoolMax,
  });
}

/**
 * Opens the database: PostgreSQL when a URL is given (a pool of up to `poolMax` connections), else
 * SQLite in WAL mode in the data folder, on one connection by design (SQLite has one writer at a time).
 * A failed statement's error carries its SQL with placeholders, not its values (`compileSqlOnError`):
 * the values are a person's data, and the error reaches the log.
 */
export function openDatabase(options: DatabaseOptions): Knex {
  if (options.databaseUrl !== undefined) {
    const stalledQueries = new StalledQueryWatch((withinMs) => reachDatabase(db, withinMs));
    const db = knex({
      client: 'pg',
      // Given to pg whole: knex reads a string no WHATWG URL parses (a socket's, with a user and no
      // host) as a SQLite file name, and pg would go to localhost:5432 instead.
      // Connecting is bounded as waiting for a connection is: a server that accepts the socket and
      // never answers (frozen) held the attempt until TCP gave up, minutes later.
      connection: { connectionString: options.databaseUrl, connectionTimeoutMillis: POOL_WAIT_MS },
      pool: {
        min: 0,
        max: options.poolMax ?? DEFAULT_DATABASE_POOL_MAX,
        afterCreate: (connection: WatchedConnection, done: (err: Error | null, conn: unknown) => void) => {
          stalledQueries.watch(connection);
          done(null, connection);
        },
      },
      acquireConnectionTimeout: POOL_WAIT_MS,
      compileSqlOnError: false,
      log: knexLog,
    });
    return db;
  }
  createPrivateFolder(options.dataDir);
  const filename = path.join(options.dataDir, options.sqliteFile ?? 'aiguillage.sqlite');
  // Created readable by its owner only (an empty file is an empty database): its tables hold the
  // personal data in clear, and SQLite gives its WAL and shared-memory files the same mode.
  ensurePrivateFile(filename);
  return knex({
    client: 'better-sqlite3',
    connection: { filename },
    useNullAsDefault: true,
    compileSqlOnError: false,
    log: knexLog,
    pool: {
      min: 1,
      max: 1,
      afterCreate: (connection: SqliteConnection, done: (err: Error | null, conn: unknown) => void) => {
        // WAL lets readers work beside the writer; FULL sync because the decision log must survive a crash.
        connection.pragma('journal_mode = WAL');
        connection.pragma('synchronous = FULL');
        connection.pragma(`busy_timeout = ${LOCK_WAIT_MS}`);
        connection.pragma('foreign_keys = ON');
        // Deleted rows are overwritten with zeros instead of lingering in free space: an erased
        // job seeker's data must not be recoverable from the file (see src/erasure/).
        connection.pragma('secure_delete = ON');
        cacheStatements(connection);
        done(null, connection);
      },
    },
  });
}

/**
 * knex prints each connection that fails (an unreachable server, a damaged SQLite file) with its
 * stack before it throws the error to the caller, who reports it: the one line of a start that
 * fails, a request's error log. Its other warnings are printed as knex prints them.
 */
const knexLog = {
  warn: (message: string) => {
    if (!message.startsWith('Acquire connection error')) console.warn(message);
  },
};

interface SqliteConnection extends PreparingConnection {
  pragma(source: string): unknown;
}

/** The file a SQLite database runs on; undefined on PostgreSQL. */
export function sqliteFileOf(db: Knex): string | undefined {
  if (engineOf(db) !== 'sqlite') return undefined;
  const connection: unknown = db.client.config.connection;
  const filename =
    typeof connection === 'object' && connection !== null && 'filename' in connection
      ? connection.filename
      : undefined;
  return typeof filename === 'string' ? filename : undefined;
}
