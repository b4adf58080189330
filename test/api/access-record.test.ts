import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedDecisionEvent } from '../../src/decision-log/decision-event.ts';
import type { components } from '../../src/http/generated/api.ts';
import { dropAppendOnlyGuards } from '../decision-log/support/tampering.ts';
import { aLoggedTextRefusal, PERSON_ID_REFUSAL, trackAppended } from '../support/logged-text-refusals.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import {
  ACCESS_REQUEST,
  aClock,
  act,
  createAndPublish,
  createSet,
  decideEach,
  eraseJobSeeker,
  putSettings,
  readSet,
  requestAccessRecord,
  requestManualSet,
  requestSet,
  type SetBody,
  seedCatalogAndSeeker,
  syncSeeker,
  type TestClock,
  WORKFLOW_CATALOG,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

type AccessRecordBody = components['schemas']['AccessRecord'];
type AccessRecordSetBody = components['schemas']['AccessRecordSet'];

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SEEKER = 'js-record';

/** Every event of the log, as recorded. */
async function readLog(t: TestApp): Promise<RecordedDecisionEvent[]> {
  const events: RecordedDecisionEvent[] = [];
  for await (const event of t.container.decisionLog.decisionLog.streamEvents()) events.push(event);
  return events;
}

const headSeq = async (t: TestApp) => (await t.container.decisionLog.decisionLog.readHead()).seq;
const pseudonymOf = (t: TestApp, id: string) => t.container.decisionLog.pseudonymiser.pseudonymise(id);
const hasDataKey = async (t: TestApp, seekerId: string) =>
  (await t.container
    .db('subject_keys')
    .where({ subject: pseudonymOf(t, seekerId) })
    .first()) !== undefined;

