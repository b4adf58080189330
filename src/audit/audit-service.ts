import type { IncidentListPosition } from '../incidents/incident.ts';
import { type AttributionReport, computeAttributions } from './attribution-report.ts';
import type { AuditEventFilter } from './audit-event-filter.ts';
import {
  type AuditEventsPage,
  type AuditExport,
  exportAuditEvents,
  listAuditEvents,
} from './audit-events.ts';
import {
  type AuditPublicKey,
  type AuditVerification,
  type CheckpointsPage,
  listAuditCheckpoints,
  readAuditPublicKey,
  verifyAuditLog,
} from './audit-log-verification.ts';
import type { AuditPeriod } from './audit-period.ts';
import type { AuditServiceDeps } from './audit-service-deps.ts';
import { type AuditRequest, type AuditTrail, createAuditTrail } from './audit-trail.ts';
import { computeDrift, type DriftStatsReport, readRecentDrift } from './drift-report.ts';
import type { RecentDrift } from './drift-watch.ts';
import type { ExportFormat } from './event-export-format.ts';
import { type IncidentsPage, listIncidents } from './incidents-page.ts';
import { computeOutcomes, type OutcomeReport } from './outcome-report.ts';
import { computeOversight, type OversightReport } from './oversight-report.ts';
import { computeUsage, type UsageReport } from './usage-report.ts';

export { type AuditPeriod, PERIOD_ORDER_RULE } from './audit-period.ts';
export type { AuditRequest } from './audit-trail.ts';

/**
 * The auditor's side of the decision log (issue 4): filtered reads, streamed exports,
 * verification, checkpoints and the oversight, attribution, drift and outcome figures, all
 * computed from the log itself (the outcome figures count the items published from the sets held).
 * Every query appends `audit.queried` with its
 * purpose before any result is handed back: no read leaves without its trace (`AuditTrail`). Each
 * query is written in its own module: the events (`audit-events.ts`), the log's verification
 * (`audit-log-verification.ts`), each figure's report (`*-report.ts`) and the incidents
 * (`incidents-page.ts`).
 */
export class AuditService {
  readonly #trail: AuditTrail;

  constructor(private readonly deps: AuditServiceDeps) {
    this.#trail = createAuditTrail(deps);
  }

  /** One page of events, oldest first, as recorded (pseudonyms, sealed personal parts). */
  listEvents(
    request: AuditRequest,
    filter: AuditEventFilter,
    page: { afterSeq: number; limit: number },
  ): Promise<AuditEventsPage> {
    return listAuditEvents(this.deps, this.#trail, request, filter, page);
  }

  /**
   * Every matching event up to the current head, to be streamed out. The query (with its count)
   * is logged first; the events are then read page by page as the caller consumes them.
   */
  exportEvents(request: AuditRequest, filter: AuditEventFilter, format: ExportFormat): Promise<AuditExport> {
    return exportAuditEvents(this.deps, this.#trail, request, filter, format);
  }

  /** Verifies the chain from `fromSeq` (default 1) to `toSeq` (default: the head). */
  verify(request: AuditRequest, range: { fromSeq?: number; toSeq?: number }): Promise<AuditVerification> {
    return verifyAuditLog(this.deps, this.#trail, request, range);
  }

  /** Signed checkpoints after the cursor (and up to `toSeq`), in seq order. */
  listCheckpoints(
    request: AuditRequest,
    page: { afterSeq: number; limit: number; toSeq?: number },
  ): Promise<CheckpointsPage> {
    return listAuditCheckpoints(this.deps, this.#trail, request, page);
  }

  /** The Ed25519 public key that verifies the checkpoints. */
  readPublicKey(request: AuditRequest): Promise<AuditPublicKey> {
    return readAuditPublicKey(this.deps, this.#trail, request);
  }

  /**
   * Reliance figures per counselor, model version and ISO week, for the sets generated in the
   * period; `fastDecisionSeconds` defaults to the current setting.
   */
  computeOversight(
    request: AuditRequest,
    period: AuditPeriod,
    fastDecisionSeconds?: number,
  ): Promise<OversightReport> {
    return computeOversight(this.deps, this.#trail, request, period, fastDecisionSeconds);
  }

  /** How much the system was used, week by week, and for the whole period. */
  computeUsage(request: AuditRequest, period: AuditPeriod): Promise<UsageReport> {
    return computeUsage(this.deps, this.#trail, request, period);
  }

  /** Mean absolute stored attribution per feature and model version, over the period's whole weeks. */
  computeAttributions(request: AuditRequest, asked: AuditPeriod): Promise<AttributionReport> {
    return computeAttributions(this.deps, this.#trail, request, asked);
  }

  /** Population stability index per feature and model, over the period's whole weeks. */
  computeDrift(request: AuditRequest, asked: AuditPeriod): Promise<DriftStatsReport> {
    return computeDrift(this.deps, this.#trail, request, asked);
  }

  /**
   * The drift level per feature of the active model's inputs over the last whole weeks, for the
   * service's own drift watch (`/metrics`): no caller, no purpose, no audit trail; it gives levels only.
   */
  readRecentDrift(): Promise<RecentDrift> {
    return readRecentDrift(this.deps);
  }

  /** What became of the courses proposed, per model version and source, over the period's whole weeks. */
  computeOutcomes(request: AuditRequest, asked: AuditPeriod): Promise<OutcomeReport> {
    return computeOutcomes(this.deps, this.#trail, request, asked);
  }

  /** One page of the incidents recorded, the latest detected first, with where each one's reporting stands. */
  listIncidents(
    request: AuditRequest,
    page: { after?: IncidentListPosition; limit: number },
  ): Promise<IncidentsPage> {
    return listIncidents(this.deps, this.#trail, request, page);
  }
}
