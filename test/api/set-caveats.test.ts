import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import {
  aWorkflowSeeker,
  createSet,
  newIdempotencyKey,
  readSet,
  requestSet,
  syncSeeker,
  type TestClock,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const DAY_MS = 86_400_000;

/** What a counselor is told about a set's suggestions before weighing them. */
describe("a set's caveats, on every reading", () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;

  beforeAll(async () => {
    ({ t, clock, counselor } = await startWorkflowApp());
  });
  afterAll(() => t.close());

  it('has none for a person whose target occupation the suggestions train for, on a recent profile', async () => {
    const { set } = await createSet(t, counselor, 'js-1');
    expect(set.caveats).toEqual([]);
  });

  it("warns that none of the suggestions trains for the person's target occupation, when the catalog has none for it", async () => {
    await syncSeeker(t, 'js-unknown-job', aWorkflowSeeker({ targetOccupations: ['N9999'] }));
    const { set } = await createSet(t, counselor, 'js-unknown-job');
    expect(set.items.length).toBeGreaterThan(0);
    const expected = [{ code: 'no_occupation_match', message: expect.stringContaining('N9999') }];
    expect(set.caveats).toEqual(expected);
    const read = await readSet(t, counselor, set.id);
    expect(read.set.caveats).toEqual(expected);
  });

  it('warns that the profile the model saw was last synced months before', async () => {
    await syncSeeker(t, 'js-old-profile');
    clock.advance(100 * DAY_MS);
    const { set } = await createSet(t, counselor, 'js-old-profile');
    expect(set.caveats).toEqual([
      { code: 'profile_not_recent', message: expect.stringContaining('100 days') },
    ]);
  });

  describe('replayed to a creation retried with its Idempotency-Key', () => {
    it('replays the no_occupation_match caveat with the person’s occupations, as first answered', async () => {
      // No course of the catalog trains for M1805: every suggestion lacks an exact occupation match.
      await syncSeeker(t, 'js-caveat', aWorkflowSeeker({ targetOccupations: ['M1805'] }));
      const key = newIdempotencyKey();
      const first = await requestSet(t, counselor, 'js-caveat', { idempotencyKey: key });
      expect(first.status).toBe(201);
      expect(first.body.caveats[0].message).toContain('(M1805)');

      const again = await requestSet(t, counselor, 'js-caveat', { idempotencyKey: key });
      expect(again.status).toBe(201);
      expect(again.body.caveats).toEqual(first.body.caveats);
      expect(again.body).toEqual(first.body);
    });

    it('answers the same key sent twice at once with one body: the loser of the race gets the winner’s caveats', async () => {
      await syncSeeker(t, 'js-caveat-race', aWorkflowSeeker({ targetOccupations: ['M1805'] }));
      const key = newIdempotencyKey();
      const [a, b] = await Promise.all([
        requestSet(t, counselor, 'js-caveat-race', { idempotencyKey: key }),
        requestSet(t, counselor, 'js-caveat-race', { idempotencyKey: key }),
      ]);
      expect([a.status, b.status]).toEqual([201, 201]);
      expect(a.body.id).toBe(b.body.id);
      expect(a.body.caveats).toEqual(b.body.caveats);
    });

    it('replays the profile_not_recent caveat the first answer gave', async () => {
      await syncSeeker(t, 'js-stale');
      clock.advance(100 * DAY_MS);
      const key = newIdempotencyKey();
      const first = await requestSet(t, counselor, 'js-stale', { idempotencyKey: key });
      expect(first.status).toBe(201);
      expect(first.body.caveats.map((c: { code: string }) => c.code)).toContain('profile_not_recent');

      const again = await requestSet(t, counselor, 'js-stale', { idempotencyKey: key });
      expect(again.body.caveats).toEqual(first.body.caveats);
    });
  });
});