describe('the access record of a job seeker (GET /v1/job-seekers/{seekerId}/access-record)', () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;
  let admin: string;
  /** Published: one approved, one rejected with a comment, one rejected without. */
  let published: SetBody;
  /** Made in blind-first mode, withdrawn by the objection before any counselor saw its items. */
  let blind: SetBody;
  /** Made by hand after the objection, one course added. */
  let byHand: SetBody;
  let record: AccessRecordBody;

  const setOf = (id: string): AccessRecordSetBody => {
    const found = record.suggestionSets.find((set) => set.id === id);
    if (found === undefined) throw new Error(`set ${id} is not in the record`);
    return found;
  };

  beforeAll(async () => {
    ({ t, clock, counselor } = await startWorkflowApp());
    admin = await t.tokenFor('admin', 'ops-1');
    await syncSeeker(t, SEEKER);

    clock.advance(HOUR);
    const { set: created } = await createSet(t, counselor, SEEKER, { limit: 3 });
    const read = await readSet(t, counselor, created.id);
    const [first, second, third] = read.set.items;
    if (first === undefined || second === undefined || third === undefined) throw new Error('three items');
    const { etag } = await decideEach(t, counselor, created.id, read.etag, [
      [first.itemId, { decision: 'approve' }],
      [second.itemId, { decision: 'reject', reasonCode: 'too_far', comment: 'Trop loin sans voiture.' }],
      [third.itemId, { decision: 'reject', reasonCode: 'better_alternative' }],
    ]);
    const publication = await act(t, counselor, created.id, 'publish', etag, {
      message: 'Une piste à creuser.',
    });
    expect(publication.status).toBe(200);
    published = publication.body as SetBody;

    const seekerToken = await t.tokenFor('job_seeker', SEEKER);
    const feedback = await t.http
      .post(`/v1/me/recommendations/${first.itemId}/feedback`)
      .auth(seekerToken, { type: 'bearer' })
      .send({ response: 'interested', comment: 'Je veux en savoir plus.' });
    expect(feedback.status).toBe(201);
    const outcome = await t.http
      .put(`/v1/job-seekers/${SEEKER}/outcomes/${first.course.id}`)
      .auth(await t.tokenFor('integration', 'svc-crm'), { type: 'bearer' })
      .send({ entered: true, employedWithinSixMonths: null, observedAt: '2026-10-01' });
    expect(outcome.status).toBe(201);

    clock.advance(HOUR);
    await putSettings(t, { blindFirst: true });
    blind = (await createSet(t, counselor, SEEKER)).set;
    expect(blind).toMatchObject({ status: 'awaiting_shortlist', itemsHidden: true, items: [] });
    await putSettings(t, { blindFirst: false });

    clock.advance(HOUR);
    const objection = await t.http
      .post(`/v1/job-seekers/${SEEKER}/objection`)
      .auth(counselor, { type: 'bearer' })
      .send({ channel: 'letter', comment: 'Préfère choisir seule ses formations.' });
    expect(objection.status).toBe(200);

    clock.advance(HOUR);
    const manual = await requestManualSet(t, counselor, SEEKER);
    expect(manual.status).toBe(201);
    const added = await act(t, counselor, manual.body.id, 'items', String(manual.headers.etag), {
      courseId: 'LYON-SEC',
      reason: 'Choisie avec la personne en entretien',
    });
    expect(added.status).toBe(201);
    byHand = added.body as SetBody;

    clock.advance(HOUR);
    const res = await requestAccessRecord(t, admin, SEEKER);
    expect(res.status).toBe(200);
    record = res.body as AccessRecordBody;
  });
  afterAll(() => t.close());

  it('lists every set made about the person, newest first, whatever its status and maker', () => {
    expect(record.suggestionSets.map((set) => [set.id, set.status, set.madeBy])).toEqual([
      [byHand.id, 'pending_review', 'counselor'],
      [blind.id, 'discarded', 'model'],
      [published.id, 'published', 'model'],
    ]);
    expect(setOf(byHand.id)).toMatchObject({ model: null, attributionMethod: null });
    expect(setOf(published.id)).toMatchObject({
      model: published.model ?? {},
      attributionMethod: { method: 'exact-additive' },
      message: 'Une piste à creuser.',
      discardReason: null,
    });
    expect(setOf(published.id).model?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(setOf(published.id).profileUsed).toMatchObject({
      targetOccupations: ['J1501'],
      educationLevel: 3,
    });
    expect(setOf(blind.id).discardReason).toMatch(/opposée/);
  });

  it('gives the admin every item with its score, features and attributions, their values in words as the counselor read them', () => {
    const set = setOf(published.id);
    expect(set.items.map((item) => item.itemId)).toEqual(published.items.map((item) => item.itemId));
    expect(set.items.map((item) => item.attributions)).toEqual(
      published.items.map((item) => item.attributions),
    );
    expect(set.items.flatMap((item) => item.attributions)).toContainEqual(
      expect.objectContaining({ feature: 'occupationMatch', value: 2, valueText: 'métier exact' }),
    );
    for (const item of set.items) {
      expect(item.score).toEqual(expect.any(Number));
      expect(item.rank).toEqual(expect.any(Number));
      expect(item.features?.length).toBeGreaterThan(5);
      expect(item.attributions).toHaveLength(item.features?.length ?? -1);
      // The feature values are the ones the attributions were computed at, named alike.
      for (const feature of item.features ?? []) {
        expect(item.attributions).toContainEqual(
          expect.objectContaining({ feature: feature.feature, label: feature.label, value: feature.value }),
        );
      }
      expect(item.counselorExplanation).toMatch(/Chance estimée/);
      expect(item.seekerExplanation.summary.length).toBeGreaterThan(10);
      expect(item.decidedBy).toBe(pseudonymOf(t, 'c-001'));
      expect(item.decidedAt).not.toBeNull();
      expect(item.decisionSeconds).toEqual(expect.any(Number));
    }
    expect(set.items[1]).toMatchObject({
      decision: 'rejected',
      reasonCode: 'too_far',
      reason: 'Trop éloignée ou mobilité insuffisante',
      comment: 'Trop loin sans voiture.',
    });
    // The course's rate as it was when suggested, beside the course as everywhere else.
    expect(set.items.map((item) => item.returnToEmploymentRate)).toEqual(
      set.items.map((item) => WORKFLOW_CATALOG[item.course.id]?.returnToEmploymentRate),
    );
  });

  it('gives the suggestions no counselor saw in blind-first mode, undecided, with their scores', () => {
    const set = setOf(blind.id);
    expect(set.items.length).toBeGreaterThan(0);
    for (const item of set.items) {
      expect(item).toMatchObject({ source: 'model', decision: 'pending', decidedBy: null });
      expect(item.score).toEqual(expect.any(Number));
      expect(item.attributions.length).toBeGreaterThan(0);
    }
  });

  it("gives a counselor's addition with its reason and no model output", () => {
    expect(setOf(byHand.id).items).toEqual([
      expect.objectContaining({
        source: 'counselor',
        score: null,
        features: null,
        attributions: [],
        addedReason: 'Choisie avec la personne en entretien',
      }),
    ]);
  });

  it('gives the profile as stored, the objection as it stands and the feedback', () => {
    expect(record).toMatchObject({
      seekerId: SEEKER,
      subject: pseudonymOf(t, SEEKER),
      accessRequest: ACCESS_REQUEST,
      profile: {
        id: SEEKER,
        aiObjection: true,
        targetOccupations: ['J1501'],
        counselor: pseudonymOf(t, 'c-001'),
      },
      objection: { recordedBy: 'counselor', channel: 'letter' },
      feedback: [
        { itemId: published.items[0]?.itemId, response: 'interested', comment: 'Je veux en savoir plus.' },
      ],
    });
  });

  it('gives no commune code in the profile: the service keeps none', () => {
    expect(record.profile).not.toHaveProperty('communeCode');
  });

  it('shows staff by their pseudonym in the log, never by their id', () => {
    const text = JSON.stringify(record);
    expect(text).not.toContain('c-001');
    expect(text).not.toContain('ops-1');
    expect(setOf(published.id)).toMatchObject({
      counselor: pseudonymOf(t, 'c-001'),
      createdBy: pseudonymOf(t, 'c-001'),
      publishedBy: pseudonymOf(t, 'c-001'),
    });
  });

  it("opens the sealed parts of the person's events, oldest first", async () => {
    const logged = (await readLog(t)).filter((event) => event.subject === pseudonymOf(t, SEEKER));
    const before = logged.filter((event) => event.seq < record.exportSeq);
    expect(record.events.map((event) => [event.seq, event.type, event.hash])).toEqual(
      before.map((event) => [event.seq, event.type, event.hash]),
    );
    const ofType = (type: string) => record.events.filter((event) => event.type === type);
    expect(ofType('recommendation.generated')).toHaveLength(2);
    for (const generated of ofType('recommendation.generated')) {
      expect(generated.personal).toMatchObject({ status: 'readable', value: expect.any(Object) });
    }
    expect(ofType('item.decided').map((event) => event.actor)).toContainEqual({
      role: 'counselor',
      pseudonym: pseudonymOf(t, 'c-001'),
    });
    expect(JSON.stringify(ofType('item.decided').map((event) => event.personal))).toContain(
      'Trop loin sans voiture.',
    );
    expect(ofType('feedback.given')[0]?.personal).toEqual({
      status: 'readable',
      value: { comment: 'Je veux en savoir plus.' },
    });
    expect(ofType('objection.recorded')[0]?.personal).toEqual({
      status: 'readable',
      value: { comment: 'Préfère choisir seule ses formations.' },
    });
    expect(ofType('job_seeker.upserted')[0]?.personal).toBeNull();
  });

  it('gives what became of the courses proposed, with the model and the score of the proposal, and says so in the statement', async () => {
    await syncSeeker(t, 'js-record-outcome');
    const theirs = await createAndPublish(t, counselor, 'js-record-outcome', { approve: 1 });
    const approved = theirs.items.find((item) => item.decision === 'approved');
    const outcome = await t.http
      .put(`/v1/job-seekers/js-record-outcome/outcomes/${approved?.course.id}`)
      .auth(await t.tokenFor('integration', 'svc-crm'), { type: 'bearer' })
      .send({ entered: true, employedWithinSixMonths: null, observedAt: '2026-10-01' });
    expect(outcome.status).toBe(201);
    const res = await requestAccessRecord(t, admin, 'js-record-outcome');
    expect(res.status).toBe(200);
    const theirRecord = res.body as AccessRecordBody;
    expect(theirRecord.outcomes).toEqual([
      expect.objectContaining({
        courseId: approved?.course.id,
        entered: true,
        employedWithinSixMonths: null,
        observedAt: '2026-10-01',
        proposal: { setId: theirs.id, itemId: approved?.itemId, source: 'model' },
        model: { id: theirs.model?.id, version: theirs.model?.version },
        predictedScore: approved?.score,
      }),
    ]);
    const recorded = theirRecord.events.filter((event) => event.type === 'outcome.recorded');
    expect(recorded.map((event) => event.personal)).toEqual([
      {
        status: 'readable',
        value: expect.objectContaining({
          entered: true,
          employedWithinSixMonths: null,
          observedAt: '2026-10-01',
        }),
      },
    ]);
    expect(
      theirRecord.processing.dataCategories.some((category) => category.includes('emploi dans les six mois')),
    ).toBe(true);
  });

  it('no longer gives the outcome the person’s objection deleted; the log keeps its record, sealed with their key', () => {
    expect(record.outcomes).toEqual([]);
    const objection = record.events.find((event) => event.type === 'objection.recorded');
    expect(objection?.payload).toMatchObject({ outcomesDeleted: 1 });
    const recorded = record.events.filter((event) => event.type === 'outcome.recorded');
    expect(recorded.map((event) => event.personal?.status)).toEqual(['readable']);
  });

  it('logs the export as subject.access_exported without personal data and the chain still verifies', async () => {
    const logged = (await readLog(t)).find((event) => event.seq === record.exportSeq);
    expect(logged).toMatchObject({
      type: 'subject.access_exported',
      occurredAt: record.producedAt,
      actor: { role: 'admin', pseudonym: pseudonymOf(t, 'ops-1') },
      subject: pseudonymOf(t, SEEKER),
      personal: null,
      payload: {
        accessRequest: ACCESS_REQUEST,
        given: {
          profiles: 1,
          suggestionSets: 3,
          items: record.suggestionSets.reduce((sum, set) => sum + set.items.length, 0),
          feedback: 1,
          outcomes: 0,
          events: record.events.length,
          personalParts: {
            readable: record.events.filter((event) => event.personal !== null).length,
            shredded: 0,
            unreadable: 0,
          },
        },
      },
    });
    const payload = JSON.stringify(logged?.payload);
    for (const personal of [SEEKER, 'J1501', 'accueil', 'Trop loin', 'Je veux', 'choisir seule', 'c-001']) {
      expect(payload).not.toContain(personal);
    }
    expect(await t.container.decisionLog.decisionLog.verifyRange()).toMatchObject({ ok: true });
  });

  it('answers the log as it stood just before the export, which the next record then shows', async () => {
    const res = await requestAccessRecord(t, admin, SEEKER, 'DSAR-2026-0143');
    expect(res.status).toBe(200);
    const next = res.body as AccessRecordBody;
    expect(next.exportSeq).toBe(await headSeq(t));
    expect(next.events.at(-1)).toMatchObject({
      seq: record.exportSeq,
      type: 'subject.access_exported',
      personal: null,
      payload: { accessRequest: ACCESS_REQUEST },
    });
    expect(next.events.slice(0, -1)).toEqual(record.events);
  });

  it('states the processing: retention as configured, the models and their cards, and the rights', async () => {
    const { processing } = record;
    const { retention } = t.config;
    expect(processing.retention).toMatchObject({
      personalDataDays: retention.personalDays,
      logDays: retention.logDays,
      idempotencyHours: retention.idempotencyHours,
    });
    expect(processing.logic.models).toEqual([
      expect.objectContaining({
        id: published.model?.id,
        sha256: published.model?.sha256,
        active: true,
        usedForPerson: true,
        attributionMethod: 'exact-additive',
        recall: null,
        card: `/v1/models/${published.model?.id}/card`,
      }),
    ]);
    const card = await t.http.get(processing.logic.models[0]?.card ?? '').auth(admin, { type: 'bearer' });
    expect(card.status).toBe(200);
    expect(processing.rights.map((right) => right.right)).toEqual([
      'access',
      'rectification',
      'restriction',
      'objection',
      'erasure',
      'complaint',
    ]);
    expect(processing.rights.find((right) => right.right === 'complaint')?.how).toMatch(/CNIL/);
    expect(processing.source).toMatch(/agence/);
    // No model was recalled: nothing is said of a recall.
    expect(processing.logic.statement).not.toMatch(/rappel/);
  });

  it('refuses counselors, auditors, job seekers and integration (403)', async () => {
    for (const role of ['counselor', 'auditor', 'job_seeker', 'integration'] as const) {
      const token = await t.tokenFor(role, role === 'job_seeker' ? SEEKER : `${role}-1`);
      const res = await requestAccessRecord(t, token, SEEKER);
      expect(res.status, role).toBe(403);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });

  it('answers 404 for a person nothing is held about, and logs nothing', async () => {
    const head = await headSeq(t);
    const res = await requestAccessRecord(t, admin, 'js-never-known');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.detail).toBe('job seeker js-never-known was not found');
    expect(await headSeq(t)).toBe(head);
  });

  it('needs the access request reference (400), and logs nothing', async () => {
    const head = await headSeq(t);
    const missing = await requestAccessRecord(t, admin, SEEKER, null);
    expect(missing.status).toBe(400);
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(missing.body.errors).toContainEqual(
      expect.objectContaining({ path: '/headers/x-access-request' }),
    );
    expect((await requestAccessRecord(t, admin, SEEKER, '   ')).status).toBe(400);
    expect(await headSeq(t)).toBe(head);
  });

  it('takes only a ticket number as the reference (400 for words, spaces or over 64 characters), and logs nothing', async () => {
    const head = await headSeq(t);
    for (const reference of ['DSAR 2026 Mme Dupont', 'Demande de M. Martin', '-2026', 'x'.repeat(65)]) {
      const res = await requestAccessRecord(t, admin, SEEKER, reference);
      expect(res.status, reference).toBe(400);
      expect(res.body.errors).toContainEqual(expect.objectContaining({ path: '/headers/x-access-request' }));
    }
    expect((await requestAccessRecord(t, admin, SEEKER, 'CNIL/2026_12.0142-b')).status).toBe(200);
    expect((await requestAccessRecord(t, admin, SEEKER, 'x'.repeat(64))).status).toBe(200);
    expect(await headSeq(t)).toBe(head + 2);
  });

  it('refuses a reference that mentions a sensitive term (422), says why, and logs nothing', async () => {
    const head = await headSeq(t);
    const res = await requestAccessRecord(t, admin, SEEKER, 'DSAR-12-handicapee');
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.detail).toMatch(/X-Access-Request.*kept readable.*handicap/);
    expect(res.body.terms).toEqual(['handicap']);
    expect(await headSeq(t)).toBe(head);
  });

  it("refuses a reference that holds the person's id (422): it would tie their pseudonym to them for good", async () => {
    const head = await headSeq(t);
    for (const reference of [`DSAR-${SEEKER}`, `dsar/${SEEKER.toUpperCase()}/2026`]) {
      const res = await requestAccessRecord(t, admin, SEEKER, reference);
      expect(res.status, reference).toBe(422);
      expect(res.body.detail).toMatch(/without the person’s id/);
    }
    expect((await requestAccessRecord(t, admin, SEEKER, `DSAR-${SEEKER}2`)).status).toBe(200);
    expect(await headSeq(t)).toBe(head + 1);
  });

  it('refuses a reference that holds the id of another job seeker or of a counselor the log names (422) in the same words, and logs the refusal alone', async () => {
    await syncSeeker(t, 'js-other-person');
    const details = new Set<string>();
    for (const reference of ['js-other-person', 'DSAR/c-001']) {
      const { result: res, appended } = await trackAppended(t, () =>
        requestAccessRecord(t, admin, SEEKER, reference),
      );
      expect(res.status, reference).toBe(422);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.detail).toMatch(/X-Access-Request.*kept readable/);
      expect(res.body.detail).toMatch(PERSON_ID_REFUSAL);
      details.add(res.body.detail);
      expect(appended).toEqual([
        aLoggedTextRefusal(t, { role: 'admin', id: 'ops-1' }, 'getAccessRecord', {
          header: 'X-Access-Request',
        }),
      ]);
      expect(JSON.stringify(appended)).not.toMatch(/js-other|DSAR|c-001/);
    }
    expect(details.size).toBe(1);
  });

  it("refuses another job seeker's id upper-cased as the reference, as it refuses the person's own, and logs the refusal", async () => {
    await syncSeeker(t, 'js-other-case');
    const { result: res, appended } = await trackAppended(t, () =>
      requestAccessRecord(t, admin, SEEKER, 'DSAR/JS-OTHER-CASE'),
    );
    expect(res.status, 'js-other-case named readable for good beside the export').toBe(422);
    expect(res.body.detail).toMatch(PERSON_ID_REFUSAL);
    expect(appended).toEqual([
      aLoggedTextRefusal(t, { role: 'admin', id: 'ops-1' }, 'getAccessRecord', {
        header: 'X-Access-Request',
      }),
    ]);
  });

  it('does not create a data key for a person who has none', async () => {
    await syncSeeker(t, 'js-synced-only');
    expect(await hasDataKey(t, 'js-synced-only')).toBe(false);
    const res = await requestAccessRecord(t, admin, 'js-synced-only');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ profile: { id: 'js-synced-only' }, suggestionSets: [], feedback: [] });
    expect(res.body.events.map((event: { type: string }) => event.type)).toEqual(['job_seeker.upserted']);
    expect(await hasDataKey(t, 'js-synced-only')).toBe(false);
  });
});

