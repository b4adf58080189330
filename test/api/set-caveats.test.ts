import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import { aWorkflowSeeker, createSet, readSet, syncSeeker, type TestClock } from '../support/workflow.ts';
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
});
