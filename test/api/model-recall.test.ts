import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelRegistryDeps } from '../../src/model-registry/model-registry.ts';
import { ConflictError, problemType } from '../../src/shared/errors.ts';
import { formatFrenchDay } from '../../src/shared/french-day.ts';
import {
  createModelsDir,
  type TestModelFolder,
  writeShippedVariant,
} from '../model-registry/support/model-folders.ts';
import { aLoggedTextRefusal, PERSON_ID_REFUSAL, trackAppended } from '../support/logged-text-refusals.ts';
import { STORAGE_CHECK, startTestApp, type TestApp } from '../support/test-app.ts';
import {
  act,
  aWorkflowSeeker,
  createAndPublish,
  createSet,
  decideAll,
  expectGoneFromPortal,
  firstApproved,
  putSettings,
  readSet,
  requestAccessRecord,
  requestManualSet,
  requestSet,
  type SetBody,
  syncSeeker,
  type TestClock,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/** The shipped model, active from the start: the one found faulty. */
const FAULTY_ID = 'aiguillage-ebm-1.1.0';
const PROBLEMS = 'https://aiguillage.example/problems/';
const REASON = 'Écart de calibration constaté à la revue du 5 décembre';
/** The reason each set the recall takes back keeps: the application's words, then the admin's. */
const RECALLED = `le modèle qui a fait ces propositions a été rappelé : ${REASON}`;
/** What the person reads of it: what the recall means for them first, then the admin's words. */
const TOLD_TO_PERSON =
  'L’outil d’aide à la décision (IA) qui a fait ces propositions a été retiré du service : elles ne vous ' +
  `sont plus proposées, et votre conseiller peut vous proposer d’autres formations. Motif donné : ${REASON}`;
const MINUTE = 60_000;

interface ModelBody {
  id: string;
  status: string;
  retiredAt: string | null;
  recall: { by: string; at: string; reason: string } | null;
}

interface PortalBody {
  publishedAt: string | null;
  retractedAt: string | null;
  items: Array<{ itemId: string }>;
}

function recall(t: TestApp, token: string, modelId: string, body: object = { reason: REASON }) {
  return t.http.post(`/v1/models/${modelId}/recall`).auth(token, { type: 'bearer' }).send(body);
}

async function portalOf(t: TestApp, seekerId: string): Promise<PortalBody> {
  const token = await t.tokenFor('job_seeker', seekerId);
  const res = await t.http.get('/v1/me/recommendations').auth(token, { type: 'bearer' });
  expect(res.status).toBe(200);
  return res.body as PortalBody;
}

async function listModels(t: TestApp, token: string): Promise<ModelBody[]> {
  const res = await t.http.get('/v1/models').auth(token, { type: 'bearer' });
  expect(res.status).toBe(200);
  return res.body.items as ModelBody[];
}

const approvedIds = (set: SetBody) =>
  set.items.filter((item) => item.decision === 'approved').map((item) => item.itemId);

/**
 * An admin recalls a model found faulty (AI Act Art. 26(5)): in one act, what it made is taken back
 * from job seekers and from review, and it is never activated again.
 */
describe('recalling a model found faulty (POST /v1/models/{modelId}/recall)', () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;
  let otherCounselor: string;
  let admin: string;
  let modelsDir: { dir: string; remove(): Promise<void> };
  let replacement: TestModelFolder;
  /** The sets made before the replacement was activated (the faulty model's), after it, and by hand. */
  const sets = {
    faultyShown: undefined as unknown as SetBody,
    faultyMoved: '',
    faultyPending: '',
    faultyDrawn: '',
    faultyShortlist: '',
    faultyReplaced: undefined as unknown as SetBody,
    faultyRetracted: '',
    faultyDiscarded: '',
    laterShown: undefined as unknown as SetBody,
    laterReplacing: undefined as unknown as SetBody,
    laterPending: '',
    byHand: '',
  };
  let recalled: { status: number; body: Record<string, unknown> };

  beforeAll(async () => {
    modelsDir = await createModelsDir();
    // Same ONNX file, another manifest: another model in the registry.
    replacement = await writeShippedVariant(modelsDir.dir, 'aiguillage-ebm-1.2.0', (manifest) => ({
      ...manifest,
      version: '1.2.0',
    }));
    ({ t, clock, counselor, otherCounselor } = await startWorkflowApp({
      env: { MODELS_DIR: modelsDir.dir },
    }));
    admin = await t.tokenFor('admin', 'ops-1');
    for (const seekerId of [
      'rc-shown',
      'rc-moved',
      'rc-pending',
      'rc-drawn',
      'rc-shortlist',
      'rc-replaced',
    ]) {
      await syncSeeker(t, seekerId);
    }
    for (const seekerId of ['rc-retracted', 'rc-discarded', 'rc-later', 'rc-hand'])
      await syncSeeker(t, seekerId);

    sets.faultyShown = await createAndPublish(t, counselor, 'rc-shown', { approve: 2 });
    // What the case-management system reported of one of its courses: it judges a proposal withdrawn.
    const outcome = await t.http
      .put(`/v1/job-seekers/rc-shown/outcomes/${firstApproved(sets.faultyShown).course.id}`)
      .auth(await t.tokenFor('integration', 'svc-crm'), { type: 'bearer' })
      .send({ entered: true, employedWithinSixMonths: null, observedAt: '2026-10-01' });
    expect(outcome.status).toBe(201);
    clock.advance(MINUTE);
    sets.faultyMoved = (await createAndPublish(t, counselor, 'rc-moved', { approve: 1 })).id;
    // The person moves to another counselor after the publication: the set is still shown to them.
    await syncSeeker(t, 'rc-moved', aWorkflowSeeker({ counselorId: 'c-002' }));
    clock.advance(MINUTE);
    sets.faultyPending = (await createSet(t, counselor, 'rc-pending')).set.id;
    clock.advance(MINUTE);
    await putSettings(t, { secondReviewRate: 1 });
    const drawn = await createSet(t, counselor, 'rc-drawn', { limit: 1 });
    const handed = await act(
      t,
      counselor,
      drawn.set.id,
      'publish',
      (await decideAll(t, counselor, drawn.set.id)).etag,
    );
    expect(handed.body.status).toBe('awaiting_second_review');
    sets.faultyDrawn = drawn.set.id;
    clock.advance(MINUTE);
    await putSettings(t, { blindFirst: true });
    const shortlist = await createSet(t, counselor, 'rc-shortlist');
    expect(shortlist.set.status).toBe('awaiting_shortlist');
    sets.faultyShortlist = shortlist.set.id;
    await putSettings(t, {});
    clock.advance(MINUTE);
    sets.faultyReplaced = await createAndPublish(t, counselor, 'rc-replaced', { approve: 1 });
    clock.advance(MINUTE);
    const retracted = await createAndPublish(t, counselor, 'rc-retracted', { approve: 1 });
    const retraction = await act(
      t,
      counselor,
      retracted.id,
      'retract',
      (await readSet(t, counselor, retracted.id)).etag,
      {
        reason: 'Erreur de ma part',
      },
    );
    expect(retraction.status).toBe(200);
    sets.faultyRetracted = retracted.id;
    clock.advance(MINUTE);
    const discarded = await createSet(t, counselor, 'rc-discarded');
    const discard = await act(t, counselor, discarded.set.id, 'discard', discarded.etag, {
      reason: 'Vu ensemble en entretien',
    });
    expect(discard.status).toBe(200);
    sets.faultyDiscarded = discarded.set.id;
    clock.advance(MINUTE);

    // Another model is activated in the faulty one's place; what it makes is not the faulty model's.
    const registered = await t.http
      .post('/v1/models')
      .auth(admin, { type: 'bearer' })
      .send({ folder: replacement.folder, sha256: replacement.sha256 });
    expect(registered.status).toBe(201);
    expect(
      (await t.http.post(`/v1/models/${replacement.id}/activate`).auth(admin, { type: 'bearer' }).send())
        .status,
    ).toBe(200);
    sets.laterShown = await createAndPublish(t, counselor, 'rc-later', { approve: 1 });
    clock.advance(MINUTE);
    sets.laterPending = (await createSet(t, counselor, 'rc-later')).set.id;
    clock.advance(MINUTE);
    // The faulty model's publication to this person is replaced by the later model's.
    sets.laterReplacing = await createAndPublish(t, counselor, 'rc-replaced', { approve: 1 });
    clock.advance(MINUTE);
    await putSettings(t, { aiEnabled: false });
    const byHand = await requestManualSet(t, counselor, 'rc-hand');
    expect(byHand.status).toBe(201);
    sets.byHand = byHand.body.id;
    await putSettings(t, {});
    clock.advance(MINUTE);

    const res = await recall(t, admin, FAULTY_ID);
    recalled = { status: res.status, body: res.body };
  });
  afterAll(async () => {
    await t.close();
    await modelsDir.remove();
  });

  async function statusOf(setId: string, token = counselor) {
    return (await readSet(t, token, setId)).set as SetBody & {
      discardReason: string | null;
      retraction: { by: string; at: string; reason: string } | null;
    };
  }

  it('retracts every published set of that model, those a later publication replaced included, and only those', async () => {
    expect(recalled.status, JSON.stringify(recalled.body)).toBe(200);
    expect(recalled.body.retractedSetIds).toEqual([
      sets.faultyShown.id,
      sets.faultyMoved,
      sets.faultyReplaced.id,
    ]);
    const at = clock.now().toISOString();
    expect(await statusOf(sets.faultyShown.id)).toMatchObject({
      status: 'retracted',
      retraction: { by: 'ops-1', at, reason: RECALLED },
    });
    // Whoever holds the person's caseload now: the admin's act reaches every counselor's sets.
    expect(await statusOf(sets.faultyMoved, otherCounselor)).toMatchObject({
      status: 'retracted',
      retraction: { by: 'ops-1', reason: RECALLED },
    });
    // Out of the person's portal already, but still theirs to read and answer on: retracted too,
    // still marked replaced by the later publication.
    expect(await statusOf(sets.faultyReplaced.id)).toMatchObject({
      status: 'retracted',
      retraction: { by: 'ops-1', at, reason: RECALLED },
      replacedBy: { setId: sets.laterReplacing.id, at: sets.laterReplacing.publishedAt },
    });
    // Left as they were: one its counselor retracted, the later model's, and the one made by hand.
    expect(await statusOf(sets.faultyRetracted)).toMatchObject({
      status: 'retracted',
      retraction: { by: 'c-001', reason: 'Erreur de ma part' },
    });
    expect((await statusOf(sets.laterShown.id)).status).toBe('published');
  });

  it('withdraws every open set of that model, in any open state, and no other', async () => {
    expect(recalled.body.withdrawnSetIds).toEqual([
      sets.faultyPending,
      sets.faultyDrawn,
      sets.faultyShortlist,
    ]);
    for (const setId of [sets.faultyPending, sets.faultyDrawn, sets.faultyShortlist]) {
      const set = await statusOf(setId);
      expect(set.status).toBe('discarded');
      expect(set.discardReason).toBe(RECALLED);
    }
    expect((await statusOf(sets.faultyDiscarded)).discardReason).toBe('Vu ensemble en entretien');
    expect((await statusOf(sets.laterPending)).status).toBe('pending_review');
    expect((await statusOf(sets.byHand)).status).toBe('pending_review');
    const queue = await t.http
      .get(
        `/v1/recommendations?modelId=${FAULTY_ID}&status=awaiting_shortlist,pending_review,awaiting_second_review,published`,
      )
      .auth(counselor, { type: 'bearer' });
    // Nothing of it left to review or published.
    expect(queue.body.items).toEqual([]);
  });

  it('leaves the job seeker nothing of the recalled model: no items, no explanation, no feedback', async () => {
    const shown = await portalOf(t, 'rc-shown');
    expect(shown).toMatchObject({
      publishedAt: sets.faultyShown.publishedAt,
      retractedAt: clock.now().toISOString(),
    });
    expect(shown.items).toEqual([]);
    const token = await t.tokenFor('job_seeker', 'rc-shown');
    await expectGoneFromPortal(t, token, approvedIds(sets.faultyShown));
    expect((await portalOf(t, 'rc-moved')).items).toEqual([]);
    // Shown the later model's set, which replaced the faulty one: that stays.
    expect((await portalOf(t, 'rc-later')).items.map((item) => item.itemId)).toEqual(
      approvedIds(sets.laterShown),
    );
    // Shown the later model's set, which had replaced the faulty one: that stays too.
    expect((await portalOf(t, 'rc-replaced')).items.map((item) => item.itemId)).toEqual(
      approvedIds(sets.laterReplacing),
    );
  });

  it('takes back from the job seeker the recalled model’s sets a later publication had replaced: no explanation, no feedback, retracted in their data', async () => {
    const token = await t.tokenFor('job_seeker', 'rc-replaced');
    const replacedItems = approvedIds(sets.faultyReplaced);
    expect(replacedItems).toHaveLength(1);
    await expectGoneFromPortal(t, token, replacedItems);
    const data = await t.http.get('/v1/me/data').auth(token, { type: 'bearer' });
    expect(data.status).toBe(200);
    // Only the later model's suggestions are still the person's.
    expect(data.body.recommendations.map((item: { itemId: string }) => item.itemId)).toEqual(
      approvedIds(sets.laterReplacing),
    );
    expect(
      data.body.suggestionSets.find((set: { id: string }) => set.id === sets.faultyReplaced.id),
    ).toMatchObject({
      status: 'retracted',
      retraction: { at: clock.now().toISOString(), reason: TOLD_TO_PERSON },
      replacedBy: { setId: sets.laterReplacing.id },
    });
    // The later model's set is still explained to them.
    const [laterItem] = approvedIds(sets.laterReplacing);
    expect(
      (await t.http.get(`/v1/me/recommendations/${laterItem}/explanation`).auth(token, { type: 'bearer' }))
        .status,
    ).toBe(200);
  });

  it('tells the person in their data, before the admin’s words, that the AI tool behind the suggestions taken back was withdrawn and that their counselor may propose others', async () => {
    const token = await t.tokenFor('job_seeker', 'rc-shown');
    const data = await t.http.get('/v1/me/data').auth(token, { type: 'bearer' });
    expect(data.status).toBe(200);
    const shown = data.body.suggestionSets.find((set: { id: string }) => set.id === sets.faultyShown.id);
    expect(shown.retraction.reason).toBe(TOLD_TO_PERSON);
    expect(shown.retraction.reason.startsWith('L’outil d’aide à la décision (IA)')).toBe(true);
    expect(shown.retraction.reason.endsWith(`Motif donné : ${REASON}`)).toBe(true);
  });

  it('tells the person, in their access record, which model that made their suggestions was recalled, when and why', async () => {
    const res = await requestAccessRecord(t, admin, 'rc-replaced', 'DSAR-2026-0199');
    expect(res.status).toBe(200);
    const { logic } = res.body.processing as {
      logic: { statement: string; models: Array<{ id: string; usedForPerson: boolean; recall: unknown }> };
    };
    expect(logic.models.map(({ id, usedForPerson, recall }) => ({ id, usedForPerson, recall }))).toEqual([
      { id: replacement.id, usedForPerson: true, recall: null },
      { id: FAULTY_ID, usedForPerson: true, recall: { at: clock.now().toISOString(), reason: REASON } },
    ]);
    const day = formatFrenchDay(clock.now().toISOString());
    expect(logic.statement).toContain(
      `Le modèle ${FAULTY_ID} a été rappelé le ${day}, un défaut y ayant été trouvé (motif : ${REASON}) : il ` +
        'n’est plus utilisé, et celles de ses suggestions à votre sujet qui étaient encore à l’examen ou publiées ' +
        'vous ont été retirées.',
    );
    expect(logic.statement).not.toContain(replacement.id);
  });

  it('shows the recall on the model, to the admin by name and to auditors by pseudonym, and on its card', async () => {
    const at = clock.now().toISOString();
    expect(recalled.body.model).toMatchObject({
      id: FAULTY_ID,
      status: 'recalled',
      recall: { by: 'ops-1', at, reason: REASON },
    });
    const models = await listModels(t, admin);
    expect(models.find((model) => model.id === FAULTY_ID)).toMatchObject({
      status: 'recalled',
      recall: { by: 'ops-1', at, reason: REASON },
    });
    expect(models.find((model) => model.id === replacement.id)).toMatchObject({
      status: 'active',
      recall: null,
    });
    const auditor = await t.tokenFor('auditor', 'audit-1');
    const seenByAuditor = (await listModels(t, auditor)).find((model) => model.id === FAULTY_ID);
    expect(seenByAuditor?.recall).toEqual({
      by: t.container.decisionLog.pseudonymiser.pseudonymise('ops-1'),
      at,
      reason: REASON,
    });

    const card = await t.http.get(`/v1/models/${FAULTY_ID}/card`).auth(counselor, { type: 'bearer' });
    expect(card.status).toBe(200);
    expect(card.text.startsWith(`> **Recalled on ${at}: do not use this model.**`)).toBe(true);
    expect(card.text).toContain(`> ${REASON}`);
    expect(card.text).toContain('# Model card — aiguillage-ebm 1.1.0');
    const otherCard = await t.http
      .get(`/v1/models/${replacement.id}/card`)
      .auth(counselor, { type: 'bearer' });
    expect(otherCard.text).not.toContain('Recalled');
  });

  it('names in its answer the active model holding the same model.onnx, which the recall leaves serving', async () => {
    expect(recalled.body.sameFileModels).toEqual([{ id: replacement.id, status: 'active' }]);
  });

  it('refuses to activate the recalled model again with 409 model-recalled, saying what to serve instead, the active model unchanged', async () => {
    const res = await t.http.post(`/v1/models/${FAULTY_ID}/activate`).auth(admin, { type: 'bearer' }).send();
    expect(res.status).toBe(409);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      type: `${PROBLEMS}model-recalled`,
      recalledAt: clock.now().toISOString(),
    });
    expect(res.body.detail).toContain('recalled');
    expect(res.body.detail).toMatch(
      /cannot be activated again: activate another registered model .*or register the corrected model under a new version$/,
    );
    const models = await listModels(t, admin);
    expect(models.filter((model) => model.status === 'active').map((model) => model.id)).toEqual([
      replacement.id,
    ]);
  });

  it('refuses a second recall with 409 model-recalled, and an unknown model with 404, logging nothing', async () => {
    const { decisionLog } = t.container.decisionLog;
    const before = await decisionLog.readHead();
    const again = await recall(t, admin, FAULTY_ID, { reason: 'Encore une fois' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ type: `${PROBLEMS}model-recalled` });
    const unknown = await recall(t, admin, 'aiguillage-ebm-9.9.9');
    expect(unknown.status).toBe(404);
    expect(unknown.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(await decisionLog.readHead()).toEqual(before);
  });

  it('refuses a recall by a counselor, an auditor or a job seeker with 403, and one without a reason with 400', async () => {
    for (const role of ['counselor', 'auditor', 'job_seeker', 'integration'] as const) {
      const res = await recall(t, await t.tokenFor(role, `${role}-9`), replacement.id);
      expect(res.status, role).toBe(403);
    }
    expect((await recall(t, admin, replacement.id, {})).status).toBe(400);
    expect((await recall(t, admin, replacement.id, { reason: ' a ' })).status).toBe(400);
    expect((await listModels(t, admin)).find((model) => model.id === replacement.id)?.status).toBe('active');
  });

  it('refuses a reason with sensitive details or a job seeker’s id with 422, recalling nothing and logging the refusal for the id alone', async () => {
    const { result: sensitive, appended: forSensitive } = await trackAppended(t, () =>
      recall(t, admin, replacement.id, { reason: 'Mauvais pour les personnes en situation de handicap' }),
    );
    expect(sensitive.status).toBe(422);
    expect(JSON.stringify(sensitive.body)).toContain('reason');
    expect(forSensitive).toEqual([]);
    const { result: naming, appended } = await trackAppended(t, () =>
      recall(t, admin, replacement.id, { reason: 'Plainte de rc-later' }),
    );
    expect(naming.status).toBe(422);
    expect(naming.body.detail).toMatch(PERSON_ID_REFUSAL);
    expect(appended).toEqual([
      aLoggedTextRefusal(t, { role: 'admin', id: 'ops-1' }, 'recallModel', { field: 'reason' }),
    ]);
    expect((await listModels(t, admin)).find((model) => model.id === replacement.id)?.status).toBe('active');
    expect((await statusOf(sets.laterPending)).status).toBe('pending_review');
  });

  it('logs one model.recalled with the counts and set ids, after an event per set by the admin; the chain verifies', async () => {
    const { decisionLog, pseudonymiser, subjectKeyring } = t.container.decisionLog;
    const events = await decisionLog.listEvents({ limit: 1000 });
    const recallEvents = events.filter((event) => event.type === 'model.recalled');
    expect(recallEvents).toHaveLength(1);
    const [event] = recallEvents;
    expect(event).toMatchObject({
      actor: { role: 'admin', pseudonym: pseudonymiser.pseudonymise('ops-1') },
      subject: null,
      personal: null,
      payload: {
        modelId: FAULTY_ID,
        wasActive: false,
        reason: REASON,
        retractedCount: 3,
        withdrawnCount: 3,
        retractedSetIds: [sets.faultyShown.id, sets.faultyMoved, sets.faultyReplaced.id],
        withdrawnSetIds: [sets.faultyPending, sets.faultyDrawn, sets.faultyShortlist],
      },
    });
    // Each set's end, by the admin, just before: what a counselor's retraction or a withdrawal logs.
    const bySet = events.filter((candidate) => candidate.seq < (event?.seq ?? 0)).slice(-6);
    expect(bySet.map((candidate) => [candidate.type, candidate.payload.setId])).toEqual([
      ['recommendation.retracted', sets.faultyShown.id],
      ['recommendation.retracted', sets.faultyMoved],
      ['recommendation.retracted', sets.faultyReplaced.id],
      ['recommendation.discarded', sets.faultyPending],
      ['recommendation.discarded', sets.faultyDrawn],
      ['recommendation.discarded', sets.faultyShortlist],
    ]);
    expect(
      bySet.every((candidate) => candidate.actor.pseudonym === pseudonymiser.pseudonymise('ops-1')),
    ).toBe(true);
    const [retraction] = bySet;
    expect(retraction).toMatchObject({
      subject: pseudonymiser.pseudonymise('rc-shown'),
      payload: { setId: sets.faultyShown.id, retractedItemCount: 2, outcomesDeleted: 1 },
    });
    expect(await t.container.db('course_outcomes').where({ seeker_id: 'rc-shown' })).toEqual([]);
    expect(await subjectKeyring.decryptPersonal(String(retraction?.personal))).toEqual({
      status: 'readable',
      value: { reason: RECALLED },
    });

    const auditor = await t.tokenFor('auditor', 'audit-1');
    const verified = await t.http
      .get('/v1/audit/verify')
      .auth(auditor, { type: 'bearer' })
      .set('X-Audit-Purpose', 'vérification après le rappel du modèle');
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ ok: true, firstBadSeq: null });
  });

  it('lists to an auditor asking for a model version when it was registered, went into service, left it and was recalled, and not the other version’s', async () => {
    const auditor = await t.tokenFor('auditor', 'audit-1');
    const modelEventsOf = async (version: string) => {
      const res = await t.http
        .get(`/v1/audit/events?modelVersion=${version}&limit=200`)
        .auth(auditor, { type: 'bearer' })
        .set('X-Audit-Purpose', 'historique des versions du modele');
      expect(res.status).toBe(200);
      expect(res.body.nextCursor).toBeNull();
      return (res.body.items as Array<{ type: string; payload: Record<string, unknown> }>)
        .filter((event) => event.type.startsWith('model.'))
        .map((event) => [event.type, event.payload.modelId, event.payload.previousModelId]);
    };
    expect(await modelEventsOf('1.1.0')).toEqual([
      ['model.registered', FAULTY_ID, undefined],
      ['model.activated', FAULTY_ID, null],
      // The activation of the next model retired it.
      ['model.activated', replacement.id, FAULTY_ID],
      ['model.recalled', FAULTY_ID, undefined],
    ]);
    expect(await modelEventsOf('1.2.0')).toEqual([
      ['model.registered', replacement.id, undefined],
      ['model.activated', replacement.id, FAULTY_ID],
    ]);
  });
});

