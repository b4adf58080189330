/** The incidents as an auditor or an admin reads them: a page at a time, with where each one's reporting stands. */
import {
  collectIncidents,
  describeIncident,
  INCIDENT_EVENT_TYPES,
  type IncidentListPosition,
  type IncidentStatus,
  listLatestDetectedFirst,
  positionOf,
} from '../incidents/incident.ts';
import { readNamedSetStates } from '../incidents/read-named-set-states.ts';
import { takePage } from '../shared/take-page.ts';
import type { AuditServiceDeps } from './audit-service-deps.ts';
import type { AuditRequest, AuditTrail } from './audit-trail.ts';

export interface IncidentsPage {
  incidents: IncidentStatus[];
  /** The position to continue after, or null when this was the last page. */
  nextAfter: IncidentListPosition | null;
}

/**
 * One page of the incidents recorded (`incident.recorded`, with its `incident.notified`), the
 * latest detected first, after the cursor's position, with where each one's reporting stands
 * today. Read from the log, the incidents' only record: every incident is read to order them (they
 * are few), and each page carries every notification recorded up to the head.
 */
export async function listIncidents(
  deps: Pick<AuditServiceDeps, 'events' | 'log' | 'sets' | 'now'>,
  trail: AuditTrail,
  request: AuditRequest,
  page: { after?: IncidentListPosition; limit: number },
): Promise<IncidentsPage> {
  await trail.checkPurpose(request, 'listIncidents');
  const { seq: toSeq } = await deps.log.readHead();
  const found = listLatestDetectedFirst(
    await collectIncidents(deps.events.streamContents({ types: INCIDENT_EVENT_TYPES }, toSeq)),
    page.after,
  );
  const { items, next } = takePage(found, page.limit);
  await trail.record(request, 'listIncidents', { ...page, toSeq }, items.length);
  const setStates = await readNamedSetStates(
    deps,
    items.flatMap(({ incident }) => incident.setIds),
  );
  const now = deps.now();
  return {
    incidents: items.map(({ incident }) => describeIncident(incident, now, setStates)),
    nextAfter: next === undefined ? null : positionOf(next),
  };
}
