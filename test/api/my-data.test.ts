import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobSeekerInput } from '../../src/job-seekers/job-seeker.ts';
import type { TestApp } from '../support/test-app.ts';
import {
  act,
  aWorkflowSeeker,
  createAndPublish,
  createSet,
  decide,
  decideEach,
  keysOf,
  objectToAi,
  putSettings,
  readSet,
  requestManualSet,
  type SetBody,
  syncSeeker,
  type TestClock,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const HOUR = 3_600_000;

/** A set as the person's data export lists it (the parts the tests read). */
interface MySet {
  id: string;
  status: string;
  createdAt: string;
  madeBy: 'model' | 'counselor';
  model: { id: string; version: string } | null;
  publishedAt: string | null;
  closedAt: string | null;
  message: string | null;
  discardReason: string | null;
  profileUsed: object | null;
  items: MyItem[];
  undecidedSuggestions: number;
}

interface MyItem {
  itemId: string;
  course: { id: string; title: string };
  suggestedBy: 'model' | 'counselor';
  decision: 'approved' | 'rejected';
  rejection: { reasonCode: string; reason: string; comment: string | null } | null;
  addedReason: string | null;
}

/** The access right lists every set made about the person, with what was done with it once reviewed. */
describe('the person’s data export (GET /v1/me/data): the suggestion sets made about them', () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;

  beforeAll(async () => {
    ({ t, clock, counselor } = await startWorkflowApp());
  });
  afterAll(() => t.close());

  async function exportSets(seekerId: string): Promise<MySet[]> {
    const token = await t.tokenFor('job_seeker', seekerId);
    const res = await t.http.get('/v1/me/data').auth(token, { type: 'bearer' });
    expect(res.status).toBe(200);
    return res.body.suggestionSets as MySet[];
  }

  async function exportSet(seekerId: string, setId: string): Promise<MySet> {
    const found = (await exportSets(seekerId)).find((set) => set.id === setId);
    if (found === undefined) throw new Error(`set ${setId} is not in the export of ${seekerId}`);
    return found;
  }

  /** A set of three model items: the first approved, the second rejected as too far with a comment, the third rejected for another reason; then published. */
  async function publishWithRejections(seekerId: string): Promise<SetBody> {
    await syncSeeker(t, seekerId);
    const { set: created } = await createSet(t, counselor, seekerId, { limit: 3 });
    const read = await readSet(t, counselor, created.id);
    const [first, second, third] = read.set.items;
    if (first === undefined || second === undefined || third === undefined)
      throw new Error('expected three items');
    const { etag } = await decideEach(t, counselor, created.id, read.etag, [
      [first.itemId, { decision: 'approve' }],
      [second.itemId, { decision: 'reject', reasonCode: 'too_far', comment: 'Trop loin sans voiture.' }],
      [third.itemId, { decision: 'reject', reasonCode: 'other', comment: 'Formation complète cette année.' }],
    ]);
    const published = await act(t, counselor, created.id, 'publish', etag, {
      message: 'Une piste à creuser.',
    });
    expect(published.status).toBe(200);
    return published.body as SetBody;
  }

  it('lists a rejected suggestion with its reason in plain words and the counselor’s comment once the set is published', async () => {
    const set = await publishWithRejections('js-rejected');
    const [, tooFar, other] = set.items;

    const mine = await exportSet('js-rejected', set.id);

    expect(mine).toMatchObject({
      status: 'published',
      madeBy: 'model',
      model: { id: set.model?.id, version: set.model?.version },
      message: 'Une piste à creuser.',
      discardReason: null,
    });
    expect(mine.publishedAt).not.toBeNull();
    expect(mine.closedAt).toBe(mine.publishedAt);
    expect(mine.items).toHaveLength(3);
    expect(mine.items.find((item) => item.itemId === tooFar?.itemId)).toMatchObject({
      suggestedBy: 'model',
      decision: 'rejected',
      rejection: {
        reasonCode: 'too_far',
        reason: 'Trop éloignée ou mobilité insuffisante',
        comment: 'Trop loin sans voiture.',
      },
      addedReason: null,
    });
    expect(mine.items.find((item) => item.itemId === other?.itemId)?.rejection).toMatchObject({
      reasonCode: 'other',
      comment: 'Formation complète cette année.',
    });
    expect(mine.items.filter((item) => item.decision === 'approved')).toHaveLength(1);
    expect(mine.profileUsed).not.toBeNull();
  });

  it('keeps with a set only the profile the suggestions were made from, without the commune code no feature reads', async () => {
    const set = await publishWithRejections('js-profile-used');

    const mine = await exportSet('js-profile-used', set.id);

    expect(mine.profileUsed).toMatchObject({ targetOccupations: ['J1501'], mobilityRadiusKm: 30 });
    expect(mine.profileUsed).not.toHaveProperty('communeCode');
  });

  it('lists what became of the courses proposed to the person, without what the model predicted, and no one else’s', async () => {
    const set = await publishWithRejections('js-outcome');
    const [approved] = set.items;
    const observedAt = clock.now().toISOString().slice(0, 10);
    const recorded = await t.http
      .put(`/v1/job-seekers/js-outcome/outcomes/${approved?.course.id}`)
      .auth(await t.tokenFor('integration', 'svc-crm'), { type: 'bearer' })
      .send({ entered: true, employedWithinSixMonths: false, observedAt });
    expect(recorded.status).toBe(201);

    const token = await t.tokenFor('job_seeker', 'js-outcome');
    const res = await t.http.get('/v1/me/data').auth(token, { type: 'bearer' });
    expect(res.status).toBe(200);
    expect(res.body.outcomes).toEqual([
      {
        courseId: approved?.course.id,
        entered: true,
        employedWithinSixMonths: false,
        observedAt,
        proposal: { setId: set.id, itemId: approved?.itemId, source: 'model' },
        version: 1,
        createdAt: clock.now().toISOString(),
        updatedAt: clock.now().toISOString(),
      },
    ]);
    expect(keysOf(res.body.outcomes)).not.toContain('predictedScore');
    const other = await t.http
      .get('/v1/me/data')
      .auth(await t.tokenFor('job_seeker', 'js-rejected'), { type: 'bearer' });
    expect(other.body.outcomes).toEqual([]);
  });

  it('lists a discarded set with its reason and the items decided, counting those never decided without showing them', async () => {
    await syncSeeker(t, 'js-discarded');
    const { set: created } = await createSet(t, counselor, 'js-discarded', { limit: 2 });
    const { set: read, etag } = await readSet(t, counselor, created.id);
    const [rejected] = read.items;
    const decided = await decide(t, counselor, read.id, String(rejected?.itemId), etag, {
      decision: 'reject',
      reasonCode: 'already_trained',
    });
    const discarded = await act(t, counselor, read.id, 'discard', String(decided.headers.etag), {
      reason: 'La personne a trouvé un emploi.',
    });
    expect(discarded.status).toBe(200);

    const mine = await exportSet('js-discarded', read.id);

    expect(mine).toMatchObject({
      status: 'discarded',
      discardReason: 'La personne a trouvé un emploi.',
      publishedAt: null,
      message: null,
    });
    expect(mine.closedAt).not.toBeNull();
    expect(mine.items.map((item) => item.decision)).toEqual(['rejected']);
    expect(mine.undecidedSuggestions).toBe(1);
    expect(mine.items.find((item) => item.decision === 'rejected')?.rejection).toMatchObject({
      reasonCode: 'already_trained',
      reason: 'Formation déjà suivie ou équivalente',
      comment: null,
    });
    const token = await t.tokenFor('job_seeker', 'js-discarded');
    const data = await t.http.get('/v1/me/data').auth(token, { type: 'bearer' });
    expect(data.body.recommendations).toEqual([]);
  });

  it('lists a set withdrawn by the person’s objection with the application’s reason told to them, its suggestions counted, none shown', async () => {
    await syncSeeker(t, 'js-withdrawn');
    const { set } = await createSet(t, counselor, 'js-withdrawn', { limit: 2 });
    await objectToAi(t, 'js-withdrawn');

    const mine = await exportSet('js-withdrawn', set.id);

    expect(mine).toMatchObject({
      status: 'discarded',
      discardReason: 'vous vous êtes opposé au traitement par l’IA',
    });
    // The set keeps the reason as the application wrote it, for the counselor and the log.
    const stored = await t.container.db('recommendation_sets').where({ id: set.id }).first('discard_reason');
    expect(stored?.discard_reason).toBe('la personne s’est opposée au traitement par l’IA');
    expect(mine.closedAt).not.toBeNull();
    expect(mine.items).toEqual([]);
    expect(mine.undecidedSuggestions).toBe(2);
  });

  it('lists an expired set as closed when its lifetime passed, its suggestions never decided counted, none shown', async () => {
    await syncSeeker(t, 'js-expired');
    await putSettings(t, { setTtlHours: 1 });
    try {
      const { set } = await createSet(t, counselor, 'js-expired', { limit: 2 });
      clock.advance(HOUR + 1);
      expect((await readSet(t, counselor, set.id)).set.status).toBe('expired');

      const mine = await exportSet('js-expired', set.id);

      expect(mine.status).toBe('expired');
      const row = await t.container.db('recommendation_sets').where({ id: set.id }).first('expires_at');
      expect(mine.closedAt).toBe(row.expires_at);
      expect(mine.items).toEqual([]);
      expect(mine.undecidedSuggestions).toBe(2);
    } finally {
      await putSettings(t, {});
    }
  });

  it('lists a set still under review with its status and creation date and none of its items', async () => {
    await syncSeeker(t, 'js-open');
    const { set } = await createSet(t, counselor, 'js-open', { limit: 2 });
    await decide(
      t,
      counselor,
      set.id,
      String(set.items[0]?.itemId),
      (await readSet(t, counselor, set.id)).etag,
      {
        decision: 'approve',
      },
    );

    const mine = await exportSet('js-open', set.id);

    expect(mine).toEqual({
      id: set.id,
      status: 'pending_review',
      createdAt: expect.any(String),
      madeBy: 'model',
      model: { id: set.model?.id, version: set.model?.version },
      publishedAt: null,
      closedAt: null,
      message: null,
      discardReason: null,
      retraction: null,
      replacedBy: null,
      secondReviewReturn: null,
      secondReviewApproval: null,
      profileUsed: null,
      items: [],
      undecidedSuggestions: 0,
    });
  });

  it('shows no model part for a set made by hand', async () => {
    await syncSeeker(t, 'js-by-hand');
    await objectToAi(t, 'js-by-hand');
    const created = await requestManualSet(t, counselor, 'js-by-hand');
    expect(created.status).toBe(201);
    const added = await act(t, counselor, created.body.id, 'items', String(created.headers.etag), {
      courseId: 'LYON-ASH',
      reason: 'Formation choisie avec la personne en entretien',
    });
    expect(added.status).toBe(201);
    const published = await act(t, counselor, created.body.id, 'publish', String(added.headers.etag));
    expect(published.status).toBe(200);

    const mine = await exportSet('js-by-hand', created.body.id);

    expect(mine).toMatchObject({ status: 'published', madeBy: 'counselor', model: null, profileUsed: null });
    expect(mine.items).toEqual([
      {
        itemId: expect.any(String),
        course: expect.objectContaining({ id: 'LYON-ASH' }),
        suggestedBy: 'counselor',
        decision: 'approved',
        approval: { comment: null },
        rejection: null,
        addedReason: 'Formation choisie avec la personne en entretien',
        earlierModelSuggestion: null,
      },
    ]);
  });

  it('never gives the person the model’s estimate, score or reasons for a course, decided or not', async () => {
    const set = await publishWithRejections('js-estimate');
    const seeker = await t.tokenFor('job_seeker', 'js-estimate');
    const data = await t.http.get('/v1/me/data').auth(seeker, { type: 'bearer' });
    const mine = (data.body.suggestionSets as MySet[]).find((entry) => entry.id === set.id);

    expect(mine?.items).toHaveLength(3);
    const keys = keysOf(data.body.suggestionSets);
    for (const raw of [
      'score',
      'modelEstimate',
      'attributions',
      'contribution',
      'features',
      'explanation',
      'reasons',
    ])
      expect(keys).not.toContain(raw);
    const text = JSON.stringify(data.body.suggestionSets);
    expect(text).not.toMatch(/Chance estimée|%/);
    for (const item of set.items) expect(text).not.toContain(String(item.score));
  });

  it('shows an open set whose lifetime has passed as expired, though nobody has read it since', async () => {
    await syncSeeker(t, 'js-unread-expiry');
    await putSettings(t, { setTtlHours: 1 });
    try {
      const { set } = await createSet(t, counselor, 'js-unread-expiry', { limit: 2 });
      clock.advance(HOUR + 1);

      const mine = await exportSet('js-unread-expiry', set.id);

      expect(mine.status).toBe('expired');
      const row = await t.container
        .db('recommendation_sets')
        .where({ id: set.id })
        .first('expires_at', 'status');
      expect(row.status).toBe('pending_review');
      expect(mine.closedAt).toBe(row.expires_at);
      expect(mine.undecidedSuggestions).toBe(2);
    } finally {
      await putSettings(t, {});
    }
  });

  it('gives the person’s profile as stored, without their counselor, by staff id or by pseudonym', async () => {
    await syncSeeker(t, 'js-profile');
    const token = await t.tokenFor('job_seeker', 'js-profile');

    const res = await t.http.get('/v1/me/data').auth(token, { type: 'bearer' });

    expect(res.status).toBe(200);
    expect(res.body.profile).toMatchObject({ id: 'js-profile', aiObjection: false });
    expect(res.body.profile).not.toHaveProperty('counselorId');
    expect(res.body.profile).not.toHaveProperty('counselor');
    expect(JSON.stringify(res.body)).not.toContain('c-001');
    // The log's name for the counselor would tie a counselor the person knows to their pseudonym.
    expect(JSON.stringify(res.body)).not.toContain(
      t.container.decisionLog.pseudonymiser.pseudonymise('c-001'),
    );
  });

  it('holds no commune code in the person’s profile, though their agency’s tool sent one', async () => {
    await syncSeeker(t, 'js-commune', { ...aWorkflowSeeker(), communeCode: '69123' } as JobSeekerInput);
    const token = await t.tokenFor('job_seeker', 'js-commune');

    const res = await t.http.get('/v1/me/data').auth(token, { type: 'bearer' });

    expect(res.status).toBe(200);
    expect(res.body.profile).not.toHaveProperty('communeCode');
    expect(JSON.stringify(res.body)).not.toContain('69123');
  });

  it('lists the sets made under a previous counselor, and never another person’s', async () => {
    const mine = await createAndPublish(t, counselor, 'js-1');
    await syncSeeker(t, 'js-moved');
    const { set: before } = await createSet(t, counselor, 'js-moved', { limit: 2 });
    await syncSeeker(t, 'js-moved', aWorkflowSeeker({ counselorId: 'c-002' }));

    const moved = await exportSets('js-moved');

    expect(moved.map((set) => set.id)).toEqual([before.id]);
    expect(moved[0]).toMatchObject({
      status: 'discarded',
      discardReason: 'vous êtes désormais suivi par un autre conseiller',
    });
    expect(moved[0]?.undecidedSuggestions).toBe(2);
    const ownIds: string[] = await t.container
      .db('recommendation_sets')
      .where({ seeker_id: 'js-1' })
      .orderBy('created_at', 'desc')
      .pluck('id');
    const listed = (await exportSets('js-1')).map((set) => set.id);
    expect(listed).toContain(mine.id);
    expect(new Set(listed)).toEqual(new Set(ownIds));
  });

  it('tells which suggestions were given together: each names the set it was given in, its order counted within that set', async () => {
    await syncSeeker(t, 'js-given-together');
    const first = await createAndPublish(t, counselor, 'js-given-together', { approve: 2 });
    clock.advance(HOUR);
    const second = await createAndPublish(t, counselor, 'js-given-together', { approve: 1 });
    const token = await t.tokenFor('job_seeker', 'js-given-together');

    const res = await t.http.get('/v1/me/data').auth(token, { type: 'bearer' });

    expect(res.status).toBe(200);
    const approvedOf = (set: SetBody) =>
      set.items.filter((item) => item.decision === 'approved').map((item) => item.itemId);
    expect(
      res.body.recommendations.map((item: { setId: string; itemId: string; order: number }) => [
        item.setId,
        item.itemId,
        item.order,
      ]),
    ).toEqual([
      [second.id, approvedOf(second)[0], 1],
      [first.id, approvedOf(first)[0], 1],
      [first.id, approvedOf(first)[1], 2],
    ]);
    // Each set named is one the export lists, with when it was given.
    const sets = res.body.suggestionSets as MySet[];
    expect(sets.find((set) => set.id === first.id)?.publishedAt).toBe(first.publishedAt);
    expect(sets.find((set) => set.id === second.id)?.publishedAt).toBe(second.publishedAt);
  });

  it('leaves the person’s suggestions (GET /v1/me/recommendations) as they were: the approved items of the latest published set, no score', async () => {
    const set = await publishWithRejections('js-unchanged');
    const token = await t.tokenFor('job_seeker', 'js-unchanged');

    const res = await t.http.get('/v1/me/recommendations').auth(token, { type: 'bearer' });

    expect(res.status).toBe(200);
    const approved = set.items.filter((item) => item.decision === 'approved');
    expect(res.body.message).toBe('Une piste à creuser.');
    expect(res.body.items.map((item: { itemId: string }) => item.itemId)).toEqual(
      approved.map((item) => item.itemId),
    );
    expect(Object.keys(res.body.items[0]).sort()).toEqual(
      [
        'course',
        'courseAvailable',
        'courseChangeNotice',
        'currentNextSessionStart',
        'explanation',
        'itemId',
        'order',
        'returnToEmploymentRate',
        'suggestedBy',
      ].sort(),
    );
    expect(keysOf(res.body)).not.toContain('score');
    expect(keysOf(res.body)).not.toContain('modelEstimate');
  });
});