/**
 * Recalling the model that is active leaves none active: counselors get the manual path, as with no
 * active model, and the process stays ready, also after a restart that would register and activate
 * the shipped model on an empty registry.
 */
describe('recalling the active model', () => {
  let modelsDir: { dir: string; remove(): Promise<void> };
  let t: TestApp;
  let counselor: string;
  let admin: string;
  let openBefore: string;
  let scoredMeanwhile: { status: number; body: Record<string, unknown> };
  let recalled: { status: number; body: Record<string, unknown> };

  beforeAll(async () => {
    modelsDir = await createModelsDir();
    const app = await startWorkflowApp({ env: { MODELS_DIR: modelsDir.dir } });
    t = app.t;
    counselor = app.counselor;
    admin = await t.tokenFor('admin', 'ops-1');
    await syncSeeker(t, 'rc-open');
    await syncSeeker(t, 'rc-scored');
    openBefore = (await createSet(t, counselor, 'rc-open')).set.id;

    // The recall commits while the model scores another person's suggestions.
    const courses = (
      t.container.services.recommendations as unknown as {
        deps: { courses: { findCandidates: (...args: never[]) => Promise<unknown> } };
      }
    ).deps.courses;
    const findCandidates = courses.findCandidates.bind(courses);
    courses.findCandidates = async (...args: never[]) => {
      const candidates = await findCandidates(...args);
      courses.findCandidates = findCandidates;
      const res = await recall(t, admin, FAULTY_ID);
      recalled = { status: res.status, body: res.body };
      return candidates;
    };
    const res = await requestSet(t, counselor, 'rc-scored');
    scoredMeanwhile = { status: res.status, body: res.body };
  });
  afterAll(async () => {
    await t.close();
    await modelsDir.remove();
  });

  it('leaves no model active, and withdraws its open sets', async () => {
    expect(recalled.status, JSON.stringify(recalled.body)).toBe(200);
    expect(recalled.body.model).toMatchObject({ status: 'recalled', retiredAt: expect.any(String) });
    expect(recalled.body.withdrawnSetIds).toEqual([openBefore]);
    expect((await listModels(t, admin)).filter((model) => model.status === 'active')).toEqual([]);
    const events = await t.container.decisionLog.decisionLog.listEvents({ types: ['model.recalled'] });
    expect(events.map((event) => event.payload.wasActive)).toEqual([true]);
  });

  it('does not store a set the model scored while it was recalled: the answer is the manual path', async () => {
    expect(scoredMeanwhile.status).toBe(503);
    expect(scoredMeanwhile.body).toMatchObject({
      reason: 'no_active_model',
      manualSetPath: expect.any(String),
    });
    expect(await t.container.db('recommendation_sets').where({ seeker_id: 'rc-scored' })).toEqual([]);
  });

  it('answers suggestions with the manual path and no active model, keeps sets by hand working and the process ready', async () => {
    const res = await requestSet(t, counselor, 'rc-open');
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ type: `${PROBLEMS}ai-unavailable`, reason: 'no_active_model' });
    expect((await requestManualSet(t, counselor, 'rc-open')).status).toBe(201);
    const ready = await t.http.get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({
      status: 'ready',
      checks: { database: 'ok', model: 'not_configured', keys: 'ok', ...STORAGE_CHECK },
    });
  });

  it('does not activate the recalled shipped model again when the process restarts', async () => {
    await t.container.close();
    const restarted = await startTestApp({ env: { MODELS_DIR: modelsDir.dir }, database: t.database });
    try {
      const models = await listModels(restarted, await restarted.tokenFor('admin', 'ops-1'));
      expect(models.map((model) => [model.id, model.status])).toEqual([[FAULTY_ID, 'recalled']]);
      expect((await restarted.http.get('/readyz')).body.checks.model).toBe('not_configured');
      const token = await restarted.tokenFor('counselor', 'c-001');
      expect((await requestSet(restarted, token, 'rc-open')).body).toMatchObject({
        reason: 'no_active_model',
      });
    } finally {
      t = restarted;
    }
  });
});

