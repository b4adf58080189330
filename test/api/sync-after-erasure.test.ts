import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import {
  aClock,
  eraseJobSeeker,
  objectToAi,
  putSeeker,
  requestSet,
  seedCatalogAndSeeker,
  syncSeeker,
  type TestClock,
} from '../support/workflow.ts';

const DAY = 24 * 3_600_000;

/**
 * The case-management system keeps syncing the people it holds, every night: an erasure the person
 * asked for must not last only until the next sync. Enrolling them again is a deliberate act.
 */
describe('a sync of a person erased at their request (PUT /v1/job-seekers/{seekerId})', () => {
  let t: TestApp;
  let clock: TestClock;
  let admin: string;
  let counselor: string;

  const erase = async (seekerId: string) => {
    const res = await eraseJobSeeker(t, admin, seekerId);
    expect(res.status).toBe(204);
  };
  const profileOf = (seekerId: string) => t.container.db('job_seekers').where({ id: seekerId }).first();
  const eventsAbout = (seekerId: string) =>
    t.container.decisionLog.decisionLog.listEvents({
      subject: t.container.decisionLog.pseudonymiser.pseudonymise(seekerId),
      limit: 1000,
    });

  beforeAll(async () => {
    clock = aClock();
    t = await startTestApp({ now: clock.now, env: { RETENTION_PERSONAL_DAYS: '60' } });
    admin = await t.tokenFor('admin', 'ops-1');
    counselor = await t.tokenFor('counselor', 'c-001');
    await seedCatalogAndSeeker(t, 'js-seed');
  });
  afterAll(() => t.close());

  it('is refused as subject-erased, saying when and how to enrol the person again, and writes nothing', async () => {
    await syncSeeker(t, 'js-erased');
    await erase('js-erased');
    const [erasure] = (await eventsAbout('js-erased')).filter((event) => event.type === 'subject.erased');
    const head = await t.container.decisionLog.decisionLog.readHead();

    clock.advance(DAY);
    const res = await putSeeker(t, 'js-erased');

    expect(res.status).toBe(409);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({
      type: 'https://aiguillage.example/problems/subject-erased',
      status: 409,
      erasedAt: erasure?.occurredAt,
    });
    expect(res.body.detail).toContain('reEnrol=true');
    expect(await profileOf('js-erased')).toBeUndefined();
    expect(await t.container.decisionLog.decisionLog.readHead()).toEqual(head);
  });

  it('enrols the person again when the sync says so, and the log shows the deliberate return', async () => {
    await syncSeeker(t, 'js-back');
    await erase('js-back');

    const res = await putSeeker(t, 'js-back', undefined, true);

    expect(res.status).toBe(201);
    expect(await profileOf('js-back')).toBeDefined();
    const [erased, returned] = (await eventsAbout('js-back')).slice(-2);
    expect(erased?.type).toBe('subject.erased');
    expect(returned).toMatchObject({
      type: 'job_seeker.upserted',
      payload: { created: true, reEnrolledAfterErasure: true },
    });
    // From then on the nightly sync is an ordinary one.
    await syncSeeker(t, 'js-back');
    expect((await eventsAbout('js-back')).at(-1)?.payload).toMatchObject({
      created: false,
      reEnrolledAfterErasure: false,
    });
  });

  it('gives a person enrolled again after their erasure the objection that still stands', async () => {
    await syncSeeker(t, 'js-objector');
    await objectToAi(t, 'js-objector');
    await erase('js-objector');

    const res = await putSeeker(t, 'js-objector', undefined, true);

    expect(res.status).toBe(201);
    expect(res.body.aiObjection).toBe(true);
    expect((await eventsAbout('js-objector')).at(-1)?.payload).toMatchObject({
      objectionRestored: true,
      reEnrolledAfterErasure: true,
    });
    expect((await requestSet(t, counselor, 'js-objector')).status).toBe(409);
  });

  it('syncs freely a person whose idle profile retention purged: that was no erasure', async () => {
    await syncSeeker(t, 'js-idle');
    // Erased, enrolled again, then left idle: the latest erasure is followed by the return.
    await syncSeeker(t, 'js-idle-after-return');
    await erase('js-idle-after-return');
    await syncSeeker(t, 'js-idle-after-return', undefined, { reEnrol: true });
    clock.advance(61 * DAY);
    expect((await t.container.retention.purgeExpired()).purged.jobSeekers).toBeGreaterThanOrEqual(2);
    expect(await profileOf('js-idle')).toBeUndefined();

    for (const seekerId of ['js-idle', 'js-idle-after-return']) {
      const res = await putSeeker(t, seekerId);
      expect(res.status).toBe(201);
      expect((await eventsAbout(seekerId)).at(-1)?.payload).toMatchObject({
        created: true,
        reEnrolledAfterErasure: false,
      });
    }
  });
});
