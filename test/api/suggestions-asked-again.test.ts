import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import {
  act,
  aWorkflowSeeker,
  createSet,
  decide,
  decideAll,
  listEventsAbout,
  listOpenSetIds,
  newIdempotencyKey,
  putSettings,
  readSet,
  requestSet,
  type SetBody,
  syncSeeker,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const REASON = 'des propositions de l’IA ont été demandées pour la personne';

/**
 * Asking for suggestions again left the earlier set open beside the new one: the counselor's queue
 * held two reviews of one person, both could be published (the second replacing the first), and the
 * oversight figures counted two reviews. Asking for suggestions now withdraws every open set of the
 * person (record 0003), the model's as those made by hand, and warns about each in its answer.
 */
describe('suggestions asked again for a person with an open set', () => {
  let t: TestApp;
  let counselor: string;
  let otherCounselor: string;

  beforeAll(async () => {
    ({ t, counselor, otherCounselor } = await startWorkflowApp());
  });
  afterAll(() => t.close());

  it('asking for suggestions again withdraws the open set of earlier suggestions and warns about it', async () => {
    await syncSeeker(t, 'js-again');
    const { set: earlier } = await createSet(t, counselor, 'js-again');
    const { set: opened, etag } = await readSet(t, counselor, earlier.id);
    const approved = await decide(t, counselor, earlier.id, opened.items[0]?.itemId ?? '', etag, {
      decision: 'approve',
    });
    expect(approved.status).toBe(200);

    const again = await requestSet(t, counselor, 'js-again');
    expect(again.status).toBe(201);
    expect(again.body.warnings).toEqual([
      {
        code: 'open_set_withdrawn',
        field: 'seekerId',
        setId: earlier.id,
        message: `set ${earlier.id} of the model's suggestions, still open for the person, was withdrawn: new suggestions take over from earlier ones, so that the person has one set under review at a time. Its decisions are kept there (1 of its ${opened.items.length} items decided: GET /v1/recommendations/${earlier.id}); add to this set the courses of it that still suit (POST /v1/recommendations/${again.body.id}/items)`,
      },
    ]);

    const withdrawn = await readSet(t, counselor, earlier.id);
    expect(withdrawn.set).toMatchObject({ status: 'discarded', discardReason: REASON });
    const published = await act(t, counselor, earlier.id, 'publish', withdrawn.etag);
    expect(published.status).toBe(409);
    expect(await listOpenSetIds(t, counselor, 'js-again')).toEqual([again.body.id]);

    const [generated] = (await listEventsAbout(t, 'js-again', 'recommendation.generated')).slice(-1);
    expect(generated?.payload).toMatchObject({ setId: again.body.id, withdrawnSetIds: [earlier.id] });
    const discards = await listEventsAbout(t, 'js-again', 'recommendation.discarded');
    expect(discards.map((event) => ({ actor: event.actor, payload: event.payload }))).toEqual([
      {
        actor: { role: 'system', pseudonym: 'withdrawal' },
        payload: { setId: earlier.id, pendingItems: opened.items.length - 1, withdrawnBecause: REASON },
      },
    ]);
  });

  it('a retry with the same key withdraws nothing more and warns as the first answer did', async () => {
    await syncSeeker(t, 'js-retried');
    const { set: earlier } = await createSet(t, counselor, 'js-retried');
    const key = newIdempotencyKey();
    const first = await requestSet(t, counselor, 'js-retried', { idempotencyKey: key });
    expect(first.status).toBe(201);
    expect(first.body.warnings).toMatchObject([{ code: 'open_set_withdrawn', setId: earlier.id }]);

    const retried = await requestSet(t, counselor, 'js-retried', { idempotencyKey: key });
    expect(retried.status).toBe(201);
    expect(retried.body.id).toBe(first.body.id);
    expect(retried.body.warnings).toEqual(first.body.warnings);
    expect((await readSet(t, counselor, first.body.id)).set.status).toBe('pending_review');
    expect(await listOpenSetIds(t, counselor, 'js-retried')).toEqual([first.body.id]);
    expect(await listEventsAbout(t, 'js-retried', 'recommendation.generated')).toHaveLength(2);
    expect(
      (await listEventsAbout(t, 'js-retried', 'recommendation.discarded')).map(
        (event) => event.payload.setId,
      ),
    ).toEqual([earlier.id]);
  });

  it('withdraws a set awaiting its second review, whose second review the new set owes', async () => {
    await syncSeeker(t, 'js-in-second-review');
    await putSettings(t, { secondReviewRate: 1 });
    let handed: SetBody;
    try {
      const { set: drawn } = await createSet(t, counselor, 'js-in-second-review');
      const decided = await decideAll(t, counselor, drawn.id, { approve: 1 });
      const res = await act(t, counselor, drawn.id, 'publish', decided.etag);
      handed = res.body as SetBody;
      expect(handed.status).toBe('awaiting_second_review');
    } finally {
      await putSettings(t, {});
    }
    // The second reviewer has read it, and is told it no longer awaits them once withdrawn.
    const { etag: reviewerEtag } = await readSet(t, otherCounselor, handed.id);

    const again = await requestSet(t, counselor, 'js-in-second-review');
    expect(again.status).toBe(201);
    expect(again.body.warnings).toMatchObject([
      {
        setId: handed.id,
        message: expect.stringContaining(`Its decisions are kept there (${handed.items.length} of its`),
      },
    ]);
    expect(again.body.secondReview.required).toBeNull();
    const [generated] = (await listEventsAbout(t, 'js-in-second-review', 'recommendation.generated')).slice(
      -1,
    );
    expect(generated?.payload).toMatchObject({ withdrawnSetIds: [handed.id], secondReviewOwedBy: handed.id });
    const approval = await act(t, otherCounselor, handed.id, 'second-review', reviewerEtag, {
      decision: 'approve',
    });
    expect(approval.status).toBe(409);
    expect(approval.body.type).toMatch(/problems\/second-review-over$/);
  });

  it('withdraws a set that held no suggestion, telling that nothing done in it is lost', async () => {
    const faraway = { location: { lat: 43.2965, lon: 5.3698 }, mobilityRadiusKm: 5, remoteOk: false };
    await syncSeeker(t, 'js-no-candidate', aWorkflowSeeker(faraway));
    const { set: empty } = await createSet(t, counselor, 'js-no-candidate');
    expect(empty.items).toEqual([]);

    await syncSeeker(t, 'js-no-candidate', aWorkflowSeeker());
    const again = await requestSet(t, counselor, 'js-no-candidate');
    expect(again.status).toBe(201);
    expect(again.body.warnings).toEqual([
      {
        code: 'open_set_withdrawn',
        field: 'seekerId',
        setId: empty.id,
        message: `set ${empty.id} of the model's suggestions, still open for the person, was withdrawn: new suggestions take over from earlier ones, so that the person has one set under review at a time. It held no suggestion (${empty.noCandidateReason}) and no course was added to it, so nothing done in it is lost (GET /v1/recommendations/${empty.id})`,
      },
    ]);
    expect((await readSet(t, counselor, empty.id)).set.status).toBe('discarded');
  });

  describe('in blind-first mode', () => {
    beforeAll(() => putSettings(t, { blindFirst: true }));
    afterAll(() => putSettings(t, {}));

    it('withdraws a set whose shortlist was in, telling to name in the new shortlist those of its courses that still suit', async () => {
      await syncSeeker(t, 'js-shortlisted');
      const { set: earlier } = await createSet(t, counselor, 'js-shortlisted', { limit: 3 });
      const { etag } = await readSet(t, counselor, earlier.id);
      const shortlisted = await act(t, counselor, earlier.id, 'shortlist', etag, { courseIds: ['PARIS-AS'] });
      expect(shortlisted.status, JSON.stringify(shortlisted.body)).toBe(200);
      const items = (shortlisted.body as SetBody).items.length;

      const again = await requestSet(t, counselor, 'js-shortlisted', { limit: 3 });
      expect(again.status).toBe(201);
      expect(again.body.status).toBe('awaiting_shortlist');
      expect(again.body.warnings).toEqual([
        {
          code: 'open_set_withdrawn',
          field: 'seekerId',
          setId: earlier.id,
          message: `set ${earlier.id} of the model's suggestions, still open for the person, was withdrawn: new suggestions take over from earlier ones, so that the person has one set under review at a time. Its shortlist and decisions are kept there (1 named in its shortlist, 0 of its ${items} items decided: GET /v1/recommendations/${earlier.id}); name in your shortlist for this set those that still suit (POST /v1/recommendations/${again.body.id}/shortlist)`,
        },
      ]);
    });

    it('withdraws a set still awaiting its shortlist without counting the suggestions it hides', async () => {
      await syncSeeker(t, 'js-hidden');
      const { set: earlier } = await createSet(t, counselor, 'js-hidden', { limit: 3 });
      expect(earlier.itemsHidden).toBe(true);

      const again = await requestSet(t, counselor, 'js-hidden', { limit: 3 });
      expect(again.status).toBe(201);
      expect(again.body.warnings).toEqual([
        {
          code: 'open_set_withdrawn',
          field: 'seekerId',
          setId: earlier.id,
          message: `set ${earlier.id} of the model's suggestions, still open for the person, was withdrawn: new suggestions take over from earlier ones, so that the person has one set under review at a time. Its suggestions were never shown, no shortlist having been submitted in it, so nothing done in it is lost (GET /v1/recommendations/${earlier.id})`,
        },
      ]);
      expect((await readSet(t, counselor, earlier.id)).set).toMatchObject({ status: 'discarded', items: [] });
    });
  });
});
