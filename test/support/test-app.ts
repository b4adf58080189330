import type { Express } from 'express';
import type { Logger } from 'pino';
import supertest from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { createApp } from '../../src/app.ts';
import { mintLocalToken } from '../../src/auth/mint-token.ts';
import type { Role } from '../../src/auth/principal.ts';
import { type Config, loadConfig } from '../../src/config.ts';
import { type Container, createContainer } from '../../src/container.ts';
import type { ReadFreeBytes } from '../../src/operations/free-disk-space.ts';
import { createTestDatabase, TEST_ENGINE, type TestDatabase } from './test-database.ts';

export interface TestApp {
  app: Express;
  container: Container;
  config: Config;
  database: TestDatabase;
  /** supertest bound to the in-process app. */
  http: TestAgent;
  /** A valid token for `sub` with the given role(s), signed by the app's local key. */
  tokenFor(role: Role | Role[], subject?: string): Promise<string>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  now?: () => Date;
  logger?: Logger;
  /** Free space of the data folder's disk (default: a terabyte, whatever the machine has). */
  readFreeBytes?: ReadFreeBytes;
  /**
   * Start on this database and data folder (keys included) instead of fresh ones, as a restarted
   * process would: close the previous app's container first, not the app (which drops them).
   */
  database?: TestDatabase;
}

/**
 * The free space a test app's data folder has unless a test says otherwise: plenty, whatever the
 * machine's disk has (the real reading is tested on its own).
 */
const ROOMY_DISK: ReadFreeBytes = async () => 1024 ** 4;

/**
 * The `storage` check `/readyz` adds for a test app on a disk with room: SQLite's data folder only,
 * PostgreSQL's disk being the database server's.
 */
export const STORAGE_CHECK: { storage?: 'ok' } = TEST_ENGINE === 'sqlite' ? { storage: 'ok' } : {};

/** The real app on a fresh migrated database, with response validation on. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: database.dataDir,
    ...(database.databaseUrl === undefined ? {} : { DATABASE_URL: database.databaseUrl }),
    SEED_DEMO: 'false',
    VALIDATE_RESPONSES: 'true',
    // The tests walk every secured operation without a valid token, all from one address: the limit on
    // failed authentications is tested where it is set (test/api/failed-authentication-limit.test.ts).
    AUTH_FAILURES_PER_MINUTE: '1000000',
    ...options.env,
  });
  const container = await createContainer(config, {
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    readFreeBytes: options.readFreeBytes ?? ROOMY_DISK,
  });
  const app = createApp(container);
  return {
    app,
    container,
    config,
    database,
    http: supertest(app),
    tokenFor: async (role, subject = 'tester') => {
      if (container.localKeys === undefined) throw new Error('the test app has no local keys');
      return mintLocalToken(config.auth, container.localKeys, {
        subject,
        roles: Array.isArray(role) ? role : [role],
      });
    },
    close: async () => {
      await container.close();
      await database.drop();
    },
  };
}
