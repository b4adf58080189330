import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KnexAuditEventStore } from '../../src/audit/knex-audit-event-store.ts';
import type { Principal } from '../../src/auth/principal.ts';
import type { DecisionLog } from '../../src/decision-log/decision-log.ts';
import { KnexIdempotencyStore } from '../../src/idempotency/knex-idempotency-store.ts';
import { IncidentService } from '../../src/incidents/incident-service.ts';
import { KnexModelStore } from '../../src/model-registry/knex-model-store.ts';
import { KnexRecommendationStore } from '../../src/recommendations/knex-recommendation-store.ts';
import type { TestApp } from '../support/test-app.ts';
import { createSet, newIdempotencyKey, type TestClock } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const AUDITOR: Principal = { subject: 'dpo-1', roles: ['auditor'] };

/**
 * An incident names the sets it concerned by what the decision log records of them: a set the
 * retention job purged while the recording was on its way (after the checks of its texts, before its
 * transaction) was made all the same, and its events stay in the log. Naming it is recorded, and the
 * incident says that the set is no longer held (purged, its person not erased), by its id alone.
 */
describe('an incident naming a set purged while it was being recorded', () => {
  let t: TestApp;
  let clock: TestClock;
  let setId: string;

  beforeAll(async () => {
    const app = await startWorkflowApp();
    ({ t, clock } = app);
    setId = (await createSet(t, app.counselor)).set.id;
  });
  afterAll(() => t.close());

  it('is recorded, and says the set was purged', async () => {
    const log = t.container.decisionLog.decisionLog;
    const purgeSetFirst: DecisionLog['withTransaction'] = async (work) => {
      await t.container.db.transaction(async (trx) => {
        await trx('recommendation_items').where({ set_id: setId }).delete();
        await trx('recommendation_sets').where({ id: setId }).delete();
      });
      return log.withTransaction(work);
    };
    const purgingLog = new Proxy(log, {
      get: (target, name) =>
        name === 'withTransaction' ? purgeSetFirst : Reflect.get(target, name, target)?.bind?.(target),
    });
    const service = new IncidentService({
      log: purgingLog,
      events: new KnexAuditEventStore(t.container.db),
      models: new KnexModelStore(t.container.db),
      sets: new KnexRecommendationStore(t.container.db),
      checkLoggedText: async () => undefined,
      idempotency: new KnexIdempotencyStore(t.container.db),
      clockToleranceMs: 0,
      now: () => clock.now(),
    });

    const recorded = await service.recordIncident(
      AUDITOR,
      {
        summary: 'Suggestions published for courses whose sessions had been cancelled',
        severity: 'malfunction',
        detectedAt: clock.now().toISOString(),
        setIds: [setId],
      },
      newIdempotencyKey(),
    );
    expect(await t.container.db('recommendation_sets').where({ id: setId }).first()).toBeUndefined();
    expect(recorded.incident.setIds).toEqual([setId]);
    expect(recorded.incident.namedSets).toEqual([{ setId, state: 'purged' }]);
    const events = await t.container
      .db('decision_events')
      .where({ type: 'incident.recorded' })
      .select('payload');
    expect(events.map((row: { payload: string }) => JSON.parse(row.payload).setIds)).toEqual([[setId]]);
  });
});
