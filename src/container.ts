import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { AccessRecordService } from './access-record/access-record-service.ts';
import type { AppServices } from './app.ts';
import { AuditService } from './audit/audit-service.ts';
import { createDriftWatch, type DriftWatch, type RecentDrift } from './audit/drift-watch.ts';
import { KnexAuditEventStore } from './audit/knex-audit-event-store.ts';
import { KnexFigureWeekStore } from './audit/knex-figure-week-store.ts';
import { createLoggedTextCheck } from './audit/logged-text-check.ts';
import { OwnOversightService } from './audit/own-oversight-service.ts';
import { type LocalKeys, loadOrCreateLocalKeys } from './auth/local-keys.ts';
import { createTokenVerifier, type TokenVerifier } from './auth/token-verifier.ts';
import type { Config } from './config.ts';
import { CourseService } from './courses/course-service.ts';
import { KnexCourseStore } from './courses/knex-course-store.ts';
import { openConfiguredDatabase, sqliteFileOf } from './db/database.ts';
import { engineOf } from './db/engine.ts';
import { LATEST_MIGRATION, migrateToLatest } from './db/migrations.ts';
import { reachDatabase } from './db/reach-database.ts';
import { createReadSnapshot } from './db/read-snapshot.ts';
import { inStartupTurn } from './db/startup-turn.ts';
import { findStorageUnavailable } from './db/storage-unavailable.ts';
import { createDecisionLog, type DecisionLogParts } from './decision-log/create-decision-log.ts';
import { startDailyLogVerification } from './decision-log/daily-log-verification.ts';
import type { DecisionEvent } from './decision-log/decision-event.ts';
import { type DemoWriteSummary, seedDemoData } from './demo/seed-demo-data.ts';
import { ErasureService } from './erasure/erasure-service.ts';
import { KnexErasureStore } from './erasure/knex-erasure-store.ts';
import { KnexStorageScrubber } from './erasure/knex-storage-scrubber.ts';
import { FileReadService } from './file-reads/file-read-service.ts';
import { KnexFileReadStore } from './file-reads/knex-file-read-store.ts';
import { createLogger } from './http/logger.ts';
import { createHttpMetrics, type HttpMetrics } from './http/metrics.ts';
import { loadOpenApiDocument } from './http/openapi-document.ts';
import type { FindStorageUnavailable } from './http/problem.ts';
import { KnexIdempotencyStore } from './idempotency/knex-idempotency-store.ts';
import { IncidentService } from './incidents/incident-service.ts';
import { readUnreportedIncidents } from './incidents/unreported-incidents.ts';
import { JobSeekerService } from './job-seekers/job-seeker-service.ts';
import { KnexJobSeekerStore } from './job-seekers/knex-job-seeker-store.ts';
import { KnexModelStore } from './model-registry/knex-model-store.ts';
import { ModelRegistry } from './model-registry/model-registry.ts';
import { ObjectionService } from './objection/objection-service.ts';
import { KnexOccupationLabelStore } from './occupations/knex-occupation-label-store.ts';
import { OccupationLabelService } from './occupations/occupation-label-service.ts';
import { watchDatabaseFile } from './operations/database-file-check.ts';
import { type ReadFreeBytes, readFreeBytes } from './operations/free-disk-space.ts';
import { checkKeys } from './operations/keys-check.ts';
import { checkModel, MODEL_LOADING } from './operations/model-check.ts';
import { registerOperatingGauges } from './operations/operating-metrics.ts';
import { CHECK_TIMEOUT_MS, type ReadinessCheck, ReadinessProbe } from './operations/readiness.ts';
import { recordServiceStart } from './operations/record-service-start.ts';
import { readSoftwareVersion } from './operations/software-version.ts';
import { checkStorage } from './operations/storage-check.ts';
import { CourseOutcomeService } from './outcomes/course-outcome-service.ts';
import { KnexCourseOutcomeStore } from './outcomes/knex-course-outcome-store.ts';
import { KnexFeedbackStore } from './portal/knex-feedback-store.ts';
import { PortalService } from './portal/portal-service.ts';
import { ContestReplyService } from './recommendations/contest-reply-service.ts';
import { KnexContestReplyStore } from './recommendations/knex-contest-reply-store.ts';
import { KnexRecommendationStore } from './recommendations/knex-recommendation-store.ts';
import { PublicationService } from './recommendations/publication-service.ts';
import { RecommendationService } from './recommendations/recommendation-service.ts';
import { ReviewService } from './recommendations/review-service.ts';
import { ShortlistService } from './recommendations/shortlist-service.ts';
import { withdrawModelSets } from './recommendations/withdraw-model-sets.ts';
import { withdrawOpenSets } from './recommendations/withdraw-open-sets.ts';
import { WITHDRAWAL_REASONS } from './recommendations/withdrawal-reasons.ts';
import { createRetentionService } from './retention/create-retention.ts';
import { type DailyRetentionJob, startDailyRetentionJob } from './retention/daily-retention-job.ts';
import type { RetentionService } from './retention/retention-service.ts';
import { OnnxScorer } from './scoring/onnx-scorer.ts';
import { KnexSettingsStore } from './settings/knex-settings-store.ts';
import { SettingsService } from './settings/settings-service.ts';

