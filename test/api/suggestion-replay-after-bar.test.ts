import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CourseStore } from '../../src/courses/course-store.ts';
import type { IdempotencyStore } from '../../src/idempotency/idempotency-store.ts';
import { createGate } from '../support/gate.ts';
import type { TestApp } from '../support/test-app.ts';
import {
  listEventsAbout,
  newIdempotencyKey,
  objectToAi,
  putSettings,
  requestSet,
  syncSeeker,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const PROBLEMS = 'https://aiguillage.example/problems/';

/**
 * A counselor's tool that retries a request for suggestions gets its first answer again, unless the
 * model is barred for the person since: then the AI's suggestions are no one's to review, and the
 * retry is refused as a new request is, naming the manual path and the set the first request made.
 */
describe('a retried request for suggestions once the model is barred for the person', () => {
  let t: TestApp;
  let counselor: string;

  beforeAll(async () => {
    ({ t, counselor } = await startWorkflowApp());
  });
  afterAll(() => t.close());

  it('refuses the retry after the person objected, as a new request, saying the set it created was withdrawn', async () => {
    await syncSeeker(t, 'js-replay-objected');
    const key = newIdempotencyKey();
    const first = await requestSet(t, counselor, 'js-replay-objected', { idempotencyKey: key });
    expect(first.status).toBe(201);
    await objectToAi(t, 'js-replay-objected');
    const refusedBefore = (await listEventsAbout(t, 'js-replay-objected', 'suggestion.refused')).length;

    const retry = await requestSet(t, counselor, 'js-replay-objected', { idempotencyKey: key });

    expect(retry.status).toBe(409);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    expect(retry.headers['content-type']).toContain('application/problem+json');
    expect(retry.body).toMatchObject({
      type: `${PROBLEMS}ai-unavailable`,
      reason: 'objection',
      manualSetPath: '/v1/job-seekers/js-replay-objected/manual-recommendations',
      createdSetId: first.body.id,
      createdSetStatus: 'discarded',
    });
    expect(retry.body.detail).toContain(`${first.body.id}, was withdrawn on `);
    expect(await listEventsAbout(t, 'js-replay-objected', 'suggestion.refused')).toHaveLength(
      refusedBefore + 1,
    );
  });

  it('refuses the retry while suggestions are switched off, and replays the first answer once they are on again', async () => {
    await syncSeeker(t, 'js-replay-switched-off');
    const key = newIdempotencyKey();
    const first = await requestSet(t, counselor, 'js-replay-switched-off', { idempotencyKey: key });
    expect(first.status).toBe(201);

    await putSettings(t, { aiEnabled: false });
    try {
      const retry = await requestSet(t, counselor, 'js-replay-switched-off', { idempotencyKey: key });
      expect(retry.status).toBe(409);
      expect(retry.body).toMatchObject({
        type: `${PROBLEMS}ai-unavailable`,
        reason: 'switched_off',
        createdSetId: first.body.id,
      });
    } finally {
      await putSettings(t, {});
    }

    const replayed = await requestSet(t, counselor, 'js-replay-switched-off', { idempotencyKey: key });
    expect(replayed.status).toBe(201);
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect(replayed.body.id).toBe(first.body.id);
  });

  it('refuses the request that lost the race to an identical one with its key once the person objected, as a retry', async () => {
    await syncSeeker(t, 'js-race-objected');
    const key = newIdempotencyKey();
    const { courses, idempotency } = (
      t.container.services.recommendations as unknown as {
        deps: { courses: CourseStore; idempotency: IdempotencyStore };
      }
    ).deps;
    const { findCandidates } = courses;
    const { find } = idempotency;
    // Both requests are held once their candidates are read, past the look-up of the key, so that
    // both go on to store a set: the second to store finds the key taken, and reads the first's answer.
    const bothScoring = createGate();
    const release = createGate();
    let scoring = 0;
    courses.findCandidates = async (filter) => {
      const candidates = await findCandidates.call(courses, filter);
      scoring += 1;
      if (scoring === 2) bothScoring.open();
      await release.opened;
      return candidates;
    };
    // The person objects after the winner stored its set, just as the loser reads its answer.
    let objected = false;
    idempotency.find = async (subject, idempotencyKey, trx) => {
      if (scoring === 2 && !objected) {
        objected = true;
        await objectToAi(t, 'js-race-objected');
      }
      return find.call(idempotency, subject, idempotencyKey, trx);
    };
    try {
      const refusedBefore = (await listEventsAbout(t, 'js-race-objected', 'suggestion.refused')).length;
      const racing = Promise.all([
        requestSet(t, counselor, 'js-race-objected', { idempotencyKey: key }),
        requestSet(t, counselor, 'js-race-objected', { idempotencyKey: key }),
      ]);
      await bothScoring.opened;
      release.open();
      const answers = await racing;

      const [winner, loser] = answers[0].status === 201 ? answers : [answers[1], answers[0]];
      expect(winner.status).toBe(201);
      expect(objected).toBe(true);
      expect(loser.status).toBe(409);
      expect(loser.headers['idempotent-replayed']).toBeUndefined();
      expect(loser.headers['content-type']).toContain('application/problem+json');
      expect(loser.body).toMatchObject({
        type: `${PROBLEMS}ai-unavailable`,
        reason: 'objection',
        manualSetPath: '/v1/job-seekers/js-race-objected/manual-recommendations',
        createdSetId: winner.body.id,
        createdSetStatus: 'discarded',
      });
      expect(await listEventsAbout(t, 'js-race-objected', 'suggestion.refused')).toHaveLength(
        refusedBefore + 1,
      );
    } finally {
      courses.findCandidates = findCandidates;
      idempotency.find = find;
    }
  });
});
