import { describe, expect, it } from 'vitest';
import { KnexAuditEventStore } from '../../src/audit/knex-audit-event-store.ts';
import { readUnreportedIncidents } from '../../src/incidents/unreported-incidents.ts';
import { insertEvents, readPlans, usePlanDatabase } from '../support/query-plans.ts';

/** A plan that reads the table from its first event (or its whole index on `seq`) and filters. */
const WHOLE_TABLE =
  /SCAN decision_events|INTEGER PRIMARY KEY \(rowid>\?\)|Seq Scan on decision_events|Index Scan using decision_events_pkey/;

/**
 * `/metrics` reads the unreported incidents at each scrape: on a log of a hundred thousand events,
 * three of them about incidents, it reads them from the index of the events' types, never the log.
 */
describe('the read of the unreported incidents at each scrape, on a large log', () => {
  const N = 100_000;
  const deployment = usePlanDatabase(
    async (db) => {
      await insertEvents(db, N, {
        seq: 'g',
        type: "'item.decided'",
        occurred_at: "'2026-03-04T10:00:00.000Z'",
        actor_pseudonym: "'c1'",
        subject: "'s1'",
        payload: `'{"decision":"approved"}'`,
      });
      const recorded = (seq: number, incidentId: string, severity: string) => ({
        seq,
        event_id: `00000000-0000-4000-8000-00000000000${seq - N}`,
        type: 'incident.recorded',
        occurred_at: '2026-03-05T10:00:00.000Z',
        actor_role: 'admin',
        actor_pseudonym: 'a1',
        subject: null,
        payload: JSON.stringify({
          incidentId,
          severity,
          detectedAt: '2026-03-05T09:00:00.000Z',
          summary: 'Courses suggested far outside the mobility radius',
          measures: null,
          modelId: null,
          setIds: [],
        }),
        prev_hash: '0'.repeat(64),
        hash: '1'.repeat(64),
      });
      await db('decision_events').insert([
        recorded(N + 1, 'inc-1', 'serious'),
        recorded(N + 2, 'inc-2', 'malfunction'),
        {
          ...recorded(N + 3, 'inc-1', 'serious'),
          type: 'incident.notified',
          payload: JSON.stringify({
            incidentId: 'inc-1',
            recipient: 'provider',
            notifiedAt: '2026-03-05T11:00:00.000Z',
            reference: null,
          }),
        },
      ]);
      await db('decision_log_head').update({ seq: N + 3, hash: '1'.repeat(64) });
    },
    { analyze: 'decision_events' },
  );

  it('reads the incidents from the type index, not the whole log', async () => {
    const store = new KnexAuditEventStore(deployment.db);
    let tally: Awaited<ReturnType<typeof readUnreportedIncidents>> = [];
    const plans = await readPlans(deployment.db, async () => {
      tally = await readUnreportedIncidents(store);
    });
    expect(tally.filter(({ count }) => count > 0)).toEqual([
      { severity: 'serious', recipient: 'authority', count: 1, oldestDetectedAt: '2026-03-05T09:00:00.000Z' },
      {
        severity: 'malfunction',
        recipient: 'provider',
        count: 1,
        oldestDetectedAt: '2026-03-05T09:00:00.000Z',
      },
      {
        severity: 'malfunction',
        recipient: 'authority',
        count: 1,
        oldestDetectedAt: '2026-03-05T09:00:00.000Z',
      },
    ]);
    const ofIncidents = plans.filter(({ bindings }) => bindings.includes('incident.recorded'));
    expect(ofIncidents.length, JSON.stringify(plans)).toBeGreaterThan(0);
    for (const { sql, plan } of ofIncidents) expect(plan, sql).toMatch(/decision_events_type_seq_index/);
    for (const { sql, plan } of plans) expect(plan, sql).not.toMatch(WHOLE_TABLE);
  });
});
