import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pseudonymOf } from '../audit/support/audit-events.ts';
import type { TestApp } from '../support/test-app.ts';
import {
  act,
  aWorkflowSeeker,
  createSet,
  decideAll,
  putSettings,
  readSet,
  reopenAsLeftBeforeWithdrawal,
  type SetBody,
  syncSeeker,
  type TestClock,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const HOUR = 3_600_000;

/**
 * Blind-first holds for the person, not for one set (record 0003): two sets asked for one person
 * hold the same suggestions, so a shortlist that shows one set's items must not leave another's
 * "own" shortlist free to copy them, in either order.
 */
describe('blind-first across the sets of one person', () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;
  let otherCounselor: string;

  beforeAll(async () => {
    ({ t, clock, counselor, otherCounselor } = await startWorkflowApp());
    await putSettings(t, { blindFirst: true });
  });
  afterAll(() => t.close());

  async function shortlist(token: string, setId: string, courseIds: string[]): Promise<SetBody> {
    const { etag } = await readSet(t, token, setId);
    const res = await act(t, token, setId, 'shortlist', etag, { courseIds });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as SetBody;
  }

  async function shortlistEventOf(setId: string): Promise<Record<string, unknown> | undefined> {
    const events = await t.container.decisionLog.decisionLog.listEvents({
      types: ['shortlist.submitted'],
      limit: 1000,
    });
    return events.find((event) => event.payload.setId === setId)?.payload;
  }

  function courseIdsOf(set: SetBody): string[] {
    return set.items.map((item) => item.course.id);
  }

  it("withdraws the person's other sets awaiting a shortlist once a shortlist shows a set's suggestions", async () => {
    // Asking again withdraws the first set, hidden for good; twins are left only by sets open side
    // by side from before that rule, which the first one is put back as.
    const { set: first } = await createSet(t, counselor, 'js-1', { limit: 3 });
    const { set: twin } = await createSet(t, counselor, 'js-1', { limit: 3 });
    expect(first.itemsHidden && twin.itemsHidden).toBe(true);
    await reopenAsLeftBeforeWithdrawal(t, first.id, 'awaiting_shortlist');

    const shown = await shortlist(counselor, twin.id, ['PARIS-AS']);
    expect(shown.items.length).toBeGreaterThan(0);
    expect(await shortlistEventOf(twin.id)).toMatchObject({
      withdrawnSetIds: [first.id],
      modelSeenBefore: false,
    });

    // The first set is over, its items hidden for good: its "own" shortlist can no longer copy the twin's.
    const firstRead = await readSet(t, counselor, first.id);
    expect(firstRead.set).toMatchObject({ status: 'discarded', itemsHidden: true, items: [] });
    const copied = await act(t, counselor, first.id, 'shortlist', firstRead.etag, {
      courseIds: courseIdsOf(shown),
    });
    expect(copied.status).toBe(409);
    expect(copied.body).toMatchObject({ type: expect.stringMatching(/problems\/set-status$/) });

    const discards = await t.container.decisionLog.decisionLog.listEvents({
      types: ['recommendation.discarded'],
      limit: 1000,
    });
    const withdrawal = discards.filter((event) => event.payload.setId === first.id).at(-1);
    expect(withdrawal?.actor.role).toBe('system');
    expect(withdrawal?.payload.withdrawnBecause).toBe(
      'les propositions de l’IA pour la personne ont été montrées dans une autre sélection',
    );
  });

  it("records a shortlist made after the person's suggestions were shown in another set as not blind, outside the overlap figure", async () => {
    await syncSeeker(t, 'js-2', aWorkflowSeeker({ counselorId: 'c-002' }));
    const { set: seen } = await createSet(t, otherCounselor, 'js-2', { limit: 3 });
    const shown = await shortlist(otherCounselor, seen.id, ['PARIS-AS']);
    expect(shown.shortlist?.overlap).toBe(0);

    // A new set asked for the same person, its "own" shortlist copying what the first one showed.
    const { set: later } = await createSet(t, otherCounselor, 'js-2', { limit: 3 });
    const copied = await shortlist(otherCounselor, later.id, courseIdsOf(shown));
    expect(copied.shortlist?.overlap).toBe(3);
    expect(await shortlistEventOf(later.id)).toMatchObject({ overlap: 3, modelSeenBefore: true });

    const auditor = await t.tokenFor('auditor', 'dpo-1');
    const res = await t.http
      .get('/v1/audit/stats/oversight')
      .auth(auditor, { type: 'bearer' })
      .set('X-Audit-Purpose', 'oversight review Q4');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const row = (res.body.rows as Array<Record<string, unknown>>).find(
      (candidate) => candidate.counselor === pseudonymOf(t, 'c-002'),
    );
    // The copy counts apart; the overlap is the blind shortlist's alone (0), not a mean with a full match.
    expect(row).toMatchObject({ blindFirstSets: 2, shortlistsAfterModelSeen: 1, blindFirstOverlap: 0 });
  });

  it("tells the picks of a shortlist made after the person's suggestions were shown as not blind, in the set and in the person's export once published", async () => {
    await syncSeeker(t, 'js-7');
    const { set: seen } = await createSet(t, counselor, 'js-7', { limit: 3 });
    const blindPicks = await shortlist(counselor, seen.id, ['PARIS-AS']);
    const { set: later } = await createSet(t, counselor, 'js-7', { limit: 3 });
    const afterSeen = await shortlist(counselor, later.id, ['PARIS-AS']);
    expect(await shortlistEventOf(later.id)).toMatchObject({ modelSeenBefore: true });

    const reasonOfPick = (set: SetBody) => set.items.find((item) => item.source === 'counselor')?.explanation;
    expect(reasonOfPick(blindPicks)).toContain('avant de voir les propositions de l’IA (mode à l’aveugle)');
    expect(reasonOfPick(afterSeen)).toContain(
      'faite alors que des propositions de l’IA pour la personne avaient déjà été montrées',
    );
    expect(reasonOfPick(afterSeen)).not.toContain('avant de voir');

    // The export lists a set's items once it is published.
    const { etag } = await decideAll(t, counselor, later.id);
    const published = await act(t, counselor, later.id, 'publish', etag, {});
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    const person = await t.tokenFor('job_seeker', 'js-7');
    const data = await t.http.get('/v1/me/data').auth(person, { type: 'bearer' });
    expect(data.status).toBe(200);
    const exported = (
      data.body.suggestionSets as Array<{ id: string; items: Array<{ addedReason: string | null }> }>
    )
      .find((set) => set.id === later.id)
      ?.items.map((item) => item.addedReason)
      .filter((reason) => reason !== null);
    expect(exported).toEqual([
      'retenue par le conseiller dans sa propre sélection, faite alors que des propositions de l’IA pour la personne avaient déjà été montrées',
    ]);
  });

  it('records a shortlist as not blind when a set made outside blind-first mode showed the suggestions', async () => {
    await syncSeeker(t, 'js-3');
    await putSettings(t, { blindFirst: false });
    try {
      await createSet(t, counselor, 'js-3', { limit: 3 });
    } finally {
      await putSettings(t, { blindFirst: true });
    }
    const { set: blind } = await createSet(t, counselor, 'js-3', { limit: 3 });
    await shortlist(counselor, blind.id, ['PARIS-AS']);
    expect(await shortlistEventOf(blind.id)).toMatchObject({ modelSeenBefore: true });
  });

  it('keeps a set made for blind-first review awaiting its shortlist after the mode is turned off, telling that an empty one will do', async () => {
    await syncSeeker(t, 'js-6');
    const { set } = await createSet(t, counselor, 'js-6', { limit: 3 });
    await putSettings(t, { blindFirst: false });
    try {
      const { etag } = await readSet(t, counselor, set.id);
      const refused = await act(t, counselor, set.id, 'publish', etag);
      expect(refused.status, JSON.stringify(refused.body)).toBe(409);
      expect(refused.body.detail).toContain('made for blind-first review');
      expect(refused.body.detail).toContain('an empty one if you have none');
      const shown = await shortlist(counselor, set.id, []);
      expect(shown).toMatchObject({ status: 'pending_review', itemsHidden: false });
      expect(shown.items.length).toBeGreaterThan(0);
    } finally {
      await putSettings(t, { blindFirst: true });
    }
  });

  it("counts a shortlist as blind once the sets that showed the person's suggestions are closed and older than a set's lifetime", async () => {
    await syncSeeker(t, 'js-4');
    await putSettings(t, { blindFirst: true, setTtlHours: 1 });
    try {
      const { set: old } = await createSet(t, counselor, 'js-4', { limit: 3 });
      const shown = await shortlist(counselor, old.id, ['PARIS-AS']);
      const { etag } = await readSet(t, counselor, old.id);
      expect(shown.status).toBe('pending_review');
      const discarded = await act(t, counselor, old.id, 'discard', etag, {
        reason: 'Je reprendrai plus tard.',
      });
      expect(discarded.status).toBe(200);

      clock.advance(2 * HOUR);
      const { set: fresh } = await createSet(t, counselor, 'js-4', { limit: 3 });
      await shortlist(counselor, fresh.id, ['PARIS-AS']);
      expect(await shortlistEventOf(fresh.id)).toMatchObject({ modelSeenBefore: false });
    } finally {
      await putSettings(t, { blindFirst: true });
    }
  });

  it('counts a shortlist as blind when the only other set of the person held no suggestion', async () => {
    // No course within reach: the set holds no item, so it never awaited a shortlist, and showed nothing.
    const faraway = { location: { lat: 43.2965, lon: 5.3698 }, mobilityRadiusKm: 5 };
    await syncSeeker(t, 'js-5', aWorkflowSeeker({ ...faraway, remoteOk: false }));
    const { set: empty } = await createSet(t, counselor, 'js-5', { limit: 3 });
    expect(empty.items).toEqual([]);

    await syncSeeker(t, 'js-5', aWorkflowSeeker());
    const { set: blind } = await createSet(t, counselor, 'js-5', { limit: 3 });
    expect(blind.status).toBe('awaiting_shortlist');
    await shortlist(counselor, blind.id, ['LYON-AS-1']);
    expect(await shortlistEventOf(blind.id)).toMatchObject({ modelSeenBefore: false });
  });
});
