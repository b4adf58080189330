import express, { type Express } from 'express';
import { rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import swaggerUi from 'swagger-ui-express';
import { createAccessRecordRoutes } from './access-record/access-record-routes.ts';
import type { AccessRecordService } from './access-record/access-record-service.ts';
import { createAuditRoutes } from './audit/audit-routes.ts';
import type { AuditService } from './audit/audit-service.ts';
import { createOwnOversightRoutes } from './audit/own-oversight-routes.ts';
import type { OwnOversightService } from './audit/own-oversight-service.ts';
import type { Principal } from './auth/principal.ts';
import type { TokenVerifier } from './auth/token-verifier.ts';
import type { Config } from './config.ts';
import { createCourseRoutes } from './courses/course-routes.ts';
import type { CourseService } from './courses/course-service.ts';
import { createErasureRoutes } from './erasure/erasure-routes.ts';
import type { ErasureService } from './erasure/erasure-service.ts';
import { createCors } from './http/cors.ts';
import { addressKeyOf, createFailedAuthenticationLimit } from './http/failed-authentication-limit.ts';
import { readHeadAsGet, restoreHead } from './http/head-as-get.ts';
import { holdUndecodableBody } from './http/hold-undecodable-body.ts';
import { serializeError } from './http/logger.ts';
import type { HttpMetrics } from './http/metrics.ts';
import { createOpenApiValidator } from './http/openapi-validator.ts';
import { operationIdOf } from './http/operation-id.ts';
import { createMarkPortalPaths } from './http/portal-validation-refusal.ts';
import { findPrincipal } from './http/principal-context.ts';
import {
  createErrorHandler,
  type FindStorageUnavailable,
  problem,
  sendProblem,
  unknownPathProblem,
} from './http/problem.ts';
import { refuseBracketQueryKeys } from './http/refuse-bracket-query-keys.ts';
import { refuseDeepBodies } from './http/refuse-deep-bodies.ts';
import { refuseDirectionControls } from './http/refuse-direction-controls.ts';
import { keepJsonBodyText, refuseDuplicateKeys } from './http/refuse-duplicate-keys.ts';
import { refuseInfiniteQueryNumbers } from './http/refuse-infinite-query-numbers.ts';
import { createRefuseNonDecimalNumbers } from './http/refuse-non-decimal-numbers.ts';
import { refuseUnexpectedBody } from './http/refuse-unexpected-body.ts';
import { refuseUnstorableCharacters } from './http/refuse-unstorable-characters.ts';
import { createRefuseWideBodies } from './http/refuse-wide-bodies.ts';
import { assignRequestId, carryRequestId } from './http/request-id.ts';
import { createUuidPathParams } from './http/uuid-path-params.ts';
import { createIncidentRoutes } from './incidents/incident-routes.ts';
import type { IncidentService } from './incidents/incident-service.ts';
import { createJobSeekerRoutes } from './job-seekers/job-seeker-routes.ts';
import type { JobSeekerService } from './job-seekers/job-seeker-service.ts';
import type { ModelRegistry } from './model-registry/model-registry.ts';
import { createModelRoutes } from './model-registry/model-routes.ts';
import { createObjectionRoutes } from './objection/objection-routes.ts';
import type { ObjectionService } from './objection/objection-service.ts';
import { createOccupationLabelRoutes } from './occupations/occupation-label-routes.ts';
import type { OccupationLabelService } from './occupations/occupation-label-service.ts';
import { createOperationsRoutes } from './operations/operations-routes.ts';
import type { ReadinessProbe } from './operations/readiness.ts';
import { createCourseOutcomeRoutes } from './outcomes/course-outcome-routes.ts';
import type { CourseOutcomeService } from './outcomes/course-outcome-service.ts';
import { createPortalRoutes } from './portal/portal-routes.ts';
import type { PortalService } from './portal/portal-service.ts';
import { createContestReplyRoutes } from './recommendations/contest-reply-routes.ts';
import type { ContestReplyService } from './recommendations/contest-reply-service.ts';
import type { PublicationService } from './recommendations/publication-service.ts';
import { createRecommendationRoutes } from './recommendations/recommendation-routes.ts';
import type { RecommendationService } from './recommendations/recommendation-service.ts';
import type { ReviewService } from './recommendations/review-service.ts';
import type { ShortlistService } from './recommendations/shortlist-service.ts';
import { createSettingsRoutes } from './settings/settings-routes.ts';
import type { SettingsService } from './settings/settings-service.ts';

/** The services the HTTP layer calls; built by `src/container.ts`. */
export interface AppServices {
  jobSeekers: JobSeekerService;
  courses: CourseService;
  occupationLabels: OccupationLabelService;
  settings: SettingsService;
  models: ModelRegistry;
  recommendations: RecommendationService;
  review: ReviewService;
  shortlists: ShortlistService;
  publication: PublicationService;
  contestReplies: ContestReplyService;
  portal: PortalService;
  objection: ObjectionService;
  outcomes: CourseOutcomeService;
  erasure: ErasureService;
  accessRecords: AccessRecordService;
  audit: AuditService;
  ownOversight: OwnOversightService;
  incidents: IncidentService;
  readiness: ReadinessProbe;
}

export interface AppDependencies {
  config: Config;
  /** The parsed OpenAPI document (`openapi/openapi.yaml`). */
  openApiDocument: Record<string, unknown>;
  verifyToken: TokenVerifier;
  logger: Logger;
  metrics: HttpMetrics;
  services: AppServices;
  /** Tells a database that cannot take a request now from a bug (503, not 500). */
  findStorageUnavailable: FindStorageUnavailable;
}

/**
 * Whose requests count together: a subject under its roles. Ids of different kinds (a job seeker's,
 * a counselor's) may be spelled alike; one person's requests must not use up another's.
 */
function rateLimitKeyOf(principal: Principal | undefined): string | undefined {
  return principal === undefined
    ? undefined
    : `${[...principal.roles].sort().join('+')}:${principal.subject}`;
}

/** Builds the Express app. It does no I/O of its own, so tests build it in-process. */
export function createApp(deps: AppDependencies): Express {
  const { config, openApiDocument, logger, metrics, services } = deps;
  const app = express();
  app.disable('x-powered-by');
  // Paths match as the contract writes them (see createCaseSensitiveRouter): the app's own paths (/v1's
  // headers, /openapi.json, /docs) and the validator's matching of operations, which reads this setting.
  app.set('case sensitive routing', true);
  app.set('query parser', 'simple');
  // ETags are the contract's: a set's and the settings' versions, which If-Match names (and
  // If-None-Match, for the settings). Express's own (a hash of every other body) would answer 304s
  // the contract does not declare.
  app.set('etag', false);
  // The address the limits count a client by: behind a proxy, the one it names in X-Forwarded-For.
  app.set('trust proxy', config.http.trustProxy);

  // Without `upgrade-insecure-requests`: over plain HTTP (a local start, a VM's address) it made
  // browsers fetch the documentation's scripts over HTTPS, and /docs stayed blank.
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }));
  app.use(
    pinoHttp({
      logger,
      genReqId: (_req, res) => assignRequestId(res),
      // The validator matches the operation after this middleware has run: it goes on the line
      // written when the response is done, not on a logger made for each request before it is known.
      customSuccessObject: (req, _res, line: object) => ({ ...line, operation: operationIdOf(req) }),
      customErrorObject: (req, _res, _error, line: object) => ({ ...line, operation: operationIdOf(req) }),
      // Given the objects themselves, not pino's own renderings of them: those keep every property of
      // an error (a database driver's copy of the refused row, for one), and errors are logged with
      // the request's logger (`req.log`) so that their lines carry its id.
      wrapSerializers: false,
      serializers: {
        req: (req: { id: unknown; method: string }) => ({ id: req.id, method: req.method }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
        err: serializeError,
      },
    }),
  );
  app.use(carryRequestId);
  app.use(createCors(config.http.corsOrigins));
  // Most answers hold personal data: no browser on a shared computer nor proxy may keep any of them.
  app.use('/v1', (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  app.use(metrics.middleware);

  // One count for every caller: a token's subject under its roles, else the address. The contract and
  // the documentation's pages (no token; the largest answers the service gives) count by address; the
  // operations endpoints are not counted (below).
  const limitRate = rateLimit({
    windowMs: 60_000,
    limit: config.http.rateLimitPerMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) => rateLimitKeyOf(findPrincipal(req)) ?? addressKeyOf(req),
    handler: (_req, res) => {
      sendProblem(
        res,
        problem(429, 'rate-limited', 'Too many requests', 'slow down and retry after the window resets'),
      );
    },
  });

  // Served apart from the validator, which refuses bracketed query names on the operations: refused
  // here alike.
  app.get('/openapi.json', limitRate, refuseBracketQueryKeys, (_req, res) => {
    res.json(openApiDocument);
  });
  app.use(
    '/docs',
    limitRate,
    refuseBracketQueryKeys,
    swaggerUi.serve,
    // `customCss` given, if empty: left out, the page's stylesheet ended in the word "undefined".
    swaggerUi.setup(undefined, {
      customCss: '',
      customSiteTitle: 'Aiguillage API',
      swaggerOptions: { url: '/openapi.json' },
    }),
  );

  // Before the body is read and any token checked: the operations endpoints are outside /v1 (their
  // probes are never refused), and the contract and the documentation pages check no token.
  const failedAuthentications = createFailedAuthenticationLimit(
    config.http.authFailuresPerMinute,
    deps.verifyToken,
  );
  app.use('/v1', failedAuthentications.refuseAddressOverLimit);

  // Before the body is read: what the reader refuses on the person's own calls is told in French.
  app.use(createMarkPortalPaths(openApiDocument));
  app.use(
    express.json({
      limit: config.http.jsonBodyLimit,
      type: ['application/json', 'application/*+json'],
      verify: keepJsonBodyText,
    }),
  );
  app.use(holdUndecodableBody);
  app.use(refuseDeepBodies);
  app.use(createRefuseWideBodies(openApiDocument));
  app.use(refuseDuplicateKeys);
  app.use(readHeadAsGet);
  app.use(createUuidPathParams(openApiDocument));
  app.use(
    createOpenApiValidator(
      openApiDocument,
      { validateApiSpec: config.nodeEnv !== 'production', validateResponses: config.http.validateResponses },
      deps.verifyToken,
    ),
  );
  app.use(...restoreHead);
  app.use(failedAuthentications.countFailedAuthentication);
  // After the validator: it has matched the operation, authenticated the caller and checked the rest.
  app.use(refuseUnexpectedBody);
  app.use(refuseInfiniteQueryNumbers);
  app.use(createRefuseNonDecimalNumbers(openApiDocument));
  app.use(refuseUnstorableCharacters);
  app.use(refuseDirectionControls);
  // Before the limit: the probes and the scrape poll from one address each, all day, and a probe
  // answered 429 would have a healthy process restarted or taken out of rotation.
  app.use(createOperationsRoutes({ readiness: services.readiness, metrics: metrics.registry }));
  app.use(limitRate);

  app.use(createJobSeekerRoutes(services.jobSeekers));
  app.use(createErasureRoutes(services.erasure));
  app.use(createAccessRecordRoutes(services.accessRecords));
  app.use(createCourseRoutes(services.courses, { importBodyLimitBytes: config.http.importBodyLimitBytes }));
  app.use(
    createRecommendationRoutes(
      services.recommendations,
      services.review,
      services.shortlists,
      services.publication,
    ),
  );
  app.use(createContestReplyRoutes(services.contestReplies));
  app.use(createPortalRoutes(services.portal));
  app.use(createObjectionRoutes(services.objection));
  app.use(createCourseOutcomeRoutes(services.outcomes));
  app.use(createOccupationLabelRoutes(services.occupationLabels));
  app.use(createSettingsRoutes(services.settings));
  app.use(createModelRoutes(services.models));
  app.use(createOwnOversightRoutes(services.ownOversight));
  app.use(createAuditRoutes(services.audit));
  app.use(createIncidentRoutes(services.incidents, services.audit));

  app.use((req, res) => {
    sendProblem(res, unknownPathProblem(req.path));
  });
  app.use(createErrorHandler(deps.findStorageUnavailable, openApiDocument));
  return app;
}
