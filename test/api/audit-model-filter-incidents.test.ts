import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { aClock, createSet, seedCatalogAndSeeker } from '../support/workflow.ts';

const PURPOSE = 'revue des incidents du modèle';

/**
 * The model filters of the decision log (`modelId`, `modelVersion`) answer everything about a model:
 * the incidents recorded about it, by its id or by one of the sets it made, with their reports.
 */
describe('the incidents under the model filters of GET /v1/audit/events', () => {
  const clock = aClock();
  let t: TestApp;
  let auditor: string;
  let model: { id: string; version: string };
  const incidents: Record<'byModel' | 'bySet' | 'unrelated', string> = {
    byModel: '',
    bySet: '',
    unrelated: '',
  };

  beforeAll(async () => {
    t = await startTestApp({ now: clock.now });
    auditor = await t.tokenFor('auditor', 'dpo-1');
    await seedCatalogAndSeeker(t, 'js-1');
    const { set } = await createSet(t, await t.tokenFor('counselor', 'c-001'), 'js-1');
    if (set.model === null) throw new Error('the set has no model');
    model = set.model;
    incidents.byModel = await recordIncident({ summary: 'Scores trop élevés', modelId: model.id });
    incidents.bySet = await recordIncident({ summary: 'Suggestion incohérente', setIds: [set.id] });
    incidents.unrelated = await recordIncident({ summary: 'Panne du portail' });
    for (const incidentId of Object.values(incidents)) await notifyProvider(incidentId);
  });
  afterAll(() => t.close());

  async function recordIncident(body: { summary: string; modelId?: string; setIds?: string[] }) {
    const res = await t.http
      .post('/v1/audit/incidents')
      .auth(auditor, { type: 'bearer' })
      .set('Idempotency-Key', crypto.randomUUID())
      .send({ severity: 'malfunction', detectedAt: clock.now().toISOString(), ...body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return String(res.body.incidentId);
  }

  async function notifyProvider(incidentId: string) {
    const res = await t.http
      .post(`/v1/audit/incidents/${incidentId}/notifications`)
      .auth(auditor, { type: 'bearer' })
      .set('Idempotency-Key', crypto.randomUUID())
      .send({ recipient: 'provider', notifiedAt: clock.now().toISOString() });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }

  async function incidentEventsUnder(query: string): Promise<Array<[string, unknown]>> {
    const res = await t.http
      .get(`/v1/audit/events?type=incident.recorded,incident.notified&limit=200&${query}`)
      .auth(auditor, { type: 'bearer' })
      .set('X-Audit-Purpose', PURPOSE);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return (res.body.items as Array<{ type: string; payload: { incidentId: unknown } }>).map((event) => [
      event.type,
      event.payload.incidentId,
    ]);
  }

  const aboutTheModel = () => [
    ['incident.recorded', incidents.byModel],
    ['incident.recorded', incidents.bySet],
    ['incident.notified', incidents.byModel],
    ['incident.notified', incidents.bySet],
  ];

  it('lists under a model id the incidents naming the model or one of its sets, with their reports', async () => {
    expect(await incidentEventsUnder(`modelId=${model.id}`)).toEqual(aboutTheModel());
  });

  it('lists them under the model version too, and under no other model', async () => {
    expect(await incidentEventsUnder(`modelVersion=${model.version}`)).toEqual(aboutTheModel());
    expect(await incidentEventsUnder('modelVersion=9.9.9')).toEqual([]);
    expect(await incidentEventsUnder('modelId=aiguillage-ebm-9.9.9')).toEqual([]);
  });

  it('lists them among every event of the model, and exports them with it', async () => {
    const res = await t.http
      .get(`/v1/audit/events/export?modelId=${model.id}`)
      .auth(auditor, { type: 'bearer' })
      .set('X-Audit-Purpose', PURPOSE)
      .buffer(true)
      .parse((response, done) => {
        let text = '';
        response.on('data', (chunk: Buffer) => {
          text += chunk.toString('utf8');
        });
        response.on('end', () => done(null, text));
      });
    expect(res.status).toBe(200);
    const types = String(res.body)
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { type: string }).type);
    expect(types.filter((type) => type.startsWith('incident.'))).toHaveLength(4);
    expect(res.headers['x-audit-event-count']).toBe(String(types.length));
  });
});
