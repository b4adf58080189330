import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { AppServices } from './app.ts';
import { type LocalKeys, loadOrCreateLocalKeys } from './auth/local-keys.ts';
import { createTokenVerifier, type TokenVerifier } from './auth/token-verifier.ts';
import type { Config } from './config.ts';
import { CourseService } from './courses/course-service.ts';
import { openDatabase } from './db/database.ts';
import { migrateToLatest } from './db/migrations.ts';
import { createLogger } from './http/logger.ts';
import { loadOpenApiDocument } from './http/openapi-document.ts';
import { JobSeekerService } from './job-seekers/job-seeker-service.ts';
import { KnexJobSeekerStore } from './job-seekers/knex-job-seeker-store.ts';
import { ReadinessProbe } from './operations/readiness.ts';

/** Everything the process runs on, built once; `close()` releases it. */
export interface Container {
  config: Config;
  db: Knex;
  logger: Logger;
  services: AppServices;
  verifyToken: TokenVerifier;
  /** The local signing keys, when no identity provider is configured. */
  localKeys: LocalKeys | undefined;
  openApiDocument: Record<string, unknown>;
  close(): Promise<void>;
}

export interface ContainerOptions {
  /** The clock of every service (tests pin it). */
  now?: () => Date;
  logger?: Logger;
}

/** The composition root: the only place that opens the database and builds stores and services. */
export async function createContainer(config: Config, options: ContainerOptions = {}): Promise<Container> {
  const now = options.now ?? (() => new Date());
  const logger = options.logger ?? createLogger(config.logLevel);
  const db = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrateToLatest(db);
    const localKeys =
      config.auth.jwksUrl === undefined ? await loadOrCreateLocalKeys(config.dataDir) : undefined;
    const verifyToken = createTokenVerifier(config.auth, localKeys?.publicJwk);

    const jobSeekers = new JobSeekerService(new KnexJobSeekerStore(db), now);
    const courses = new CourseService();
    const readiness = new ReadinessProbe([
      {
        name: 'database',
        run: async () => {
          await db.raw('select 1');
          return 'ok';
        },
      },
    ]);

    return {
      config,
      db,
      logger,
      services: { jobSeekers, courses, readiness },
      verifyToken,
      localKeys,
      openApiDocument: loadOpenApiDocument(),
      close: () => db.destroy(),
    };
  } catch (error) {
    await db.destroy();
    throw error;
  }
}
