/** The log's events as an auditor reads them: a page at a time, or every match streamed out in an export. */
import type { RecordedDecisionEvent } from '../decision-log/decision-event.ts';
import { takePage } from '../shared/take-page.ts';
import type { AuditEventFilter } from './audit-event-filter.ts';
import type { StoredEvent } from './audit-event-store.ts';
import { checkPeriod } from './audit-period.ts';
import type { AuditServiceDeps } from './audit-service-deps.ts';
import type { AuditRequest, AuditTrail } from './audit-trail.ts';
import type { ExportFormat } from './event-export-format.ts';

export interface AuditEventsPage {
  events: RecordedDecisionEvent[];
  /** The seq to continue after, or null when this was the last page. */
  nextAfterSeq: number | null;
}

export interface AuditExport {
  /** The head when the export began: later events are left out. */
  toSeq: number;
  /** The seq of the first event exported, null when none matched: cutting the start off shows. */
  fromSeq: number | null;
  count: number;
  events: AsyncIterable<StoredEvent>;
}

/** One page of events, oldest first, as recorded (pseudonyms, sealed personal parts). */
export async function listAuditEvents(
  deps: Pick<AuditServiceDeps, 'events'>,
  trail: AuditTrail,
  request: AuditRequest,
  filter: AuditEventFilter,
  page: { afterSeq: number; limit: number },
): Promise<AuditEventsPage> {
  await trail.checkPurpose(request, 'listAuditEvents');
  await trail.checkFilter(request, 'listAuditEvents', filter);
  checkPeriod(filter);
  const found = await deps.events.listEvents(filter, {
    afterSeq: page.afterSeq,
    limit: page.limit + 1,
  });
  const { items: events, next } = takePage(found, page.limit);
  await trail.record(request, 'listAuditEvents', { ...filter, afterSeq: page.afterSeq }, events.length, {
    setSubject: await findSetSubject(deps, filter),
  });
  return { events, nextAfterSeq: next?.seq ?? null };
}

/**
 * Every matching event up to the current head, to be streamed out. The query (with its count)
 * is logged first; the events are then read page by page as the caller consumes them.
 */
export async function exportAuditEvents(
  deps: Pick<AuditServiceDeps, 'events' | 'log'>,
  trail: AuditTrail,
  request: AuditRequest,
  filter: AuditEventFilter,
  format: ExportFormat,
): Promise<AuditExport> {
  await trail.checkPurpose(request, 'exportAuditEvents');
  await trail.checkFilter(request, 'exportAuditEvents', filter);
  checkPeriod(filter);
  // Signed at the head on demand, so that a signature covers the whole export offline.
  const checkpoint = await deps.log.createCheckpoint();
  const toSeq = checkpoint?.seq ?? 0;
  const count = await deps.events.countEvents(filter, toSeq);
  const [first] = await deps.events.listEvents(filter, { afterSeq: 0, limit: 1, toSeq });
  await trail.record(request, 'exportAuditEvents', { ...filter, format, toSeq }, count, {
    setSubject: await findSetSubject(deps, filter),
  });
  return {
    toSeq,
    fromSeq: first?.seq ?? null,
    count,
    events: deps.events.streamStoredEvents(filter, toSeq),
  };
}

/**
 * The pseudonym of the person a set whose trail is read (`setId`) was made for, the subject of its
 * first event: the read is one of that person's data, which their access record lists. Undefined
 * without the filter, or for a set the log does not name.
 */
async function findSetSubject(
  deps: Pick<AuditServiceDeps, 'events'>,
  filter: AuditEventFilter,
): Promise<string | undefined> {
  if (filter.setId === undefined) return undefined;
  const [first] = await deps.events.listEvents({ setId: filter.setId }, { afterSeq: 0, limit: 1 });
  return first?.subject ?? undefined;
}
