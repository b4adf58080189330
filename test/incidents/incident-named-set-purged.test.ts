import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KnexAuditEventStore } from '../../src/audit/knex-audit-event-store.ts';
import type { Principal } from '../../src/auth/principal.ts';
import type { DecisionLog } from '../../src/decision-log/decision-log.ts';
import { KnexIdempotencyStore } from '../../src/idempotency/knex-idempotency-store.ts';
import { IncidentService } from '../../src/incidents/incident-service.ts';
import { KnexModelStore } from '../../src/model-registry/knex-model-store.ts';
import { KnexRecommendationStore } from '../../src/recommendations/knex-recommendation-store.ts';
import { InvalidInputError } from '../../src/shared/errors.ts';
import type { TestApp } from '../support/test-app.ts';
import { createSet, newIdempotencyKey, type TestClock } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const AUDITOR: Principal = { subject: 'dpo-1', roles: ['auditor'] };

/**
 * An incident names the sets it concerned: each must be one the application holds when the incident
 * is recorded. A set purged by the retention job while the recording was on its way (after the
 * checks of its texts, before its transaction) is not held any more: naming it is refused, as for a
 * set that never was, rather than recorded.
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

  it('is refused (setIds), and no incident is recorded', async () => {
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

    const recording = service.recordIncident(
      AUDITOR,
      {
        summary: 'Suggestions published for courses whose sessions had been cancelled',
        severity: 'malfunction',
        detectedAt: clock.now().toISOString(),
        setIds: [setId],
      },
      newIdempotencyKey(),
    );
    await expect(recording).rejects.toThrow(InvalidInputError);
    await expect(recording).rejects.toMatchObject({ details: { field: 'setIds', unknownSetIds: [setId] } });
    const [{ n }] = (await t.container.db('decision_events').where({ type: 'incident.recorded' }).count({
      n: '*',
    })) as [{ n: number | string }];
    expect(Number(n)).toBe(0);
  });
});
