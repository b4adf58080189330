import fs from 'node:fs';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServing } from '../../src/operations/start-serving.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { TEST_ENGINE } from '../support/test-database.ts';

const PURPOSE = 'quarterly review of when the system ran';
const { version } = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/**
 * An auditor reading the log must be able to tell when the system ran, with which software, engine,
 * model and settings: `npm start` appends `service.started` once it serves.
 */
describe('the start of the server in the decision log', () => {
  let t: TestApp;
  let server: Server | undefined;

  beforeAll(async () => {
    t = await startTestApp({ env: { PORT: '0' } });
  });
  afterAll(async () => {
    await new Promise((resolve) => (server === undefined ? resolve(undefined) : server.close(resolve)));
    await t.close();
  });

  const started = () => t.container.decisionLog.decisionLog.listEvents({ types: ['service.started'] });

  it('records one service.started, with the version, engine, active model and settings, when it starts serving', async () => {
    expect(await started(), 'an in-process app records no start').toEqual([]);
    const active = await t.container.services.models.listModels();
    const model = active.find((candidate) => candidate.status === 'active');
    expect(model, 'the shipped model is active').toBeDefined();

    server = await startServing(t.container, t.app);
    const address = server.address();
    expect(typeof address === 'object' && address !== null && address.port > 0).toBe(true);

    const events = await started();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actor: { role: 'system', pseudonym: 'startup' },
      subject: null,
      personal: null,
      payload: {
        softwareVersion: version,
        engine: TEST_ENGINE,
        model: { id: model?.id, version: model?.version, sha256: model?.sha256 },
        settings: {
          aiEnabled: true,
          blindFirst: false,
          secondReviewRate: 0,
          setTtlHours: 168,
          fastDecisionSeconds: 10,
        },
      },
    });
    expect(await t.container.decisionLog.decisionLog.verifyRange()).toMatchObject({ ok: true });
  });

  it('lets auditors filter, export and count the log with the start in it', async () => {
    const auditor = await t.tokenFor('auditor', 'aud-1');
    const get = (path: string) =>
      t.http.get(path).auth(auditor, { type: 'bearer' }).set('X-Audit-Purpose', PURPOSE);

    const listed = await get('/v1/audit/events?type=service.started');
    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
    expect(listed.body.items.map((event: { type: string }) => event.type)).toEqual(['service.started']);

    const exported = await get('/v1/audit/events/export?type=service.started');
    expect(exported.status).toBe(200);
    expect(exported.text).toContain('"type":"service.started"');

    for (const figures of ['/v1/audit/stats/usage', '/v1/audit/stats/oversight']) {
      const res = await get(figures);
      expect(res.status, `${figures}: ${JSON.stringify(res.body)}`).toBe(200);
    }
    expect(await t.container.decisionLog.decisionLog.verifyRange()).toMatchObject({ ok: true });
  });

  it('gives an auditor following the active model version the starts that served it', async () => {
    const auditor = await t.tokenFor('auditor', 'aud-1');
    const get = (path: string) =>
      t.http.get(path).auth(auditor, { type: 'bearer' }).set('X-Audit-Purpose', PURPOSE);
    const model = (await t.container.services.models.listModels()).find(
      (candidate) => candidate.status === 'active',
    );
    const ofVersion = await get(`/v1/audit/events?modelVersion=${encodeURIComponent(model?.version ?? '')}`);
    expect(ofVersion.status, JSON.stringify(ofVersion.body)).toBe(200);
    expect(
      ofVersion.body.items.map((event: { type: string }) => event.type),
      'an auditor following the active version sees the start that served it',
    ).toContain('service.started');
    const ofOther = await get('/v1/audit/events?modelVersion=0.0.0-never&type=service.started');
    expect(ofOther.status).toBe(200);
    expect(ofOther.body.items).toEqual([]);
  });
});
