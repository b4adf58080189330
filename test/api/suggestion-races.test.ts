import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CourseStore } from '../../src/courses/course-store.ts';
import { insertJobSeekerAsBefore } from '../support/migrate-first.ts';
import type { TestApp } from '../support/test-app.ts';
import {
  aWorkflowSeeker,
  eraseJobSeeker,
  objectToAi,
  putSettings,
  requestSet,
  syncSeeker,
  type TestClock,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/**
 * What changes about the person while their suggestions are being made (after the checks, before
 * the set is stored) is seen when the set is stored: the set is refused rather than left open
 * where the change would have withdrawn it.
 */
describe('a change to the person while their suggestions are being made', () => {
  let t: TestApp;
  let counselor: string;
  let clock: TestClock;
  let duringScoring: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ t, counselor, clock } = await startWorkflowApp());
    // Runs the change once the candidates are read: the moment the model works on them.
    const courses = (t.container.services.recommendations as unknown as { deps: { courses: CourseStore } })
      .deps.courses;
    const findCandidates = courses.findCandidates.bind(courses);
    courses.findCandidates = async (filter) => {
      const candidates = await findCandidates(filter);
      const change = duringScoring;
      duringScoring = undefined;
      await change?.();
      return candidates;
    };
  });
  afterAll(() => t.close());

  const setsOf = (seekerId: string) => t.container.db('recommendation_sets').where({ seeker_id: seekerId });

  it('refuses to store the model’s suggestions for a person who objected meanwhile, and names the manual path', async () => {
    await syncSeeker(t, 'js-objects-meanwhile');
    duringScoring = () => objectToAi(t, 'js-objects-meanwhile');

    const res = await requestSet(t, counselor, 'js-objects-meanwhile');

    expect(res.status).toBe(409);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.body).toMatchObject({ reason: 'objection', manualSetPath: expect.any(String) });
    expect(await setsOf('js-objects-meanwhile')).toEqual([]);
  });

  it('logs the refusal found once the person objected meanwhile, and nothing of the set', async () => {
    await syncSeeker(t, 'js-objects-while-scored');
    duringScoring = () => objectToAi(t, 'js-objects-while-scored');

    expect((await requestSet(t, counselor, 'js-objects-while-scored')).status).toBe(409);

    const { decisionLog, pseudonymiser } = t.container.decisionLog;
    const events = await decisionLog.listEvents({
      subject: pseudonymiser.pseudonymise('js-objects-while-scored'),
      limit: 100,
    });
    expect(events.map((event) => [event.type, event.payload.reason])).toEqual([
      ['job_seeker.upserted', undefined],
      ['objection.recorded', undefined],
      ['suggestion.refused', 'objection'],
    ]);
  });

  it('names the manual path from the profile synced meanwhile when an objection meanwhile refuses the set', async () => {
    await syncSeeker(t, 'js-synced-then-objects');
    duringScoring = async () => {
      await syncSeeker(
        t,
        'js-synced-then-objects',
        aWorkflowSeeker({ targetOccupations: ['M1607'], location: null, remoteOk: true }),
      );
      await objectToAi(t, 'js-synced-then-objects');
    };

    const res = await requestSet(t, counselor, 'js-synced-then-objects');

    expect(res.status).toBe(409);
    expect(res.body.reason).toBe('objection');
    expect(res.body.manualSearchPaths).toEqual([expect.stringContaining('occupation=M1607')]);
  });

  it('refuses to store suggestions for a person erased meanwhile, as for someone unknown', async () => {
    await syncSeeker(t, 'js-erased-while-scored');
    const admin = await t.tokenFor('admin', 'dpo-1');
    duringScoring = async () => {
      const erased = await eraseJobSeeker(t, admin, 'js-erased-while-scored');
      expect(erased.status).toBe(204);
    };

    const res = await requestSet(t, counselor, 'js-erased-while-scored');

    expect(res.status).toBe(404);
    expect(await setsOf('js-erased-while-scored')).toEqual([]);
  });

  it('refuses to store suggestions made from the profile of a person erased and enrolled again meanwhile', async () => {
    await syncSeeker(t, 'js-erased-re-enrolled', aWorkflowSeeker({ educationLevel: 3, yearsExperience: 4 }));
    const admin = await t.tokenFor('admin', 'dpo-1');
    duringScoring = async () => {
      const erased = await eraseJobSeeker(t, admin, 'js-erased-re-enrolled');
      expect(erased.status).toBe(204);
      // Enrolled again later: a second, at least, after the erasure.
      clock.advance(1_000);
      await syncSeeker(
        t,
        'js-erased-re-enrolled',
        aWorkflowSeeker({ educationLevel: 5, yearsExperience: 12 }),
        {
          reEnrol: true,
        },
      );
    };

    const res = await requestSet(t, counselor, 'js-erased-re-enrolled');

    // The erased profile must not come back in a set stored after the erasure, under the new enrolment.
    expect(res.status).toBe(404);
    expect(await setsOf('js-erased-re-enrolled')).toEqual([]);
  });

  it('refuses to store suggestions made from the profile of a person erased and enrolled again meanwhile in the same millisecond', async () => {
    // The clock does not move: the first enrolment, the erasure and the return share one instant,
    // as two quick requests, a clock stepped back or servers whose clocks differ can make them.
    await syncSeeker(t, 'js-re-enrolled-same-ms', aWorkflowSeeker({ educationLevel: 3, yearsExperience: 4 }));
    const admin = await t.tokenFor('admin', 'dpo-1');
    duringScoring = async () => {
      const erased = await eraseJobSeeker(t, admin, 'js-re-enrolled-same-ms');
      expect(erased.status).toBe(204);
      await syncSeeker(
        t,
        'js-re-enrolled-same-ms',
        aWorkflowSeeker({ educationLevel: 5, yearsExperience: 12 }),
        {
          reEnrol: true,
        },
      );
    };

    const res = await requestSet(t, counselor, 'js-re-enrolled-same-ms');

    expect(res.status).toBe(404);
    expect(await setsOf('js-re-enrolled-same-ms')).toEqual([]);
  });

  it('refuses to store suggestions for a person written without an enrolment id, erased and written again the same way meanwhile', async () => {
    // As a process of the version before the enrolment id writes profiles (an upgrade under way).
    await syncSeeker(t, 'js-without-enrolment-id');
    await t.container
      .db('job_seekers')
      .where({ id: 'js-without-enrolment-id' })
      .update({ enrolment_id: null });
    const admin = await t.tokenFor('admin', 'dpo-1');
    duringScoring = async () => {
      const erased = await eraseJobSeeker(t, admin, 'js-without-enrolment-id');
      expect(erased.status).toBe(204);
      clock.advance(1000);
      await insertJobSeekerAsBefore(t.container.db, 'js-without-enrolment-id', clock.now().toISOString());
    };

    const res = await requestSet(t, counselor, 'js-without-enrolment-id');

    expect(res.status).toBe(404);
    expect(await setsOf('js-without-enrolment-id')).toEqual([]);
  });

  it('refuses to store suggestions for a person moved to another counselor meanwhile, as for someone not on the caseload', async () => {
    await syncSeeker(t, 'js-moves-meanwhile');
    duringScoring = () => syncSeeker(t, 'js-moves-meanwhile', aWorkflowSeeker({ counselorId: 'c-002' }));

    const res = await requestSet(t, counselor, 'js-moves-meanwhile');

    expect(res.status).toBe(404);
    expect(await setsOf('js-moves-meanwhile')).toEqual([]);
  });

  it('refuses to store the model’s suggestions once they were switched off meanwhile, and names the manual path', async () => {
    await syncSeeker(t, 'js-switched-off-meanwhile');
    duringScoring = () => putSettings(t, { aiEnabled: false });
    try {
      const res = await requestSet(t, counselor, 'js-switched-off-meanwhile');

      expect(res.status).toBe(409);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect(res.body).toMatchObject({ reason: 'switched_off', manualSetPath: expect.any(String) });
      expect(await setsOf('js-switched-off-meanwhile')).toEqual([]);
    } finally {
      await putSettings(t, {});
    }
  });

  it('stores them when nothing changed', async () => {
    await syncSeeker(t, 'js-unchanged');
    duringScoring = async () => {};

    expect((await requestSet(t, counselor, 'js-unchanged')).status).toBe(201);
    expect(await setsOf('js-unchanged')).toHaveLength(1);
  });
});