/** Everything the process runs on, built once; `close()` releases it. */
export interface Container {
  config: Config;
  db: Knex;
  logger: Logger;
  metrics: HttpMetrics;
  services: AppServices;
  decisionLog: DecisionLogParts;
  /** Purges expired data; also run daily in-process when `config.retention.dailyJob` is on. */
  retention: RetentionService;
  verifyToken: TokenVerifier;
  /** The local signing keys, when no identity provider is configured. */
  localKeys: LocalKeys | undefined;
  openApiDocument: Record<string, unknown>;
  findStorageUnavailable: FindStorageUnavailable;
  /**
   * Checks the active model's drift now, as the watch does every `AUDIT_DRIFT_EVERY_HOURS`, and keeps
   * the levels `/metrics` shows.
   */
  checkDriftNow(): Promise<RecentDrift>;
  /**
   * Appends `service.started` (software version, engine, active model, settings): called once the
   * server serves (`npm start`), not by scripts nor by tests' in-process apps.
   */
  recordServiceStart(): Promise<DecisionEvent>;
  /**
   * Writes the demo catalog and caseloads into an empty database when `SEED_DEMO` asks for it, through
   * the services (each write logged); undefined when nothing was written. Called by the start once
   * `service.started` is in the log, before the server listens: the demo's events follow the start
   * that wrote them. Processes starting together write it once (`inStartupTurn`); the others log
   * that it is there. Scripts and tests' in-process apps write none.
   */
  seedDemoData(): Promise<DemoWriteSummary | undefined>;
  close(): Promise<void>;
}

export interface ContainerOptions {
  /** The clock of every service (tests pin it). */
  now?: () => Date;
  /** How free space on the data folder's disk is read (tests stand in a full disk). */
  readFreeBytes?: ReadFreeBytes;
  logger?: Logger;
}

/**
 * The composition root: the only place that opens the database and builds stores and services. Its
 * configuration is read with `loadConfigFor({ tokens: true, decisionLog: true })`, whose production
 * checks come before anything here is opened.
 */
