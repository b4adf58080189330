import { describe, expect, it } from 'vitest';
import type { DecisionEventContent } from '../../src/decision-log/stored-decision-event.ts';
import {
  collectIncidents,
  describeIncident,
  listLatestDetectedFirst,
  positionOf,
} from '../../src/incidents/incident.ts';

const ADMIN = { role: 'admin', pseudonym: 'p-admin' };

function anEvent(seq: number, type: string, payload: unknown): DecisionEventContent {
  return { seq, type, occurredAt: `2026-12-0${seq}T10:00:00.000Z`, actor: ADMIN, subject: null, payload };
}

const recorded = (seq: number, incidentId: string, detectedAt: string, extra: Record<string, unknown> = {}) =>
  anEvent(seq, 'incident.recorded', {
    incidentId,
    severity: 'serious',
    detectedAt,
    summary: 'A set published with nothing approved',
    measures: null,
    modelId: null,
    setIds: [],
    ...extra,
  });

async function* streamOf(events: DecisionEventContent[]): AsyncIterable<DecisionEventContent> {
  yield* events;
}

describe('incidents read from the decision log', () => {
  it('gathers each incident with its notifications, in the order they were recorded', async () => {
    const incidents = await collectIncidents(
      streamOf([
        recorded(1, 'i-1', '2026-12-01T08:00:00.000Z'),
        anEvent(2, 'incident.notified', {
          incidentId: 'i-1',
          recipient: 'provider',
          notifiedAt: '2026-12-02T08:00:00.000Z',
          reference: null,
        }),
        anEvent(3, 'incident.notified', {
          incidentId: 'i-1',
          recipient: 'authority',
          notifiedAt: '2026-12-03T08:00:00.000Z',
          reference: 'MSA-1',
        }),
      ]),
    );
    expect(incidents).toHaveLength(1);
    expect(incidents[0]?.incident.notifications.map((n) => [n.recipient, n.reference, n.recordedAt])).toEqual(
      [
        ['provider', null, '2026-12-02T10:00:00.000Z'],
        ['authority', 'MSA-1', '2026-12-03T10:00:00.000Z'],
      ],
    );
  });

  it('leaves out events that do not hold what the code writes (a tampered row)', async () => {
    const incidents = await collectIncidents(
      streamOf([
        recorded(1, 'i-1', 'yesterday'),
        recorded(2, 'i-2', '2026-12-01T08:00:00.000Z', { severity: 'minor' }),
        anEvent(3, 'incident.recorded', 'not json'),
        recorded(4, 'i-3', '2026-12-01T08:00:00.000Z'),
        anEvent(5, 'incident.notified', {
          incidentId: 'i-3',
          recipient: 'press',
          notifiedAt: '2026-12-02T08:00:00Z',
        }),
        anEvent(6, 'incident.notified', {
          incidentId: 'i-9',
          recipient: 'provider',
          notifiedAt: '2026-12-02T08:00:00Z',
        }),
      ]),
    );
    expect(
      incidents.map(({ seq, incident }) => [seq, incident.incidentId, incident.notifications.length]),
    ).toEqual([[4, 'i-3', 0]]);
  });

  it('counts the days since the day of detection in France and tells whether the authority was informed', async () => {
    const [logged] = await collectIncidents(
      streamOf([
        recorded(1, 'i-1', '2026-12-01T08:00:00.000Z'),
        anEvent(2, 'incident.notified', {
          incidentId: 'i-1',
          recipient: 'provider',
          notifiedAt: '2026-12-01T09:00:00.000Z',
          reference: null,
        }),
      ]),
    );
    if (logged === undefined) throw new Error('an incident expected');
    const { incident } = logged;
    // Detected 1 December at 9:00 in Paris: 16 December is day 15 from its first minute there.
    expect(describeIncident(incident, new Date('2026-12-15T22:59:59.999Z'), new Map())).toMatchObject({
      daysSinceDetection: 14,
      authorityNotified: false,
    });
    expect(
      describeIncident(incident, new Date('2026-12-15T23:00:00.000Z'), new Map()).daysSinceDetection,
    ).toBe(15);
  });

  it('puts the latest detected first, and of two detected together the latest recorded', async () => {
    const incidents = await collectIncidents(
      streamOf([
        recorded(1, 'early', '2026-11-01T08:00:00.000Z'),
        recorded(2, 'late-first', '2026-12-01T08:00:00.000Z'),
        recorded(3, 'late-second', '2026-12-01T09:00:00.000+01:00'),
      ]),
    );
    expect(listLatestDetectedFirst(incidents).map(({ incident }) => incident.incidentId)).toEqual([
      'late-second',
      'late-first',
      'early',
    ]);
  });

  it('continues after a position in that order, an instant written in another offset included', async () => {
    const incidents = await collectIncidents(
      streamOf([
        recorded(1, 'early', '2026-11-01T08:00:00.000Z'),
        recorded(2, 'late-first', '2026-12-01T08:00:00.000Z'),
        recorded(3, 'late-second', '2026-12-01T09:00:00.000+01:00'),
        recorded(4, 'latest', '2026-12-02T08:00:00.000Z'),
      ]),
    );
    const [, second] = listLatestDetectedFirst(incidents);
    if (second === undefined) throw new Error('a second incident expected');
    expect(positionOf(second)).toEqual(['2026-12-01T08:00:00.000Z', 3]);
    const idsAfter = (position: [string, number]) =>
      listLatestDetectedFirst(incidents, position).map(({ incident }) => incident.incidentId);
    expect(idsAfter(positionOf(second))).toEqual(['late-first', 'early']);
    expect(idsAfter(['2026-12-01T08:00:00.000Z', 2])).toEqual(['early']);
    expect(idsAfter(['2026-11-01T08:00:00.000Z', 1])).toEqual([]);
  });
});
