import type { Request, Router } from 'express';
import type { Checkpoint } from '../decision-log/checkpoint-signer.ts';
import type { RecordedDecisionEvent } from '../decision-log/decision-event.ts';
import { formatSigningKeysPem } from '../decision-log/signing-keys-pem.ts';
import { createCaseSensitiveRouter } from '../http/case-sensitive-router.ts';
import type { components, operations } from '../http/generated/api.ts';
import { isHeadRequest } from '../http/head-as-get.ts';
import { readHeaderField } from '../http/header-text.ts';
import { PageCursor } from '../http/page-cursor.ts';
import { requirePrincipal } from '../http/principal-context.ts';
import { RequestValidationError } from '../http/problem.ts';
import { normaliseUuid } from '../shared/uuid-text.ts';
import type { AuditEventFilter } from './audit-event-filter.ts';
import type { StoredEvent } from './audit-event-store.ts';
import type { AuditRequest, AuditService } from './audit-service.ts';
import {
  CSV_HEADER,
  EXPORT_MEDIA_TYPES,
  type ExportFormat,
  formatCsvRow,
  formatNdjsonLine,
} from './event-export-format.ts';
import { type PeriodQuery, toPeriod } from './period-query.ts';
import { writeStreamed } from './write-streamed.ts';

type AuditEventBody = components['schemas']['AuditEvent'];
type AuditEventPageBody = components['schemas']['AuditEventPage'];
type ChainVerificationBody = components['schemas']['ChainVerification'];
type CheckpointBody = components['schemas']['Checkpoint'];
type CheckpointPageBody = components['schemas']['CheckpointPage'];
type AuditPublicKeyBody = components['schemas']['AuditPublicKey'];
type OversightStatsBody = components['schemas']['OversightStats'];
type UsageStatsBody = components['schemas']['UsageStats'];
type AttributionStatsBody = components['schemas']['AttributionStats'];
type DriftStatsBody = components['schemas']['DriftStats'];
type OutcomeStatsBody = components['schemas']['OutcomeStats'];
type EventsQuery = NonNullable<operations['listAuditEvents']['parameters']['query']>;
type ExportQuery = NonNullable<operations['exportAuditEvents']['parameters']['query']>;
type VerifyQuery = NonNullable<operations['verifyAuditLog']['parameters']['query']>;
type CheckpointsQuery = NonNullable<operations['listAuditCheckpoints']['parameters']['query']>;
type OversightQuery = NonNullable<operations['getOversightStats']['parameters']['query']>;

const DEFAULT_PAGE_SIZE = 50;
const PURPOSE_HEADER = 'x-audit-purpose';
/** The purpose's length in characters (the contract's schema can only bound its bytes). */
const PURPOSE_TEXT = { maxLength: 200 };

/** A position in seq order: the last seq of a page. */
const readSeq = (value: unknown): number | undefined =>
  Number.isSafeInteger(value) && Number(value) > 0 ? Number(value) : undefined;
/** The log's pages and the checkpoints' pages, in seq order: a cursor holds the last seq of its page. */
const EVENT_CURSOR = new PageCursor('audit-events', readSeq);
const CHECKPOINT_CURSOR = new PageCursor('audit-checkpoints', readSeq);