describe('the access record once the person is erased', () => {
  let t: TestApp;
  let admin: string;
  let record: AccessRecordBody;
  const ERASED = 'js-erased';

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.tokenFor('admin', 'ops-1');
    const counselor = await t.tokenFor('counselor', 'c-001');
    await seedCatalogAndSeeker(t, ERASED);
    const { set } = await createSet(t, counselor, ERASED);
    const discarded = await act(t, counselor, set.id, 'discard', '"1"', {
      reason: 'Projet en cours de révision',
    });
    expect(discarded.status).toBe(200);
    expect((await eraseJobSeeker(t, admin, ERASED)).status).toBe(204);
    const res = await requestAccessRecord(t, admin, ERASED);
    expect(res.status).toBe(200);
    record = res.body as AccessRecordBody;
  });
  afterAll(() => t.close());

  it('gives what remains, the events, and marks their personal parts shredded', () => {
    expect(record).toMatchObject({ profile: null, objection: null, suggestionSets: [], feedback: [] });
    expect(record.events.map((event) => event.type)).toEqual([
      'job_seeker.upserted',
      'recommendation.generated',
      'recommendation.discarded',
      'subject.erased',
    ]);
    const sealed = record.events.filter((event) => event.personal !== null);
    expect(sealed.length).toBeGreaterThan(0);
    for (const event of sealed) expect(event.personal).toEqual({ status: 'shredded' });
  });

  it('does not create a data key again for the erased person', async () => {
    expect(await hasDataKey(t, ERASED)).toBe(false);
  });

  it('does not count as something held: an erasure asked again still answers 404', async () => {
    const head = await headSeq(t);
    expect((await eraseJobSeeker(t, admin, ERASED)).status).toBe(404);
    expect(await headSeq(t)).toBe(head);
  });
});

