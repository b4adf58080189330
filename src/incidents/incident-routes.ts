import { Router } from 'express';
import { readAuditRequest } from '../audit/audit-routes.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { components } from '../http/generated/api.ts';
import { requirePrincipal } from '../http/principal-context.ts';
import type { ScreeningWarning } from '../screening/sensitive-terms.ts';
import type { IncidentStatus } from './incident.ts';
import type { IncidentService } from './incident-service.ts';

type IncidentInputBody = components['schemas']['IncidentInput'];
type IncidentNotificationInputBody = components['schemas']['IncidentNotificationInput'];
type IncidentBody = components['schemas']['Incident'];
type IncidentListBody = components['schemas']['IncidentList'];

/** The deployer's incidents (`/v1/audit/incidents`): recorded and reported by admins and auditors. */
export function createIncidentRoutes(incidents: IncidentService, audit: AuditService): Router {
  const router = Router();

  router.get('/v1/audit/incidents', async function listIncidents(req, res) {
    const body: IncidentListBody = {
      items: (await audit.listIncidents(readAuditRequest(req))).map((incident) => toIncidentBody(incident)),
    };
    res.json(body);
  });

  router.post('/v1/audit/incidents', async function recordIncident(req, res) {
    const body = req.body as IncidentInputBody;
    const { incident, warnings } = await incidents.recordIncident(requirePrincipal(req), {
      summary: body.summary,
      severity: body.severity,
      detectedAt: body.detectedAt,
      ...(body.modelId === undefined ? {} : { modelId: body.modelId }),
      ...(body.setIds === undefined ? {} : { setIds: body.setIds }),
      ...(body.measures === undefined ? {} : { measures: body.measures }),
      acknowledgeSensitiveTerms: body.acknowledgeSensitiveTerms ?? false,
    });
    res.status(201).json(toIncidentBody(incident, warnings));
  });

  router.post(
    '/v1/audit/incidents/:incidentId/notifications',
    async function recordIncidentNotification(req, res) {
      const body = req.body as IncidentNotificationInputBody;
      const incident = await incidents.recordNotification(requirePrincipal(req), req.params.incidentId, {
        recipient: body.recipient,
        notifiedAt: body.notifiedAt,
        ...(body.reference === undefined ? {} : { reference: body.reference }),
      });
      res.status(201).json(toIncidentBody(incident));
    },
  );

  return router;
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
