import type { Response, Router } from 'express';
import { readAuditRequest, readLimit } from '../audit/audit-routes.ts';
import type { AuditService } from '../audit/audit-service.ts';
import { createCaseSensitiveRouter } from '../http/case-sensitive-router.ts';
import type { components, operations } from '../http/generated/api.ts';
import { PageCursor } from '../http/page-cursor.ts';
import { requirePrincipal } from '../http/principal-context.ts';
import type { ScreeningWarning } from '../screening/sensitive-terms.ts';
import { isUtcInstant } from '../shared/utc-instant.ts';
import { normaliseUuid } from '../shared/uuid-text.ts';
import type { IncidentListPosition, IncidentStatus } from './incident.ts';
import type { IncidentService, RecordedAnswer } from './incident-service.ts';

type IncidentInputBody = components['schemas']['IncidentInput'];
type IncidentNotificationInputBody = components['schemas']['IncidentNotificationInput'];
type IncidentBody = components['schemas']['Incident'];
type IncidentPageBody = components['schemas']['IncidentPage'];
type IncidentsQuery = NonNullable<operations['listIncidents']['parameters']['query']>;

/** The list has no filter: its cursor is bound to the list alone. */
const NO_FILTER = {};

/** The incidents' pages, the latest detected first: a cursor holds the [detectedAt, seq] of the last incident of its page. */
const INCIDENT_CURSOR = new PageCursor('audit-incidents', (value): IncidentListPosition | undefined => {
  if (!Array.isArray(value) || value.length !== 2) return undefined;
  const [detectedAt, seq] = value as unknown[];
  if (typeof detectedAt !== 'string' || !isUtcInstant(detectedAt)) return undefined;
  if (!Number.isSafeInteger(seq) || Number(seq) < 1) return undefined;
  return [detectedAt, Number(seq)];
});

/** The deployer's incidents (`/v1/audit/incidents`): recorded and reported by admins and auditors. */
export function createIncidentRoutes(incidents: IncidentService, audit: AuditService): Router {
  const router = createCaseSensitiveRouter();

  router.get('/v1/audit/incidents', async function listIncidents(req, res) {
    const query = req.query as IncidentsQuery;
    const after = INCIDENT_CURSOR.decode(query.cursor, NO_FILTER);
    const page = await audit.listIncidents(readAuditRequest(req), {
      ...(after === undefined ? {} : { after }),
      limit: readLimit(query.limit),
    });
    const body: IncidentPageBody = {
      items: page.incidents.map((incident) => toIncidentBody(incident)),
      nextCursor: page.nextAfter === null ? null : INCIDENT_CURSOR.encode(page.nextAfter, NO_FILTER),
    };
    res.json(body);
  });

  router.post('/v1/audit/incidents', async function recordIncident(req, res) {
    const body = req.body as IncidentInputBody;
    const recorded = await incidents.recordIncident(
      requirePrincipal(req),
      {
        summary: body.summary,
        severity: body.severity,
        detectedAt: body.detectedAt,
        ...(body.modelId === undefined ? {} : { modelId: body.modelId }),
        ...(body.setIds === undefined ? {} : { setIds: body.setIds.map(normaliseUuid) }),
        ...(body.measures === undefined ? {} : { measures: body.measures }),
        acknowledgeSensitiveTerms: body.acknowledgeSensitiveTerms ?? false,
      },
      String(req.get('Idempotency-Key')),
    );
    sendRecorded(res, recorded);
  });

  router.post(
    '/v1/audit/incidents/:incidentId/notifications',
    async function recordIncidentNotification(req, res) {
      const body = req.body as IncidentNotificationInputBody;
      const recorded = await incidents.recordNotification(
        requirePrincipal(req),
        req.params.incidentId,
        {
          recipient: body.recipient,
          notifiedAt: body.notifiedAt,
          ...(body.reference === undefined ? {} : { reference: body.reference }),
        },
        String(req.get('Idempotency-Key')),
      );
      sendRecorded(res, recorded);
    },
  );

  return router;
}

/** A recording's answer (or its replay, said as such). */
function sendRecorded(res: Response, recorded: RecordedAnswer): void {
  if (recorded.replayed) res.set('Idempotent-Replayed', 'true');
  res.status(201).json(toIncidentBody(recorded.incident, recorded.warnings));
}

function toIncidentBody(incident: IncidentStatus, warnings: ScreeningWarning[] = []): IncidentBody {
  return {
    ...incident,
    recordedBy: { ...incident.recordedBy },
    notifications: incident.notifications.map((notification) => ({
      ...notification,
      recordedBy: { ...notification.recordedBy },
    })),
    ...(warnings.length === 0 ? {} : { warnings }),
  };
}
