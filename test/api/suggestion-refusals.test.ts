import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DecisionEvent } from '../../src/decision-log/decision-event.ts';
import type { DecisionLog } from '../../src/decision-log/decision-log.ts';
import { collectText } from '../audit/support/audit-events.ts';
import type { TestApp } from '../support/test-app.ts';
import {
  keysOf,
  newIdempotencyKey,
  objectToAi,
  putSettings,
  requestSet,
  syncSeeker,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/**
 * A refused suggestion request is a situation the log must let an auditor find (AI Act Art. 12):
 * each one appends `suggestion.refused`, with the reason's code and nothing of the person.
 */
describe('suggestions refused, in the decision log', () => {
  let t: TestApp;
  let counselor: string;

  beforeAll(async () => {
    ({ t, counselor } = await startWorkflowApp());
  });
  afterAll(() => t.close());

  const pseudonymOf = (id: string) => t.container.decisionLog.pseudonymiser.pseudonymise(id);
  const refusalsAbout = (seekerId: string): Promise<DecisionEvent[]> =>
    t.container.decisionLog.decisionLog.listEvents({
      types: ['suggestion.refused'],
      subject: pseudonymOf(seekerId),
      limit: 100,
    });

  /** While the AI is switched off; switched on again whatever happens. */
  async function whileSwitchedOff(work: () => Promise<void>): Promise<void> {
    await putSettings(t, { aiEnabled: false });
    try {
      await work();
    } finally {
      await putSettings(t, {});
    }
  }

  it('logs a refusal for a person who objected, as their objection honoured: the reason, nothing personal', async () => {
    await syncSeeker(t, 'js-objector');
    await objectToAi(t, 'js-objector');

    const res = await requestSet(t, counselor, 'js-objector');

    expect(res.status).toBe(409);
    expect(res.body.reason).toBe('objection');
    const [refusal, ...more] = await refusalsAbout('js-objector');
    expect(more).toEqual([]);
    expect(refusal).toMatchObject({
      type: 'suggestion.refused',
      actor: { role: 'counselor', pseudonym: pseudonymOf('c-001') },
      subject: pseudonymOf('js-objector'),
      payload: { reason: 'objection' },
      personal: null,
    });
    expect(keysOf(refusal?.payload)).toEqual(['reason']);
    expect(JSON.stringify(refusal)).not.toMatch(/js-objector|c-001/);
    expect(await t.container.decisionLog.decisionLog.verifyRange()).toMatchObject({ ok: true });
  });

  it('logs a refusal while the AI is switched off, with the switched_off reason', async () => {
    await syncSeeker(t, 'js-switched-off');
    await whileSwitchedOff(async () => {
      const res = await requestSet(t, counselor, 'js-switched-off');
      expect(res.status).toBe(409);
      expect(res.body.reason).toBe('switched_off');
    });

    const refusals = await refusalsAbout('js-switched-off');
    expect(refusals.map((event) => event.payload)).toEqual([{ reason: 'switched_off' }]);
    expect(await t.container.decisionLog.decisionLog.verifyRange()).toMatchObject({ ok: true });
  });

  it('refuses and logs a creation retried after the AI was switched off as a new request, replaying none of its suggestions', async () => {
    await syncSeeker(t, 'js-replayed');
    const idempotencyKey = newIdempotencyKey();
    expect((await requestSet(t, counselor, 'js-replayed', { idempotencyKey })).status).toBe(201);

    await whileSwitchedOff(async () => {
      const replay = await requestSet(t, counselor, 'js-replayed', { idempotencyKey });
      expect(replay.status).toBe(409);
      expect(replay.headers['idempotent-replayed']).toBeUndefined();
      expect((await requestSet(t, counselor, 'js-replayed')).status).toBe(409);
    });

    expect((await refusalsAbout('js-replayed')).map((event) => event.payload)).toEqual([
      { reason: 'switched_off' },
      { reason: 'switched_off' },
    ]);
  });

  it('does not replay a refusal: a retry with the same key is asked again, and suggests once the AI is back on', async () => {
    await syncSeeker(t, 'js-retried');
    const idempotencyKey = newIdempotencyKey();
    await whileSwitchedOff(async () => {
      expect((await requestSet(t, counselor, 'js-retried', { idempotencyKey })).status).toBe(409);
    });

    const retry = await requestSet(t, counselor, 'js-retried', { idempotencyKey });

    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    expect((await refusalsAbout('js-retried')).map((event) => event.payload)).toEqual([
      { reason: 'switched_off' },
    ]);
  });

  it('answers the storage problem, not the refusal, when the log cannot record it, and records nothing', async () => {
    await syncSeeker(t, 'js-storage-down');
    await objectToAi(t, 'js-storage-down');
    const deps = (t.container.services.recommendations as unknown as { deps: { decisionLog: DecisionLog } })
      .deps;
    const log = deps.decisionLog;
    const unreachable = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
      code: 'ECONNREFUSED',
    });
    deps.decisionLog = { ...log, withTransaction: () => Promise.reject(unreachable) } as DecisionLog;
    let res: Awaited<ReturnType<typeof requestSet>>;
    try {
      res = await requestSet(t, counselor, 'js-storage-down');
    } finally {
      deps.decisionLog = log;
    }

    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('10');
    expect(res.body.reason).toBeUndefined();
    expect(res.body.manualSetPath).toBeUndefined();
    expect(await refusalsAbout('js-storage-down')).toEqual([]);
  });

  it("lets the auditor filter the log's query and export on suggestion.refused", async () => {
    const auditor = await t.tokenFor('auditor', 'dpo-1');
    const get = (path: string) =>
      t.http.get(path).auth(auditor, { type: 'bearer' }).set('X-Audit-Purpose', 'refusals review');

    const listed = await get('/v1/audit/events?type=suggestion.refused&limit=100');
    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
    const types = new Set(listed.body.items.map((event: { type: string }) => event.type));
    expect([...types]).toEqual(['suggestion.refused']);
    expect(listed.body.items.length).toBeGreaterThanOrEqual(3);

    const exported = await get('/v1/audit/events/export?format=ndjson&type=suggestion.refused')
      .buffer(true)
      .parse(collectText());
    expect(exported.status).toBe(200);
    const lines = String(exported.body).trim().split('\n');
    expect(lines.map((line) => JSON.parse(line).type)).toEqual(lines.map(() => 'suggestion.refused'));
    expect(lines).toHaveLength(listed.body.items.length);
  });
});