export async function createContainer(config: Config, options: ContainerOptions = {}): Promise<Container> {
  const now = options.now ?? (() => new Date());
  const logger = options.logger ?? createLogger(config.logLevel);
  const db = openConfiguredDatabase(config);
  let registry: ModelRegistry | undefined;
  try {
    const migrationsApplied = await migrateToLatest(db);
    if (migrationsApplied.length > 0) {
      logger.info(
        { migrations: migrationsApplied },
        `database migrated to ${LATEST_MIGRATION}: ${migrationsApplied.length} migration(s) applied`,
      );
    }
    // SQLite answers from the file it opened, even once another is at its path or none is.
    const databaseFile = sqliteFileOf(db);
    const checkDatabaseFile = databaseFile === undefined ? undefined : await watchDatabaseFile(databaseFile);
    const localKeys =
      config.auth.jwksUrl === undefined ? await loadOrCreateLocalKeys(config.dataDir) : undefined;
    const verifyToken = createTokenVerifier(config.auth, localKeys?.publicJwk);
    const metrics = createHttpMetrics({ collectProcessMetrics: config.nodeEnv !== 'test' });
    // SQLite writes into DATA_DIR, and fails every write once its disk is full; PostgreSQL's disk is
    // the database server's, watched there.
    const readFree = options.readFreeBytes ?? readFreeBytes;
    const dataDirFreeBytes = config.databaseUrl === undefined ? () => readFree(config.dataDir) : undefined;
    const storageChecks: ReadinessCheck[] =
      dataDirFreeBytes === undefined || config.minFreeDiskMb === 0
        ? []
        : [
            {
              name: 'storage',
              run: async () => checkStorage(await dataDirFreeBytes(), config.minFreeDiskMb),
            },
          ];
    const log = await createDecisionLog(db, config, now);
    const { decisionLog } = log;

    const jobSeekerStore = new KnexJobSeekerStore(db);
    const courseStore = new KnexCourseStore(db);
    const recommendationStore = new KnexRecommendationStore(db);
    const feedbackStore = new KnexFeedbackStore(db);
    const contestReplyStore = new KnexContestReplyStore(db);
    const idempotencyStore = new KnexIdempotencyStore(db);
    const outcomeStore = new KnexCourseOutcomeStore(db);
    const settingsStore = new KnexSettingsStore(db);
    const occupationLabelStore = new KnexOccupationLabelStore(db);
    const fileReadStore = new KnexFileReadStore(db);
    const fileReads = new FileReadService({ store: fileReadStore, now });
    const auditEvents = new KnexAuditEventStore(db);
    const pseudonymise = (id: string) => log.pseudonymiser.pseudonymise(id);
    const checkLoggedText = createLoggedTextCheck({ events: auditEvents, log: decisionLog, pseudonymise });
    // One scrubber for every change that deletes a person's rows: erasure, objection, retraction,
    // recall, retention.
    const scrubber = new KnexStorageScrubber(db);
    const modelStore = new KnexModelStore(db);
    registry = new ModelRegistry({
      store: modelStore,
      decisionLog,
      loadScorer: (folder, expected) => OnnxScorer.load(folder, expected),
      modelsDir: config.modelsDir,
      loadRetryMs: config.modelLoadRetrySeconds * 1000,
      now,
      pseudonymise,
      logger,
      checkLoggedText,
      withdrawModelSets: (trx, modelId, recall) =>
        withdrawModelSets(
          { store: recommendationStore, decisionLog, outcomes: outcomeStore },
          trx,
          modelId,
          recall,
        ),
      scrubber,
    });
    // A model that cannot be registered or loaded is logged and leaves the process without one: it
    // starts anyway, and tries again every MODEL_LOAD_RETRY_SECONDS.
    await registry.start(config.shippedModel, { activateShipped: config.activateShippedModel });
    const models = registry;
    // What every review action reads and writes through: the review's, the shortlist's and the
    // publication's.
    const reviewActionDeps = {
      store: recommendationStore,
      jobSeekers: jobSeekerStore,
      courses: courseStore,
      settings: settingsStore,
      occupationLabels: occupationLabelStore,
      decisionLog,
      now,
      onWarning: metrics.countWarning,
    };

    const services: AppServices = {
      jobSeekers: new JobSeekerService({
        store: jobSeekerStore,
        decisionLog,
        now,
        withdrawOpenSets: (trx, seekerId) =>
          withdrawOpenSets({ store: recommendationStore, decisionLog, now }, trx, seekerId, {
            reason: WITHDRAWAL_REASONS.caseloadChange.stored,
          }),
        contests: contestReplyStore,
        occupationLabels: occupationLabelStore,
        reads: fileReads,
        pseudonymise,
      }),
      courses: new CourseService(courseStore, occupationLabelStore, decisionLog, now),
      occupationLabels: new OccupationLabelService(occupationLabelStore, decisionLog),
      settings: new SettingsService(settingsStore, decisionLog, checkLoggedText, now),
      models,
      recommendations: new RecommendationService({
        store: recommendationStore,
        jobSeekers: jobSeekerStore,
        courses: courseStore,
        settings: settingsStore,
        idempotency: idempotencyStore,
        occupationLabels: occupationLabelStore,
        decisionLog,
        models,
        feedback: feedbackStore,
        reads: fileReads,
        secondReviewDrawKey: log.secondReviewDrawKey,
        now,
      }),
      review: new ReviewService({
        ...reviewActionDeps,
        outcomes: outcomeStore,
        scrubber,
        logger,
        onItemDecided: metrics.countItemDecision,
      }),
      shortlists: new ShortlistService(reviewActionDeps),
      publication: new PublicationService({
        ...reviewActionDeps,
        onSecondReview: metrics.countSecondReview,
      }),
      contestReplies: new ContestReplyService({
        store: recommendationStore,
        jobSeekers: jobSeekerStore,
        replies: contestReplyStore,
        idempotency: idempotencyStore,
        decisionLog,
        now,
        onWarning: metrics.countWarning,
      }),
      portal: new PortalService({
        jobSeekers: jobSeekerStore,
        recommendations: recommendationStore,
        courses: courseStore,
        occupationLabels: occupationLabelStore,
        feedback: feedbackStore,
        contestReplies: contestReplyStore,
        outcomes: outcomeStore,
        fileReads: fileReadStore,
        decisionLog,
        readSnapshot: createReadSnapshot(db),
        keyring: log.subjectKeyring,
        ...(config.privacyContact === undefined ? {} : { privacyContact: config.privacyContact }),
        now,
        onWarning: metrics.countWarning,
      }),
      objection: new ObjectionService({
        jobSeekers: jobSeekerStore,
        recommendations: recommendationStore,
        outcomes: outcomeStore,
        scrubber,
        logger,
        decisionLog,
        ...(config.privacyContact === undefined ? {} : { privacyContact: config.privacyContact }),
        now,
        onWarning: metrics.countWarning,
      }),
      outcomes: new CourseOutcomeService({
        store: outcomeStore,
        jobSeekers: jobSeekerStore,
        recommendations: recommendationStore,
        decisionLog,
        now,
      }),
      erasure: new ErasureService({
        store: new KnexErasureStore(),
        decisionLog,
        keyring: log.subjectKeyring,
        scrubber,
        checkLoggedText,
        logger,
      }),
      accessRecords: new AccessRecordService({
        jobSeekers: jobSeekerStore,
        recommendations: recommendationStore,
        feedback: feedbackStore,
        contestReplies: contestReplyStore,
        outcomes: outcomeStore,
        fileReads: fileReadStore,
        decisionLog,
        keyring: log.subjectKeyring,
        pseudonymise,
        models,
        retention: config.retention,
        ...(config.privacyContact === undefined ? {} : { privacyContact: config.privacyContact }),
        checkLoggedText,
        now,
      }),
      audit: new AuditService({
        events: auditEvents,
        log: decisionLog,
        keyring: log.subjectKeyring,
        models,
        settings: { getSettings: () => settingsStore.get() },
        sets: recommendationStore,
        outcomes: outcomeStore,
        minPeoplePerFigure: config.audit.minPeoplePerFigure,
        figureWeeks: new KnexFigureWeekStore(db),
        logDays: config.retention.logDays,
        pseudonymise,
        now,
        onVerified: metrics.countLogVerification,
      }),
      ownOversight: new OwnOversightService({
        events: auditEvents,
        log: decisionLog,
        settings: { getSettings: () => settingsStore.get() },
        pseudonymise,
        now,
      }),
      incidents: new IncidentService({
        log: decisionLog,
        events: auditEvents,
        models: modelStore,
        sets: recommendationStore,
        checkLoggedText,
        idempotency: idempotencyStore,
        clockToleranceMs: config.auth.clockToleranceSeconds * 1000,
        now,
      }),
      readiness: new ReadinessProbe([
        {
          name: 'database',
          run: async () => {
            await reachDatabase(db, CHECK_TIMEOUT_MS);
            return checkDatabaseFile === undefined ? 'ok' : checkDatabaseFile();
          },
        },
        {
          // An active model that cannot be loaded, or a shipped one that could not be registered,
          // keeps the instance ready: counselors keep the manual path, and suggestions answer 503
          // until a retry succeeds. `not_configured`: none active, and none failed to register.
          name: 'model',
          run: async () => checkModel(await models.currentState()),
          late: MODEL_LOADING,
        },
        {
          // A key rotation while the process ran: no person's data key opens with its master key, or
          // its checkpoints would be signed with a retired key.
          name: 'keys',
          lateKeepsLastAnswer: true,
          run: async () =>
            checkKeys({
              masterKeyInUse: await log.subjectKeyring.isMasterKeyInUse(),
              signingKeyInUse: await log.decisionLog.isSigningKeyInUse(),
            }),
        },
        ...storageChecks,
      ]),
    };

    const retention = createRetentionService(db, decisionLog, config.retention, { now, scrubber, logger });
    const openApiDocument = loadOpenApiDocument();
    let retentionJob: DailyRetentionJob | undefined;
    let driftWatch: DriftWatch | undefined;
    registerOperatingGauges(metrics.registry, {
      aiEnabled: async () => (await settingsStore.get()).aiEnabled,
      modelCheck: async () => checkModel(await models.currentState()),
      ...(dataDirFreeBytes === undefined ? {} : { dataDirFreeBytes }),
      retentionFailedRunsInARow: () => retentionJob?.failedRunsInARow() ?? 0,
      unreportedIncidents: () => readUnreportedIncidents(auditEvents),
      lastDriftCheck: () => driftWatch?.lastCheck(),
      activeModelId: () => modelStore.findActiveId(),
      driftFailedChecksInARow: () => driftWatch?.failedChecksInARow() ?? 0,
    });
    // Started last: nothing after them can fail and leave them running against a closed database.
    retentionJob = config.retention.dailyJob ? startDailyRetentionJob(retention, logger) : undefined;
    const logVerification =
      config.audit.verifyEveryHours > 0
        ? startDailyLogVerification(decisionLog, metrics, logger, {
            intervalMs: config.audit.verifyEveryHours * 60 * 60 * 1000,
          })
        : undefined;
    // Built even when off (AUDIT_DRIFT_EVERY_HOURS=0): then it checks only when asked (checkDriftNow).
    const watch = createDriftWatch(() => services.audit.readRecentDrift(), logger, {
      intervalMs: config.audit.driftEveryHours * 60 * 60 * 1000,
    });
    driftWatch = watch;

    return {
      config,
      db,
      logger,
      metrics,
      services,
      decisionLog: log,
      retention,
      verifyToken,
      localKeys,
      openApiDocument,
      findStorageUnavailable,
      checkDriftNow: () => watch.checkNow(),
      recordServiceStart: () =>
        recordServiceStart({
          decisionLog,
          models: modelStore,
          settings: settingsStore,
          engine: engineOf(db),
          softwareVersion: readSoftwareVersion(),
          schema: { version: LATEST_MIGRATION, migrationsApplied },
          auditMinPeople: config.audit.minPeoplePerFigure,
          retention: config.retention,
        }),
      seedDemoData: async () => {
        if (!config.seedDemo) return undefined;
        // Processes starting together on an empty database take turns: the next one finds the catalog
        // written and writes nothing.
        const seeded = await inStartupTurn(db, 'demo', () =>
          seedDemoData({ stores: { courses: courseStore }, services }, now()),
        );
        if (seeded === undefined) {
          logger.info('demo data already there (the catalog holds courses): nothing written');
        } else {
          logger.info(seeded, 'empty database: demo catalog and caseloads written');
        }
        return seeded;
      },
      close: async () => {
        await retentionJob?.stop();
        await logVerification?.stop();
        await watch.stop();
        await models.close();
        await db.destroy();
      },
    };
  } catch (error) {
    await registry?.close();
    await db.destroy();
    throw error;
  }
}
