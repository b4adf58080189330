import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatFrenchDay } from '../../src/shared/french-day.ts';
import type { TestApp } from '../support/test-app.ts';
import {
  act,
  aWorkflowSeeker,
  createSet,
  newIdempotencyKey,
  objectToAi,
  putSettings,
  readSecondReviewDraw,
  readSet,
  requestManualSet,
  requestSet,
  type SetBody,
  syncSeeker,
  type TestClock,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/** The manual path ends in a set the counselor fills by hand and publishes: the person is not left without. */
describe('sets made by hand (the manual path)', () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;
  let otherCounselor: string;

  /** A person who objected to AI processing: the model may not be used for them. */
  const OBJECTOR = 'js-hand';

  beforeAll(async () => {
    ({ t, clock, counselor, otherCounselor } = await startWorkflowApp());
    await syncSeeker(t, OBJECTOR);
    await objectToAi(t, OBJECTOR);
  });
  afterAll(() => t.close());

  /** Adds a catalog course to a set as the counselor's own; returns the set's new ETag. */
  async function addCourse(setId: string, etag: string, courseId: string): Promise<string> {
    const res = await act(t, counselor, setId, 'items', etag, {
      courseId,
      reason: 'Formation choisie avec la personne en entretien',
    });
    expect(res.status).toBe(201);
    return String(res.headers.etag);
  }

  /** A set by hand started while the AI is switched off (then switched on again). */
  async function requestManualSetWithAiOff(seekerId: string) {
    await putSettings(t, { aiEnabled: false });
    try {
      const res = await requestManualSet(t, counselor, seekerId);
      expect(res.status).toBe(201);
      return res;
    } finally {
      await putSettings(t, {});
    }
  }

  async function listEvents(type: 'recommendation.created_manually' | 'objection.recorded') {
    return t.container.decisionLog.decisionLog.listEvents({ types: [type], limit: 1000 });
  }

  it('with the AI switched off, the 409 names where to start a set by hand, which the counselor fills from the catalog search and publishes', async () => {
    await putSettings(t, { aiEnabled: false });
    let published: SetBody;
    try {
      const refused = await requestSet(t, counselor, 'js-1');
      expect(refused.status).toBe(409);
      expect(refused.body.manualSetPath).toBe('/v1/job-seekers/js-1/manual-recommendations');

      const created = await t.http
        .post(refused.body.manualSetPath)
        .auth(counselor, { type: 'bearer' })
        .set('Idempotency-Key', newIdempotencyKey())
        .send();
      expect(created.status).toBe(201);
      const set = created.body as SetBody;
      expect(created.headers.location).toBe(`/v1/recommendations/${set.id}`);
      expect(set).toMatchObject({
        seekerId: 'js-1',
        status: 'pending_review',
        model: null,
        attributionMethod: null,
        items: [],
        noCandidateReason: null,
        secondReview: { required: null },
      });

      const search = await t.http.get(refused.body.manualPath).auth(counselor, { type: 'bearer' });
      const found = search.body.items.map((course: { id: string }) => course.id);
      expect(found).toContain('LYON-ASH');
      let etag = await addCourse(set.id, String(created.headers.etag), 'LYON-ASH');
      clock.advance(60_000);
      etag = await addCourse(set.id, etag, 'LYON-AS-2');

      const queue = await t.http.get('/v1/recommendations?seekerId=js-1').auth(counselor, { type: 'bearer' });
      expect(queue.body.items.find((summary: { id: string }) => summary.id === set.id)).toMatchObject({
        model: null,
        itemCount: 2,
        pendingCount: 0,
      });

      const publish = await act(t, counselor, set.id, 'publish', etag, { message: 'Voici nos deux pistes.' });
      expect(publish.status).toBe(200);
      published = publish.body as SetBody;
      expect(published.status).toBe('published');
    } finally {
      await putSettings(t, {});
    }

    const seeker = await t.tokenFor('job_seeker', 'js-1');
    const mine = await t.http.get('/v1/me/recommendations').auth(seeker, { type: 'bearer' });
    expect(mine.body.message).toBe('Voici nos deux pistes.');
    expect(mine.body.items.map((item: { course: { id: string } }) => item.course.id)).toEqual([
      'LYON-ASH',
      'LYON-AS-2',
    ]);
    expect(mine.body.items.every((item: { suggestedBy: string }) => item.suggestedBy === 'counselor')).toBe(
      true,
    );

    const explanation = await t.http
      .get(`/v1/me/recommendations/${mine.body.items[0].itemId}/explanation`)
      .auth(seeker, { type: 'bearer' });
    expect(explanation.status).toBe(200);
    expect(explanation.body.aiContribution).toMatch(/ajoutée par votre conseiller/);
    // Nothing about the person was used by the tool, which the explanation says rather than listing nothing.
    expect(explanation.body.dataUsed[0]).toMatchObject({
      label: 'Vos données',
      value: expect.stringMatching(/^aucune :/),
    });
    for (const entry of explanation.body.dataUsed.slice(1))
      expect(entry.source).toMatch(/^le catalogue des formations/);
    expect(explanation.body.reasons).toEqual([]);

    // No profile is kept with a set made by hand: nothing about the person was scored for it.
    const data = await t.http.get('/v1/me/data').auth(seeker, { type: 'bearer' });
    const handMade = data.body.suggestionSets.find((entry: { id: string }) => entry.id === published.id);
    expect(handMade.profileUsed).toBeNull();
  });

  it('logs its creation as made by hand, with why the model was not used, naming no model and carrying nothing about the person', async () => {
    const before = (await listEvents('recommendation.created_manually')).length;
    const res = await requestManualSet(t, counselor, OBJECTOR);
    expect(res.status).toBe(201);
    const events = await listEvents('recommendation.created_manually');
    expect(events).toHaveLength(before + 1);
    const event = events.at(-1);
    expect(event?.payload).toEqual({
      setId: res.body.id,
      status: 'pending_review',
      modelUnavailable: 'objection',
      secondReviewRequired: false,
      secondReviewOwedBy: null,
      withdrawnSetIds: [],
    });
    expect(event?.personal).toBeNull();
    expect(event?.actor.role).toBe('counselor');
    expect(event?.subject).toBe(t.container.decisionLog.pseudonymiser.pseudonymise(OBJECTOR));
  });

  it('is refused (409) while suggestions can be asked for the person: what the model shows stays in the review', async () => {
    const res = await requestManualSet(t, counselor, 'js-1');
    expect(res.status).toBe(409);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.detail).toMatch(/suggestions can be asked for this person/);
    expect(res.body.suggestionsPath).toBe('/v1/job-seekers/js-1/recommendations');
  });

  it('with no active model, the 503 names the manual path too, and a set by hand can be started', async () => {
    const active = await t.container.db('models').where({ status: 'active' }).pluck('id');
    await t.container.db('models').where({ status: 'active' }).update({ status: 'retired' });
    try {
      const refused = await requestSet(t, counselor, 'js-1');
      expect(refused.status).toBe(503);
      // Nothing changes until an admin activates a model: no time to wait is given.
      expect(refused.headers['retry-after']).toBeUndefined();
      expect(refused.body).toMatchObject({
        type: 'https://aiguillage.example/problems/ai-unavailable',
        detail: expect.stringMatching(/no model is active/),
        manualSetPath: '/v1/job-seekers/js-1/manual-recommendations',
      });
      const created = await requestManualSet(t, counselor, 'js-1');
      expect(created.status).toBe(201);
      expect((await listEvents('recommendation.created_manually')).at(-1)?.payload.modelUnavailable).toBe(
        'no_active_model',
      );
    } finally {
      await t.container.db('models').whereIn('id', active).update({ status: 'active' });
    }
  });

  it('is sampled for a second review like any set', async () => {
    await putSettings(t, { secondReviewRate: 1 });
    try {
      const res = await requestManualSet(t, counselor, OBJECTOR);
      expect(await readSecondReviewDraw(t, res.body.id)).toBe(true);
      const etag = await addCourse(res.body.id, String(res.headers.etag), 'LYON-AS-1');
      const publish = await act(t, counselor, res.body.id, 'publish', etag);
      expect(publish.status).toBe(200);
      expect(publish.body.status).toBe('awaiting_second_review');
    } finally {
      await putSettings(t, {});
    }
  });

  it('starts awaiting review in blind-first mode: there are no model items to hide', async () => {
    await putSettings(t, { blindFirst: true });
    try {
      const res = await requestManualSet(t, counselor, OBJECTOR);
      expect(res.body).toMatchObject({ status: 'pending_review', itemsHidden: false });
    } finally {
      await putSettings(t, {});
    }
  });

  it('is withdrawn, as every open set, when the person moves to another counselor', async () => {
    await syncSeeker(t, 'js-hand-moves');
    await objectToAi(t, 'js-hand-moves');
    const res = await requestManualSet(t, counselor, 'js-hand-moves');
    expect(res.status).toBe(201);
    await syncSeeker(t, 'js-hand-moves', aWorkflowSeeker({ counselorId: 'c-002' }));
    const after = await readSet(t, otherCounselor, res.body.id);
    expect(after.set).toMatchObject({
      status: 'discarded',
      discardReason: 'la personne suit désormais un autre conseiller',
    });
  });

  it('is open to the counselor of a person who objected to AI processing, and their objection does not withdraw it', async () => {
    await syncSeeker(t, 'js-manual-objects');
    const handMade = await requestManualSetWithAiOff('js-manual-objects');

    await objectToAi(t, 'js-manual-objects');
    const seeker = await t.tokenFor('job_seeker', 'js-manual-objects');
    expect((await listEvents('objection.recorded')).at(-1)?.payload.withdrawnSetIds).toEqual([]);
    const kept = await readSet(t, counselor, handMade.body.id);
    expect(kept.set.status).toBe('pending_review');

    // Objected: no suggestion from the model, but the set by hand can still be filled and published,
    // and another started.
    const etag = await addCourse(kept.set.id, kept.etag, 'LYON-SEC');
    expect((await act(t, counselor, kept.set.id, 'publish', etag)).status).toBe(200);
    const mine = await t.http.get('/v1/me/recommendations').auth(seeker, { type: 'bearer' });
    expect(mine.body.items.map((item: { course: { id: string } }) => item.course.id)).toEqual(['LYON-SEC']);
    expect((await requestSet(t, counselor, 'js-manual-objects')).status).toBe(409);
    const another = await requestManualSet(t, counselor, 'js-manual-objects');
    expect(another.status).toBe(201);
    expect(another.body).toMatchObject({ model: null, status: 'pending_review' });
  });

  it('is withdrawn when suggestions are asked for the person, so that none of them can be published as chosen by hand', async () => {
    await syncSeeker(t, 'js-hand-then-model');
    const handMade = await requestManualSetWithAiOff('js-hand-then-model');

    const suggested = (await createSet(t, counselor, 'js-hand-then-model')).set;
    const withdrawn = await readSet(t, counselor, handMade.body.id);
    expect(withdrawn.set).toMatchObject({
      status: 'discarded',
      discardReason: 'des propositions de l’IA ont été demandées pour la personne',
    });
    const added = await act(t, counselor, handMade.body.id, 'items', withdrawn.etag, {
      courseId: 'LYON-AS-1',
      reason: 'Repris des suggestions',
    });
    expect(added.status).toBe(409);
    const [generated] = await t.container.decisionLog.decisionLog.listEvents({
      types: ['recommendation.generated'],
      subject: t.container.decisionLog.pseudonymiser.pseudonymise('js-hand-then-model'),
    });
    expect(generated?.payload).toMatchObject({ setId: suggested.id, withdrawnSetIds: [handMade.body.id] });
    const discarded = await t.container.decisionLog.decisionLog.listEvents({
      types: ['recommendation.discarded'],
      limit: 1000,
    });
    expect(discarded.find((event) => event.payload.setId === handMade.body.id)?.payload).toEqual({
      setId: handMade.body.id,
      pendingItems: 0,
      withdrawnBecause: 'des propositions de l’IA ont été demandées pour la personne',
    });
  });

  it("withdraws the person's open sets of the model's suggestions when it is started, so that the counselor works from one set", async () => {
    await syncSeeker(t, 'js-model-then-hand');
    const suggested = (await createSet(t, counselor, 'js-model-then-hand')).set;

    const handMade = await requestManualSetWithAiOff('js-model-then-hand');

    const withdrawn = await readSet(t, counselor, suggested.id);
    expect(withdrawn.set).toMatchObject({
      status: 'discarded',
      discardReason: 'une sélection à la main a été commencée pour la personne',
    });
    const created = (await listEvents('recommendation.created_manually')).at(-1);
    expect(created?.payload).toMatchObject({ setId: handMade.body.id, withdrawnSetIds: [suggested.id] });
  });

  it('tells the person that the model had suggested a course the counselor then added by hand, and when', async () => {
    await syncSeeker(t, 'js-seen-then-added');
    const suggested = (await createSet(t, counselor, 'js-seen-then-added')).set;
    const seen = suggested.items[0]?.course.id;
    expect(seen).toBeDefined();
    const neverSuggested = 'PARIS-AS';
    expect(suggested.items.map((item) => item.course.id)).not.toContain(neverSuggested);
    clock.advance(3_600_000);

    const handMade = await requestManualSetWithAiOff('js-seen-then-added');
    let etag = await addCourse(handMade.body.id, String(handMade.headers.etag), String(seen));
    etag = await addCourse(handMade.body.id, etag, neverSuggested);
    const { set, etag: read } = await readSet(t, counselor, handMade.body.id);
    expect(set.items.map((item) => [item.course.id, item.earlierModelSuggestion])).toEqual([
      [seen, { setId: suggested.id, suggestedAt: suggested.createdAt }],
      [neverSuggested, null],
    ]);
    const added = await t.container.decisionLog.decisionLog.listEvents({
      types: ['item.added'],
      limit: 1000,
    });
    expect(
      added
        .filter((event) => event.payload.setId === handMade.body.id)
        .map((e) => e.payload.earlierModelSetId),
    ).toEqual([suggested.id, null]);
    expect((await act(t, counselor, handMade.body.id, 'publish', read)).status).toBe(200);

    const seeker = await t.tokenFor('job_seeker', 'js-seen-then-added');
    const mine = await t.http.get('/v1/me/recommendations').auth(seeker, { type: 'bearer' });
    const explain = async (courseId: string) => {
      const item = mine.body.items.find((entry: { course: { id: string } }) => entry.course.id === courseId);
      const res = await t.http
        .get(`/v1/me/recommendations/${item.itemId}/explanation`)
        .auth(seeker, { type: 'bearer' });
      expect(res.status).toBe(200);
      return String(res.body.aiContribution);
    };
    const day = formatFrenchDay(suggested.createdAt);
    expect(await explain(String(seen))).toBe(
      'Cette formation a été ajoutée par votre conseiller. L’outil d’aide à la décision l’avait suggérée à votre ' +
        `conseiller dans une autre sélection, le ${day} ; c’est votre conseiller qui l’a choisie ici.`,
    );
    expect(await explain(neverSuggested)).toBe(
      'Cette formation a été ajoutée par votre conseiller. L’outil d’aide à la décision n’est pas intervenu dans ce choix.',
    );
    const data = await t.http.get('/v1/me/data').auth(seeker, { type: 'bearer' });
    const record = data.body.suggestionSets.find((entry: { id: string }) => entry.id === handMade.body.id);
    expect(
      record.items.map((item: { earlierModelSuggestion: unknown }) => item.earlierModelSuggestion),
    ).toEqual([{ setId: suggested.id, suggestedAt: suggested.createdAt }, null]);
  });

  it('cannot be published empty', async () => {
    const res = await requestManualSet(t, counselor, OBJECTOR);
    const publish = await act(t, counselor, res.body.id, 'publish', String(res.headers.etag));
    expect(publish.status).toBe(409);
    expect(publish.body.detail).toMatch(/approved/);
  });

  it("is started only by the counselor whose caseload holds the person: anyone else's request answers 404", async () => {
    const res = await requestManualSet(t, otherCounselor, OBJECTOR);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect((await requestManualSet(t, counselor, 'js-nobody')).status).toBe(404);
  });

  it('replays the first answer for the same Idempotency-Key, and refuses the key for another request with 422', async () => {
    const key = newIdempotencyKey();
    const first = await requestManualSet(t, counselor, OBJECTOR, key);
    expect(first.status).toBe(201);
    const etag = await addCourse(first.body.id, String(first.headers.etag), 'LYON-AS-1');
    expect(etag).not.toBe(String(first.headers.etag));

    const retry = await requestManualSet(t, counselor, OBJECTOR, key);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers['idempotent-replayed']).toBe('true');

    const otherRequest = await requestSet(t, counselor, OBJECTOR, { idempotencyKey: key });
    expect(otherRequest.status).toBe(422);
    const modelKey = newIdempotencyKey();
    expect((await requestSet(t, counselor, 'js-1', { idempotencyKey: modelKey })).status).toBe(201);
    expect((await requestManualSet(t, counselor, 'js-1', modelKey)).status).toBe(422);
  });
});