/** The auditor's routes (`/v1/audit/...`); the contract admits the `auditor` role only. */
export function createAuditRoutes(service: AuditService): Router {
  const router = createCaseSensitiveRouter();

  router.get('/v1/audit/events', async function listAuditEvents(req, res) {
    const query = req.query as EventsQuery;
    const filter = toEventFilter(query);
    const page = await service.listEvents(readAuditRequest(req), filter, {
      afterSeq: EVENT_CURSOR.decode(query.cursor, filter) ?? 0,
      limit: readLimit(query.limit),
    });
    const body: AuditEventPageBody = {
      items: page.events.map(toAuditEventBody),
      nextCursor: page.nextAfterSeq === null ? null : EVENT_CURSOR.encode(page.nextAfterSeq, filter),
    };
    res.json(body);
  });

  router.get('/v1/audit/events/export', async function exportAuditEvents(req, res) {
    const query = req.query as ExportQuery;
    const format: ExportFormat = query.format === 'csv' ? 'csv' : 'ndjson';
    const exported = await service.exportEvents(readAuditRequest(req), toEventFilter(query), format);
    res.status(200);
    res.setHeader('Content-Type', EXPORT_MEDIA_TYPES[format]);
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="decision-log-to-${exported.toSeq}.${format}"`,
    );
    res.setHeader('X-Audit-Event-Count', String(exported.count));
    res.setHeader('X-Audit-To-Seq', String(exported.toSeq));
    if (exported.fromSeq !== null) res.setHeader('X-Audit-From-Seq', String(exported.fromSeq));
    // A HEAD sends no body: the events are not read for it.
    if (isHeadRequest(req)) {
      res.end();
      return;
    }
    await writeStreamed(res, formatLines(exported.events, format));
  });

  router.get('/v1/audit/verify', async function verifyAuditLog(req, res) {
    const query = req.query as VerifyQuery;
    const range: { fromSeq?: number; toSeq?: number } = {};
    if (query.fromSeq !== undefined) range.fromSeq = Number(query.fromSeq);
    if (query.toSeq !== undefined) range.toSeq = Number(query.toSeq);
    const verification = await service.verify(readAuditRequest(req), range);
    const body: ChainVerificationBody = {
      ok: verification.ok,
      checked: verification.checked,
      checkpointsChecked: verification.checkpointsChecked,
      firstBadSeq: verification.firstBadSeq,
      reason: verification.reason,
      lastSeq: verification.lastSeq,
      unanchored: verification.unanchored,
      head: verification.head,
    };
    res.json(body);
  });

  router.get('/v1/audit/checkpoints', async function listAuditCheckpoints(req, res) {
    const query = req.query as CheckpointsQuery;
    const filter = query.toSeq === undefined ? {} : { toSeq: Number(query.toSeq) };
    const page = await service.listCheckpoints(readAuditRequest(req), {
      afterSeq: CHECKPOINT_CURSOR.decode(query.cursor, filter) ?? 0,
      limit: readLimit(query.limit),
      ...filter,
    });
    const body: CheckpointPageBody = {
      items: page.checkpoints.map(toCheckpointBody),
      nextCursor: page.nextAfterSeq === null ? null : CHECKPOINT_CURSOR.encode(page.nextAfterSeq, filter),
    };
    res.json(body);
  });

  router.get('/v1/audit/public-key', async function getAuditPublicKey(req, res) {
    const key = await service.readPublicKey(readAuditRequest(req));
    if (req.accepts(['application/json', 'text/plain']) === 'text/plain') {
      res.type('text/plain').send(formatSigningKeysPem(key.keys));
      return;
    }
    const body: AuditPublicKeyBody = key;
    res.json(body);
  });

  router.get('/v1/audit/stats/oversight', async function getOversightStats(req, res) {
    const query = req.query as OversightQuery;
    const report = await service.computeOversight(
      readAuditRequest(req),
      toPeriod(query),
      query.fastDecisionSeconds === undefined ? undefined : Number(query.fastDecisionSeconds),
    );
    const body: OversightStatsBody = report;
    res.json(body);
  });

  router.get('/v1/audit/stats/usage', async function getUsageStats(req, res) {
    const report = await service.computeUsage(readAuditRequest(req), toPeriod(req.query as PeriodQuery));
    const body: UsageStatsBody = report;
    res.json(body);
  });

  router.get('/v1/audit/stats/attributions', async function getAttributionStats(req, res) {
    const report = await service.computeAttributions(
      readAuditRequest(req),
      toPeriod(req.query as PeriodQuery),
    );
    const body: AttributionStatsBody = report;
    res.json(body);
  });

  router.get('/v1/audit/stats/drift', async function getDriftStats(req, res) {
    const report = await service.computeDrift(readAuditRequest(req), toPeriod(req.query as PeriodQuery));
    const body: DriftStatsBody = report;
    res.json(body);
  });

  router.get('/v1/audit/stats/outcomes', async function getOutcomeStats(req, res) {
    const report = await service.computeOutcomes(readAuditRequest(req), toPeriod(req.query as PeriodQuery));
    const body: OutcomeStatsBody = report;
    res.json(body);
  });

  return router;
}

/**
 * The caller and the purpose the contract makes them state (the service checks it before any work),
 * and whether they take the headers alone: a HEAD is logged as such, its result never sent.
 */
export function readAuditRequest(req: Request): AuditRequest {
  return {
    auditor: requirePrincipal(req),
    purpose: readHeaderField(req, PURPOSE_HEADER, PURPOSE_TEXT),
    ...(isHeadRequest(req) ? { headersOnly: true } : {}),
  };
}

function toEventFilter(query: EventsQuery): AuditEventFilter {
  const filter: AuditEventFilter = toPeriod(query);
  // Each type once: a type repeated (`type=a,a`, `type=a&type=a`) would be read, and counted, twice.
  if (query.type !== undefined) filter.types = [...new Set(query.type)];
  if (query.actor !== undefined) filter.actor = query.actor;
  if (query.subject !== undefined) filter.subject = query.subject;
  if (query.modelVersion !== undefined) filter.modelVersion = query.modelVersion;
  if (query.modelId !== undefined) filter.modelId = query.modelId;
  if (query.setId !== undefined) {
    if (filter.modelVersion !== undefined || filter.modelId !== undefined) {
      throw new RequestValidationError([
        {
          path: '/query/setId',
          message:
            'is one set’s trail: give it without modelVersion and modelId (the set’s recommendation.generated names its model)',
        },
      ]);
    }
    // As the API writes ids, so that a set asked for in capitals is found, and recorded once.
    filter.setId = normaliseUuid(query.setId);
  }
  return filter;
}

/** The page size asked for, or the audit lists' default. */
export function readLimit(limit: number | undefined): number {
  return limit === undefined ? DEFAULT_PAGE_SIZE : Number(limit);
}

function toAuditEventBody(event: RecordedDecisionEvent): AuditEventBody {
  return { ...event, actor: { ...event.actor } };
}

function toCheckpointBody(checkpoint: Checkpoint): CheckpointBody {
  return { ...checkpoint };
}

async function* formatLines(events: AsyncIterable<StoredEvent>, format: ExportFormat): AsyncIterable<string> {
  if (format === 'csv') yield CSV_HEADER;
  for await (const event of events) yield format === 'csv' ? formatCsvRow(event) : formatNdjsonLine(event);
}
