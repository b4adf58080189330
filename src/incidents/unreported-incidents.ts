import type { AuditEventStore } from '../audit/audit-event-store.ts';
import {
  collectIncidents,
  INCIDENT_EVENT_TYPES,
  INCIDENT_RECIPIENTS,
  INCIDENT_SEVERITIES,
  type Incident,
  type IncidentRecipient,
  type IncidentSeverity,
} from './incident.ts';

/** The incidents of one severity that no notification to one recipient was recorded for. */
export interface UnreportedIncidents {
  severity: IncidentSeverity;
  recipient: IncidentRecipient;
  count: number;
  /** The earliest `detectedAt` among them (ISO 8601, UTC); null when there are none. */
  oldestDetectedAt: string | null;
}

/**
 * For each severity and recipient, in that order (every pair, at 0 when none), how many incidents
 * have no notification to that recipient recorded, and when the oldest of them was detected: the
 * deadlines of Art. 26(5) and Art. 73 run from the detection. Names no one: counts and an instant.
 */
export function tallyUnreportedIncidents(incidents: readonly Incident[]): UnreportedIncidents[] {
  return INCIDENT_SEVERITIES.flatMap((severity) =>
    INCIDENT_RECIPIENTS.map((recipient) => {
      const unreported = incidents.filter(
        (incident) =>
          incident.severity === severity &&
          !incident.notifications.some((notification) => notification.recipient === recipient),
      );
      const oldest = Math.min(...unreported.map((incident) => Date.parse(incident.detectedAt)));
      return {
        severity,
        recipient,
        count: unreported.length,
        oldestDetectedAt: unreported.length === 0 ? null : new Date(oldest).toISOString(),
      };
    }),
  );
}

/**
 * The incidents not yet reported, as `tallyUnreportedIncidents` gives them, read from their events'
 * type index at each scrape of `/metrics` (incidents are few). Not an audit query: it gives counts
 * and instants, which name no one.
 */
export async function readUnreportedIncidents(
  events: Pick<AuditEventStore, 'streamContents'>,
): Promise<UnreportedIncidents[]> {
  const logged = await collectIncidents(events.streamContents({ types: INCIDENT_EVENT_TYPES }));
  return tallyUnreportedIncidents(logged.map(({ incident }) => incident));
}
