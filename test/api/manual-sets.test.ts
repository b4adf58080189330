import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import {
  act,
  createSet,
  newIdempotencyKey,
  putSettings,
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

  beforeAll(async () => {
    ({ t, clock, counselor, otherCounselor } = await startWorkflowApp());
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

  async function listEvents(type: 'recommendation.created_manually' | 'objection.recorded') {
    return t.container.decisionLog.decisionLog.listEvents({ types: [type], limit: 1000 });
  }

  it('with the AI switched off, the 409 names where to start a set by hand, which the counselor fills from the catalog search and publishes', async () => {
    await putSettings(t, { aiEnabled: false, secondReviewRate: 1 });
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
        // Second reviews oversee the model: a set made by hand is never sampled, even at a rate of 1.
        secondReview: { required: false },
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
    expect(explanation.body.dataUsed).toEqual([]);
    expect(explanation.body.reasons).toEqual([]);

    // No profile is kept with a set made by hand: nothing about the person was scored for it.
    const data = await t.http.get('/v1/me/data').auth(seeker, { type: 'bearer' });
    expect(data.body.profilesUsed).toEqual([]);
  });

  it('logs its creation as made by hand, naming no model and carrying nothing about the person', async () => {
    const before = (await listEvents('recommendation.created_manually')).length;
    const res = await requestManualSet(t, counselor, 'js-1');
    expect(res.status).toBe(201);
    const events = await listEvents('recommendation.created_manually');
    expect(events).toHaveLength(before + 1);
    const event = events.at(-1);
    expect(event?.payload).toEqual({ setId: res.body.id, status: 'pending_review' });
    expect(event?.personal).toBeNull();
    expect(event?.actor.role).toBe('counselor');
    expect(event?.subject).not.toBe('js-1');
  });

  it('is open to the counselor of a person who objected to AI processing, and their objection does not withdraw it', async () => {
    await syncSeeker(t, 'js-manual-objects');
    const modelSet = (await createSet(t, counselor, 'js-manual-objects')).set;
    const handMade = await requestManualSet(t, counselor, 'js-manual-objects');
    expect(handMade.status).toBe(201);

    const seeker = await t.tokenFor('job_seeker', 'js-manual-objects');
    expect((await t.http.post('/v1/me/objection').auth(seeker, { type: 'bearer' }).send({})).status).toBe(
      200,
    );
    expect((await listEvents('objection.recorded')).at(-1)?.payload.withdrawnSetIds).toEqual([modelSet.id]);
    expect((await readSet(t, counselor, modelSet.id)).set.status).toBe('discarded');
    const kept = await readSet(t, counselor, handMade.body.id);
    expect(kept.set.status).toBe('pending_review');

    // Objected: no suggestion from the model, but a set by hand can still be started, filled and published.
    expect((await requestSet(t, counselor, 'js-manual-objects')).status).toBe(409);
    const another = await requestManualSet(t, counselor, 'js-manual-objects');
    expect(another.status).toBe(201);
    const etag = await addCourse(kept.set.id, kept.etag, 'LYON-SEC');
    expect((await act(t, counselor, kept.set.id, 'publish', etag)).status).toBe(200);
    const mine = await t.http.get('/v1/me/recommendations').auth(seeker, { type: 'bearer' });
    expect(mine.body.items.map((item: { course: { id: string } }) => item.course.id)).toEqual(['LYON-SEC']);
  });

  it('cannot be published empty', async () => {
    const res = await requestManualSet(t, counselor, 'js-1');
    const publish = await act(t, counselor, res.body.id, 'publish', String(res.headers.etag));
    expect(publish.status).toBe(409);
    expect(publish.body.detail).toMatch(/approved/);
  });

  it("is started only by the counselor whose caseload holds the person: anyone else's request answers 404", async () => {
    const res = await requestManualSet(t, otherCounselor, 'js-1');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect((await requestManualSet(t, counselor, 'js-nobody')).status).toBe(404);
  });

  it('replays the first answer for the same Idempotency-Key, and refuses the key for another request with 422', async () => {
    const key = newIdempotencyKey();
    const first = await requestManualSet(t, counselor, 'js-1', key);
    expect(first.status).toBe(201);
    const etag = await addCourse(first.body.id, String(first.headers.etag), 'LYON-AS-1');
    expect(etag).not.toBe(String(first.headers.etag));

    const retry = await requestManualSet(t, counselor, 'js-1', key);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);

    const otherRequest = await requestSet(t, counselor, 'js-1', { idempotencyKey: key });
    expect(otherRequest.status).toBe(422);
    const modelKey = newIdempotencyKey();
    expect((await requestSet(t, counselor, 'js-1', { idempotencyKey: modelKey })).status).toBe(201);
    expect((await requestManualSet(t, counselor, 'js-1', modelKey)).status).toBe(422);
  });
});