/** A recall is one act: when a step fails, nothing of it stays (the model, its sets, the log). */
describe('a recall that fails midway', () => {
  let t: TestApp;
  let counselor: string;
  let admin: string;

  beforeAll(async () => {
    ({ t, counselor } = await startWorkflowApp());
    admin = await t.tokenFor('admin', 'ops-1');
  });
  afterAll(() => t.close());

  it('leaves the model active, its sets as they were and the log unchanged', async () => {
    await syncSeeker(t, 'rc-half-shown');
    await syncSeeker(t, 'rc-half-open');
    const shown = await createAndPublish(t, counselor, 'rc-half-shown', { approve: 1 });
    const open = (await createSet(t, counselor, 'rc-half-open')).set.id;
    // The sets are taken back, then the last one cannot be (a counselor keeps changing it).
    const { deps } = t.container.services.models as unknown as { deps: ModelRegistryDeps };
    const withdrawModelSets = deps.withdrawModelSets;
    deps.withdrawModelSets = async (...args) => {
      await withdrawModelSets(...args);
      throw new ConflictError(
        'the suggestions of this job seeker are being changed right now; try again',
        problemType('try-again'),
      );
    };
    const { decisionLog } = t.container.decisionLog;
    const head = await decisionLog.readHead();
    try {
      const res = await recall(t, admin, FAULTY_ID);
      expect(res.status).toBe(409);
      expect(res.body.type).toBe(`${PROBLEMS}try-again`);
    } finally {
      deps.withdrawModelSets = withdrawModelSets;
    }
    expect(await decisionLog.readHead()).toEqual(head);
    expect((await listModels(t, admin)).find((model) => model.id === FAULTY_ID)).toMatchObject({
      status: 'active',
      recall: null,
    });
    expect((await readSet(t, counselor, shown.id)).set.status).toBe('published');
    expect((await readSet(t, counselor, open)).set.status).toBe('pending_review');
    expect((await portalOf(t, 'rc-half-shown')).items).toHaveLength(1);
    expect((await requestSet(t, counselor, 'rc-half-open')).status).toBe(201);

    // Tried again, it goes through.
    expect((await recall(t, admin, FAULTY_ID)).status).toBe(200);
  });
});
