import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aCourse } from '../support/builders.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const LYON = { lat: 45.764, lon: 4.8357 };

/**
 * A remote-only course may still name where its provider sits. A counselor searching around a
 * person's home is looking for courses to travel to: the contract leaves remote-only courses out of
 * `near`, as the suggestions never count one as reachable by distance.
 */
describe('the catalog search around a point', () => {
  let t: TestApp;
  let counselor: string;

  beforeAll(async () => {
    t = await startTestApp();
    const admin = await t.tokenFor('admin', 'ops-1');
    counselor = await t.tokenFor('counselor', 'c-001');
    const catalog = {
      'NEAR-ON-SITE': aCourse({ modality: 'in_person', location: LYON }),
      'NEAR-HYBRID': aCourse({ modality: 'hybrid', location: LYON }),
      'NEAR-REMOTE-WITH-ADDRESS': aCourse({ modality: 'remote', location: LYON }),
    };
    for (const [id, course] of Object.entries(catalog)) {
      const res = await t.http.put(`/v1/courses/${id}`).auth(admin, { type: 'bearer' }).send(course);
      expect(res.status, res.text).toBe(201);
    }
  });
  afterAll(() => t.close());

  it('leaves out a remote-only course even when it names where its provider sits', async () => {
    const res = await t.http
      .get('/v1/courses')
      .query({ near: `${LYON.lat},${LYON.lon}`, withinKm: 10 })
      .auth(counselor, { type: 'bearer' });
    expect(res.status, res.text).toBe(200);
    expect((res.body.items as Array<{ id: string }>).map((course) => course.id)).toEqual([
      'NEAR-HYBRID',
      'NEAR-ON-SITE',
    ]);
  });

  it('still finds that course when remote courses are asked for', async () => {
    const res = await t.http
      .get('/v1/courses')
      .query({ modality: 'remote' })
      .auth(counselor, { type: 'bearer' });
    expect(res.status, res.text).toBe(200);
    expect((res.body.items as Array<{ id: string }>).map((course) => course.id)).toEqual([
      'NEAR-REMOTE-WITH-ADDRESS',
    ]);
  });
});
