import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

/**
 * Several API processes started at once (a deployment rolled out, a restart after an outage) on one
 * empty database and one data folder: every one of them must come up and serve, on one schema, one
 * set of keys and one shipped model.
 */
describe('API processes starting together on an empty database', () => {
  let database: TestDatabase;
  let apps: TestApp[] = [];
  /** The first and the second of them. */
  const first = () => apps[0] as TestApp;
  const second = () => apps[1] as TestApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    apps = await Promise.all([1, 2, 3].map(() => startTestApp({ database })));
  });
  afterAll(async () => {
    for (const app of apps) await app.container.close();
    await database.drop();
  });

  it('all start, each ready, on one active model', async () => {
    for (const app of apps) {
      const ready = await app.http.get('/readyz');
      expect(ready.status, JSON.stringify(ready.body)).toBe(200);
    }
    const admin = await first().tokenFor('admin', 'ops-1');
    const models = await second().http.get('/v1/models').auth(admin, { type: 'bearer' });
    expect(models.status).toBe(200);
    const active = (models.body.items as Array<{ status: string }>).filter(
      (model) => model.status === 'active',
    );
    expect(active).toHaveLength(1);
  });

  it('take a token one of them minted as the others do: they share one key pair', async () => {
    for (const minter of apps) {
      const token = await minter.tokenFor('admin', 'ops-1');
      for (const app of apps) {
        expect((await app.http.get('/v1/settings').auth(token, { type: 'bearer' })).status).toBe(200);
      }
    }
  });

  it('keep one decision log that verifies', async () => {
    const auditor = await second().tokenFor('auditor', 'aud-1');
    const verify = await first()
      .http.get('/v1/audit/verify')
      .auth(auditor, { type: 'bearer' })
      .set('X-Audit-Purpose', 'checking the chain after a rollout');
    expect(verify.status).toBe(200);
    expect(verify.body).toMatchObject({ ok: true });
  });
});