describe('the access record of a person whose sealed parts were altered', () => {
  let t: TestApp;
  let admin: string;
  const SEEKER_ALTERED = 'js-altered';

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.tokenFor('admin', 'ops-1');
    const counselor = await t.tokenFor('counselor', 'c-001');
    await seedCatalogAndSeeker(t, SEEKER_ALTERED);
    expect((await requestSet(t, counselor, SEEKER_ALTERED)).status).toBe(201);
    expect((await requestSet(t, counselor, SEEKER_ALTERED)).status).toBe(201);
  });
  afterAll(() => t.close());

  it('marks a tampered or unreadable personal part unreadable instead of failing, and still logs the export', async () => {
    const subject = pseudonymOf(t, SEEKER_ALTERED);
    const sealed = await t.container
      .db('decision_events')
      .where({ subject, type: 'recommendation.generated' })
      .whereNotNull('personal')
      .orderBy('seq')
      .select('seq', 'personal');
    const [flipped, garbled, intact] = (sealed as Array<{ seq: unknown; personal: string }>).map((row) => ({
      seq: Number(row.seq),
      personal: row.personal,
    }));
    if (flipped === undefined || garbled === undefined || intact !== undefined) {
      throw new Error('two sealed generations expected');
    }
    await dropAppendOnlyGuards(t.container.db);
    // One byte of the ciphertext changed (the tag no longer matches), and a part no longer sealed at all.
    const parts = flipped.personal.split('.');
    const box = parts[3] ?? '';
    parts[3] = `${box.startsWith('A') ? 'B' : 'A'}${box.slice(1)}`;
    await t.container
      .db('decision_events')
      .where({ seq: flipped.seq })
      .update({ personal: parts.join('.') });
    await t.container.db('decision_events').where({ seq: garbled.seq }).update({ personal: 'not sealed' });

    const res = await requestAccessRecord(t, admin, SEEKER_ALTERED);

    expect(res.status).toBe(200);
    const body = res.body as AccessRecordBody;
    const personalOf = (seq: number) => body.events.find((event) => event.seq === seq)?.personal;
    expect(personalOf(flipped.seq)).toEqual({ status: 'unreadable' });
    expect(personalOf(garbled.seq)).toEqual({ status: 'unreadable' });
    expect(body.suggestionSets).toHaveLength(2);
    const exported = (await readLog(t)).find((event) => event.seq === body.exportSeq);
    expect(exported?.payload).toMatchObject({ given: { personalParts: { readable: 0, unreadable: 2 } } });
  });
});

