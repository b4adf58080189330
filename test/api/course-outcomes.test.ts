import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/auth/principal.ts';
import { parisDayOf } from '../../src/shared/french-day.ts';
import type { TestApp } from '../support/test-app.ts';
import {
  act,
  approvedItems,
  createAndPublish,
  createSet,
  decideAll,
  firstApproved,
  objectToAi,
  REACHABLE_COURSE_IDS,
  readSet,
  type SetBody,
  syncSeeker,
  type TestClock,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const DAY = 86_400_000;
const PROBLEMS = 'https://aiguillage.example/problems/';

interface OutcomeBody {
  entered: boolean;
  employedWithinSixMonths: boolean | null;
  observedAt: string;
}

/**
 * The case-management system reports what became of the courses Aiguillage proposed (AI Act Art.
 * 26(5), 72): only for a course approved in one of the person's published sets, one outcome per person
 * and course, each write logged with the values sealed.
 */
describe('recording what became of a proposed course (PUT /v1/job-seekers/{seekerId}/outcomes/{courseId})', () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;
  let integration: string;
  let published: SetBody;

  const putOutcome = (seekerId: string, courseId: string, body: object, token = integration) =>
    t.http.put(`/v1/job-seekers/${seekerId}/outcomes/${courseId}`).auth(token, { type: 'bearer' }).send(body);
  const outcomeRows = (seekerId: string) => t.container.db('course_outcomes').where({ seeker_id: seekerId });
  const outcomeEvents = (seekerId: string) =>
    t.container.decisionLog.decisionLog.listEvents({
      types: ['outcome.recorded'],
      subject: t.container.decisionLog.pseudonymiser.pseudonymise(seekerId),
      limit: 1000,
    });
  const entered: OutcomeBody = { entered: true, employedWithinSixMonths: null, observedAt: '2026-10-01' };
  /** Entered, observed on the test clock's day: on or after the publication of a set made just now. */
  const enteredToday = (): OutcomeBody => ({
    ...entered,
    observedAt: clock.now().toISOString().slice(0, 10),
  });

  beforeAll(async () => {
    ({ t, clock, counselor } = await startWorkflowApp());
    integration = await t.tokenFor('integration', 'svc-crm');
    published = await createAndPublish(t, counselor, 'js-1', { approve: 1 });
  });
  afterAll(() => t.close());

  it('records an outcome for a course approved in a published set, linked to its item, its model and its score', async () => {
    const item = firstApproved(published);
    const res = await putOutcome('js-1', item.course.id, entered);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      courseId: item.course.id,
      entered: true,
      employedWithinSixMonths: null,
      observedAt: '2026-10-01',
      proposal: { setId: published.id, itemId: item.itemId, source: 'model' },
      version: 1,
      createdAt: clock.now().toISOString(),
      updatedAt: clock.now().toISOString(),
    });
    const [row] = await outcomeRows('js-1');
    expect(row).toMatchObject({
      course_id: item.course.id,
      set_id: published.id,
      item_id: item.itemId,
      source: 'model',
      model_id: published.model?.id,
      model_version: published.model?.version,
      observed_at: '2026-10-01',
      version: 1,
    });
    expect(Number(row.predicted_score)).toBeCloseTo(item.score ?? Number.NaN, 12);
  });

  it('replaces the outcome in place once employment is known, one version more', async () => {
    const item = firstApproved(published);
    const createdAt = clock.now().toISOString();
    clock.advance(30 * DAY);
    const res = await putOutcome('js-1', item.course.id, {
      entered: true,
      employedWithinSixMonths: true,
      observedAt: '2026-10-31',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      employedWithinSixMonths: true,
      observedAt: '2026-10-31',
      version: 2,
      createdAt,
      updatedAt: clock.now().toISOString(),
    });
    expect(await outcomeRows('js-1')).toHaveLength(1);
  });

  it('answers the same call sent twice with the outcome held, one version and one event only', async () => {
    await syncSeeker(t, 'js-retry');
    const theirs = await createAndPublish(t, counselor, 'js-retry', { approve: 1 });
    const courseId = firstApproved(theirs).course.id;
    const first = await putOutcome('js-retry', courseId, enteredToday());
    expect(first.status).toBe(201);
    clock.advance(60_000);

    const again = await putOutcome('js-retry', courseId, enteredToday());
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await outcomeRows('js-retry')).toMatchObject([{ version: 1 }]);
    expect(await outcomeEvents('js-retry')).toHaveLength(1);

    const known = await putOutcome('js-retry', courseId, {
      ...enteredToday(),
      employedWithinSixMonths: true,
    });
    expect(known.body).toMatchObject({ employedWithinSixMonths: true, version: 2 });
    expect(await outcomeEvents('js-retry')).toHaveLength(2);
  });

  it('keeps the outcome held against an older observation sent late, and takes a correction of the same day', async () => {
    await syncSeeker(t, 'js-late');
    const theirs = await createAndPublish(t, counselor, 'js-late', { approve: 1 });
    const courseId = firstApproved(theirs).course.id;
    // Published on 31 October; observed the day after, then the late news of the day of publication.
    clock.advance(DAY);
    const known = { entered: true, employedWithinSixMonths: true, observedAt: '2026-11-01' };
    expect((await putOutcome('js-late', courseId, known)).status).toBe(201);

    const late = await putOutcome('js-late', courseId, { ...entered, observedAt: '2026-10-31' });
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({
      type: `${PROBLEMS}observation-outdated`,
      courseId,
      heldObservedAt: '2026-11-01',
    });
    expect(await outcomeRows('js-late')).toMatchObject([{ observed_at: '2026-11-01', version: 1 }]);
    expect(await outcomeEvents('js-late')).toHaveLength(1);

    const corrected = await putOutcome('js-late', courseId, { ...known, employedWithinSixMonths: false });
    expect(corrected.status).toBe(200);
    expect(corrected.body).toMatchObject({ employedWithinSixMonths: false, version: 2 });
  });

  it('appends outcome.recorded for each write: the proposal and its model in clear, the outcome and the predicted score sealed with the person’s key', async () => {
    const item = firstApproved(published);
    const events = await outcomeEvents('js-1');
    expect(events.map((event) => event.payload)).toEqual(
      [1, 2].map((version) => ({
        setId: published.id,
        itemId: item.itemId,
        courseId: item.course.id,
        source: 'model',
        model: { id: published.model?.id, version: published.model?.version },
        version,
      })),
    );
    expect(events.map((event) => event.actor)).toEqual([
      { role: 'integration', pseudonym: t.container.decisionLog.pseudonymiser.pseudonymise('svc-crm') },
      { role: 'integration', pseudonym: t.container.decisionLog.pseudonymiser.pseudonymise('svc-crm') },
    ]);
    const opened = await Promise.all(
      events.map((event) => t.container.decisionLog.subjectKeyring.decryptPersonal(event.personal ?? '')),
    );
    expect(opened).toEqual([
      { status: 'readable', value: { ...entered, predictedScore: item.score } },
      {
        status: 'readable',
        value: {
          entered: true,
          employedWithinSixMonths: true,
          observedAt: '2026-10-31',
          predictedScore: item.score,
        },
      },
    ]);
  });

  it('links an outcome for a course the counselor added to no model and no score', async () => {
    await syncSeeker(t, 'js-added');
    const { set } = await createSet(t, counselor, 'js-added', { limit: 2 });
    const { etag } = await decideAll(t, counselor, set.id, { approve: 1 });
    const extra = REACHABLE_COURSE_IDS.find((id) => !set.items.some((item) => item.course.id === id));
    const added = await act(t, counselor, set.id, 'items', etag, {
      courseId: extra,
      reason: 'Choisie avec la personne en entretien',
    });
    expect(added.status).toBe(201);
    expect((await act(t, counselor, set.id, 'publish', String(added.headers.etag))).status).toBe(200);

    const res = await putOutcome('js-added', extra ?? '', enteredToday());
    expect(res.status).toBe(201);
    expect(res.body.proposal).toMatchObject({ setId: set.id, source: 'counselor' });
    const [row] = await outcomeRows('js-added');
    expect(row).toMatchObject({
      source: 'counselor',
      model_id: null,
      model_version: null,
      predicted_score: null,
    });
    const [event] = await outcomeEvents('js-added');
    expect(event?.payload).toMatchObject({ source: 'counselor', model: null });
    expect(await t.container.decisionLog.subjectKeyring.decryptPersonal(event?.personal ?? '')).toMatchObject(
      {
        value: { predictedScore: null },
      },
    );
  });

  it('links the outcome to the latest publication of the course, and takes one a later publication replaced without deciding it', async () => {
    await syncSeeker(t, 'js-twice');
    const first = await createAndPublish(t, counselor, 'js-twice');
    clock.advance(DAY);
    // The later set suggests one course only: the first set's others are neither approved nor rejected there.
    const { set: created } = await createSet(t, counselor, 'js-twice', { limit: 1 });
    const { etag } = await decideAll(t, counselor, created.id);
    const publication = await act(t, counselor, created.id, 'publish', etag);
    expect(publication.status).toBe(200);
    const second = publication.body as SetBody;
    const again = firstApproved(second);
    expect(approvedItems(first).map((item) => item.course.id)).toContain(again.course.id);
    const onlyFirst = approvedItems(first).find((item) => item.course.id !== again.course.id);
    if (onlyFirst === undefined) throw new Error('the first set needs a course the second did not approve');

    const latest = await putOutcome('js-twice', again.course.id, enteredToday());
    expect(latest.body.proposal).toEqual({ setId: second.id, itemId: again.itemId, source: 'model' });
    const replaced = await putOutcome('js-twice', onlyFirst.course.id, enteredToday());
    expect(replaced.status).toBe(201);
    expect(replaced.body.proposal).toEqual({ setId: first.id, itemId: onlyFirst.itemId, source: 'model' });
  });

  it('refuses, keeping nothing, a course never proposed, only rejected, still under review, or proposed only in a retracted set, which it says', async () => {
    await syncSeeker(t, 'js-open');
    const open = await createSet(t, counselor, 'js-open');
    await syncSeeker(t, 'js-retracted');
    const retracted = await createAndPublish(t, counselor, 'js-retracted', { approve: 1 });
    const { etag } = await readSet(t, counselor, retracted.id);
    const retraction = await act(t, counselor, retracted.id, 'retract', etag, {
      reason: 'Erreur de ma part : ces formations ne correspondent pas à son projet.',
    });
    expect(retraction.status).toBe(200);
    const rejected = published.items.find((item) => item.decision === 'rejected');
    const eventsBefore = await t.container.decisionLog.decisionLog.listEvents({
      types: ['outcome.recorded'],
      limit: 1000,
    });
    const rowsBefore = await t.container.db('course_outcomes').select('id', 'version');

    for (const [seekerId, courseId] of [
      ['js-1', 'PARIS-AS'],
      ['js-1', rejected?.course.id ?? ''],
      ['js-open', open.set.items[0]?.course.id ?? ''],
      ['js-retracted', firstApproved(retracted).course.id],
    ] as const) {
      const res = await putOutcome(seekerId, courseId, entered);
      expect(res.status, `${seekerId} ${courseId}`).toBe(409);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ type: `${PROBLEMS}no-proposal`, courseId });
      const fact =
        seekerId === 'js-retracted'
          ? `course ${courseId} was proposed to job seeker ${seekerId} only in a set since retracted`
          : `course ${courseId} was not proposed to job seeker ${seekerId} in a published set`;
      expect(res.body.detail).toContain(`${fact}: no outcome is kept about it, `);
    }
    expect(await t.container.db('course_outcomes').select('id', 'version')).toEqual(rowsBefore);
    expect(
      await t.container.decisionLog.decisionLog.listEvents({ types: ['outcome.recorded'], limit: 1000 }),
    ).toEqual(eventsBefore);
  });

  it('tells the case-management system, which cannot list the proposals, where the counselor lists them and that sending again is refused until a published set approves the course', async () => {
    await syncSeeker(t, 'js-listed');
    const theirs = await createAndPublish(t, counselor, 'js-listed', { approve: 1 });
    const proposed = firstApproved(theirs).course.id;
    // A course of the catalog too far from the person to be suggested.
    const never = 'PARIS-AS';

    const res = await putOutcome('js-listed', never, entered);
    expect(res.status).toBe(409);
    expect(res.body.type).toBe(`${PROBLEMS}no-proposal`);
    expect(res.body.detail).toBe(
      `course ${never} was not proposed to job seeker js-listed in a published set: no outcome is kept about it, ` +
        'and sending it again is refused alike until a set published to the person approves the course. ' +
        "Outcomes are kept only for the courses approved in the person's published sets, which this account " +
        "cannot list: the person's counselor lists those sets " +
        "(GET /v1/recommendations?seekerId=js-listed&status=published) and reads each one's approved items " +
        '(GET /v1/recommendations/{setId})',
    );

    // The listing named answers the counselor, not this account, and holds the course proposed.
    const listing = /\(GET (\/v1\/recommendations\?[^)]+)\)/.exec(res.body.detail)?.[1] ?? '';
    expect((await t.http.get(listing).auth(integration, { type: 'bearer' })).status).toBe(403);
    const listed = await t.http.get(listing).auth(counselor, { type: 'bearer' });
    expect(listed.status).toBe(200);
    expect((listed.body.items as Array<{ id: string }>).map((set) => set.id)).toEqual([theirs.id]);
    const set = await t.http.get(`/v1/recommendations/${theirs.id}`).auth(counselor, { type: 'bearer' });
    const approved = approvedItems(set.body as SetBody).map((item) => item.course.id);
    expect(approved).toContain(proposed);
    expect(approved).not.toContain(never);
    expect((await putOutcome('js-listed', proposed, enteredToday())).status).toBe(201);
  });

  it('says of a course proposed only in a retracted set that sending again is refused until a published set approves it again', async () => {
    await syncSeeker(t, 'js-retracted-again');
    const retracted = await createAndPublish(t, counselor, 'js-retracted-again', { approve: 1 });
    const { etag } = await readSet(t, counselor, retracted.id);
    const retraction = await act(t, counselor, retracted.id, 'retract', etag, {
      reason: 'Erreur de ma part : ces formations ne correspondent pas à son projet.',
    });
    expect(retraction.status).toBe(200);
    const courseId = firstApproved(retracted).course.id;

    const res = await putOutcome('js-retracted-again', courseId, entered);
    expect(res.status).toBe(409);
    expect(res.body.detail).toMatch(
      new RegExp(
        `^course ${courseId} was proposed to job seeker js-retracted-again only in a set since retracted: no outcome is ` +
          'kept about it, and sending it again is refused alike until a set published to the person approves the ' +
          'course again\\. .*GET /v1/recommendations\\?seekerId=js-retracted-again&status=published',
      ),
    );
    const listed = await t.http
      .get('/v1/recommendations?seekerId=js-retracted-again&status=published')
      .auth(counselor, { type: 'bearer' });
    expect(listed.body.items).toEqual([]);
  });

  it('refuses for another person a course proposed to someone else, as for one never proposed', async () => {
    await syncSeeker(t, 'js-2');
    const res = await putOutcome('js-2', firstApproved(published).course.id, entered);
    expect(res.status).toBe(409);
    expect(res.body.type).toBe(`${PROBLEMS}no-proposal`);
    expect(await outcomeRows('js-2')).toEqual([]);
  });

  it('deletes the outcomes held when the person objects to AI processing, refuses new ones while the objection stands, and takes them again once it is withdrawn', async () => {
    await syncSeeker(t, 'js-objects');
    const theirs = await createAndPublish(t, counselor, 'js-objects', { approve: 1 });
    const courseId = firstApproved(theirs).course.id;
    expect((await putOutcome('js-objects', courseId, enteredToday())).status).toBe(201);

    await objectToAi(t, 'js-objects');
    expect(await outcomeRows('js-objects')).toEqual([]);
    const [objection] = await t.container.decisionLog.decisionLog.listEvents({
      types: ['objection.recorded'],
      subject: t.container.decisionLog.pseudonymiser.pseudonymise('js-objects'),
    });
    expect(objection?.payload).toMatchObject({ outcomesDeleted: 1 });

    const refused = await putOutcome('js-objects', courseId, enteredToday());
    expect(refused.status).toBe(409);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body.type).toBe(`${PROBLEMS}objection-stands`);
    expect(await outcomeRows('js-objects')).toEqual([]);
    expect(await outcomeEvents('js-objects')).toHaveLength(1);

    const withdrawal = await t.http
      .delete('/v1/me/objection')
      .auth(await t.tokenFor('job_seeker', 'js-objects'), { type: 'bearer' });
    expect(withdrawal.status).toBe(204);
    expect((await putOutcome('js-objects', courseId, enteredToday())).status).toBe(201);
  });

  it('deletes the outcomes of a set when it is retracted, in the retraction, and counts them in its event', async () => {
    await syncSeeker(t, 'js-taken-back');
    const theirs = await createAndPublish(t, counselor, 'js-taken-back', { approve: 1 });
    expect((await putOutcome('js-taken-back', firstApproved(theirs).course.id, enteredToday())).status).toBe(
      201,
    );
    const retraction = await act(
      t,
      counselor,
      theirs.id,
      'retract',
      (await readSet(t, counselor, theirs.id)).etag,
      {
        reason: 'Erreur de ma part : ces formations ne correspondent pas à son projet.',
      },
    );
    expect(retraction.status).toBe(200);
    expect(await outcomeRows('js-taken-back')).toEqual([]);
    const [event] = await t.container.decisionLog.decisionLog.listEvents({
      types: ['recommendation.retracted'],
      subject: t.container.decisionLog.pseudonymiser.pseudonymise('js-taken-back'),
    });
    expect(event?.payload).toMatchObject({ setId: theirs.id, outcomesDeleted: 1 });
  });

  it('answers 404 for a person it does not know', async () => {
    const res = await putOutcome('js-nobody', firstApproved(published).course.id, entered);
    expect(res.status).toBe(404);
    expect(res.body.type).toBe(`${PROBLEMS}not-found`);
  });

  it('refuses an outcome observed after today, naming today in France as the last day taken', async () => {
    const today = parisDayOf(clock.now());
    const tomorrow = parisDayOf(new Date(clock.now().getTime() + DAY));
    const res = await putOutcome('js-1', firstApproved(published).course.id, {
      ...entered,
      observedAt: tomorrow,
    });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({
      type: `${PROBLEMS}invalid-input`,
      field: 'observedAt',
      latestObservedAt: today,
      detail: `observedAt (${tomorrow}) is after today in France, ${today}: an outcome is observed, not foreseen; give the day it was observed, today at the latest`,
    });
  });

  it('refuses an outcome observed before the day the course was published to the person, naming that day', async () => {
    // js-1's set was published on 1 October 2026 (08:00 UTC, 10:00 in Paris).
    const courseId = firstApproved(published).course.id;
    for (const observedAt of ['1900-01-01', '2026-09-30']) {
      const res = await putOutcome('js-1', courseId, { ...entered, observedAt });
      expect(res.status).toBe(422);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({
        type: `${PROBLEMS}invalid-input`,
        field: 'observedAt',
        proposedOn: '2026-10-01',
        detail: `observedAt may not be before the day course ${courseId} was published to the person, 2026-10-01: give the day the outcome was observed, on or after it`,
      });
    }
  });

  it('takes an outcome observed today in France just after midnight there, the UTC day being still the day before, and refuses the day after', async () => {
    // 23:30 UTC on Thursday 5 November 2026 is 00:30 on Friday 6 November in Paris (winter time).
    await syncSeeker(t, 'js-midnight');
    const theirs = await createAndPublish(t, counselor, 'js-midnight', { approve: 1 });
    clock.advance(Date.parse('2026-11-05T23:30:00.000Z') - clock.now().getTime());
    const courseId = firstApproved(theirs).course.id;
    const today = await putOutcome('js-midnight', courseId, { ...entered, observedAt: '2026-11-06' });
    expect(today.status, JSON.stringify(today.body)).toBe(201);
    const tomorrow = await putOutcome('js-midnight', courseId, { ...entered, observedAt: '2026-11-07' });
    expect(tomorrow.status).toBe(422);
  });

  it('takes the whole outcome: a field left out or one it does not know is a 400', async () => {
    const courseId = firstApproved(published).course.id;
    const { employedWithinSixMonths: _left, ...partial } = entered;
    expect((await putOutcome('js-1', courseId, partial)).status).toBe(400);
    expect((await putOutcome('js-1', courseId, { ...entered, courseTitle: 'x' })).status).toBe(400);
  });

  it('is refused to every role but the case-management system’s, the person’s own counselor and the person included', async () => {
    const item = firstApproved(published);
    const callers: Array<[Role, string]> = [
      ['counselor', 'c-001'],
      ['job_seeker', 'js-1'],
      ['auditor', 'dpo-1'],
      ['admin', 'ops-1'],
    ];
    for (const [role, subject] of callers) {
      const res = await putOutcome('js-1', item.course.id, entered, await t.tokenFor(role, subject));
      expect(res.status, role).toBe(403);
    }
    const [row] = await outcomeRows('js-1');
    expect(row).toMatchObject({ version: 2, employed_within_six_months: expect.anything() });
  });
});