describe('giving access is not activity', () => {
  let t: TestApp;
  let clock: TestClock;
  let admin: string;
  const GONE = 'js-gone-quiet';

  beforeAll(async () => {
    clock = aClock();
    t = await startTestApp({
      now: clock.now,
      env: { RETENTION_LOG_DAYS: '184', RETENTION_PERSONAL_DAYS: '400', RETENTION_IDEMPOTENCY_HOURS: '12' },
    });
    admin = await t.tokenFor('admin', 'ops-1');
    await seedCatalogAndSeeker(t, GONE);
    expect((await requestSet(t, await t.tokenFor('counselor', 'c-001'), GONE)).status).toBe(201);
  });
  afterAll(() => t.close());

  it('states the retention periods the service is configured with', async () => {
    const res = await requestAccessRecord(t, admin, GONE);
    expect(res.status).toBe(200);
    const { retention } = (res.body as AccessRecordBody).processing;
    expect(retention).toMatchObject({ personalDataDays: 400, logDays: 184, idempotencyHours: 12 });
    expect(retention.statement).toMatch(/400 jours.*184 jours.*12 heures/s);
  });

  it("does not keep the person's log key past the log period", async () => {
    clock.advance(100 * DAY);
    expect((await requestAccessRecord(t, admin, GONE, 'DSAR-2026-0200')).status).toBe(200);
    // Day 190: the last activity on the file is 190 days old, the access given 90.
    clock.advance(90 * DAY);
    expect((await t.container.retention.purgeExpired()).purged.subjectKeys).toBe(1);
    const res = await requestAccessRecord(t, admin, GONE, 'DSAR-2026-0201');
    expect(res.status).toBe(200);
    const generated = (res.body as AccessRecordBody).events.find(
      (event) => event.type === 'recommendation.generated',
    );
    expect(generated?.personal).toEqual({ status: 'shredded' });
  });
});
