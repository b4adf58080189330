import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import {
  act,
  createAndPublish,
  createSet,
  decideAll,
  eraseJobSeeker,
  firstApproved,
  objectToAi,
  REACHABLE_COURSE_IDS,
  readSet,
  type SetBody,
  syncSeeker,
  type TestClock,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const WEEK = 7 * 86_400_000;
const SHIPPED = { id: 'aiguillage-ebm-1.1.0', version: '1.1.0' };
const PURPOSE = 'suivi des résultats en service';

/**
 * What became of the proposed courses, per model version and source, on a scripted field: five
 * people shown one suggestion each over two weeks, one also a course their counselor added, one set
 * retracted; the outcomes counted in the week they were recorded, each week's shares resting on the
 * outcomes of two people at least (AUDIT_MIN_PEOPLE=2).
 */
describe('auditor API: outcome figures (GET /v1/audit/stats/outcomes)', () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;
  let integration: string;
  let auditor: string;
  const scores = new Map<string, number>();
  const sets = new Map<string, SetBody>();
  const meanScore = (...seekerIds: string[]) =>
    Math.round((seekerIds.reduce((sum, id) => sum + (scores.get(id) ?? 0), 0) / seekerIds.length) * 10_000) /
    10_000;

  const get = (query = '') =>
    t.http
      .get(`/v1/audit/stats/outcomes${query}`)
      .auth(auditor, { type: 'bearer' })
      .set('X-Audit-Purpose', PURPOSE);
  const putOutcome = async (seekerId: string, courseId: string, body: object) => {
    const res = await t.http
      .put(`/v1/job-seekers/${seekerId}/outcomes/${courseId}`)
      .auth(integration, { type: 'bearer' })
      .send({ observedAt: clock.now().toISOString().slice(0, 10), ...body });
    expect([200, 201], JSON.stringify(res.body)).toContain(res.status);
  };
  const publishOne = async (seekerId: string) => {
    await syncSeeker(t, seekerId);
    const set = await createAndPublish(t, counselor, seekerId, { approve: 1 });
    scores.set(seekerId, firstApproved(set).score ?? Number.NaN);
    return set;
  };

  beforeAll(async () => {
    // Thursday 1 October 2026: its week began on Monday 28 September.
    ({ t, clock, counselor } = await startWorkflowApp({ env: { AUDIT_MIN_PEOPLE: '2' } }));
    integration = await t.tokenFor('integration', 'svc-crm');
    auditor = await t.tokenFor('auditor', 'dpo-1');

    // Week of 28 September: js-a (and a course their counselor added), js-b, js-c; js-r's set is retracted.
    await syncSeeker(t, 'js-a');
    const { set } = await createSet(t, counselor, 'js-a', { limit: 2 });
    const { etag } = await decideAll(t, counselor, set.id, { approve: 1 });
    const extra = REACHABLE_COURSE_IDS.find((id) => !set.items.some((item) => item.course.id === id)) ?? '';
    const added = await act(t, counselor, set.id, 'items', etag, {
      courseId: extra,
      reason: 'Vue en entretien',
    });
    const a = await act(t, counselor, set.id, 'publish', String(added.headers.etag));
    expect(a.status).toBe(200);
    scores.set('js-a', firstApproved(a.body).score ?? Number.NaN);
    const b = await publishOne('js-b');
    const c = await publishOne('js-c');
    const r = await publishOne('js-r');
    sets.set('js-a', a.body);
    for (const [id, set] of [
      ['js-b', b],
      ['js-c', c],
      ['js-r', r],
    ] as const)
      sets.set(id, set);
    // Recorded in the week of 28 September: js-r (then retracted), and js-b's first report.
    await putOutcome('js-r', firstApproved(r).course.id, { entered: true, employedWithinSixMonths: true });
    await putOutcome('js-b', firstApproved(b).course.id, { entered: false, employedWithinSixMonths: null });
    const retracted = await act(t, counselor, r.id, 'retract', (await readSet(t, counselor, r.id)).etag, {
      reason: 'Erreur de ma part : ces formations ne correspondent pas à son projet.',
    });
    expect(retracted.status).toBe(200);

    // Week of 5 October: js-d published; the outcomes come in, js-b's replaced.
    clock.advance(WEEK);
    const d = await publishOne('js-d');
    sets.set('js-d', d);
    await putOutcome('js-a', firstApproved(a.body).course.id, {
      entered: true,
      employedWithinSixMonths: true,
    });
    await putOutcome('js-a', extra, { entered: true, employedWithinSixMonths: null });
    await putOutcome('js-b', firstApproved(b).course.id, { entered: true, employedWithinSixMonths: false });
    await putOutcome('js-c', firstApproved(c).course.id, { entered: false, employedWithinSixMonths: null });
    await putOutcome('js-d', firstApproved(d).course.id, { entered: true, employedWithinSixMonths: true });

    // Week of 12 October, still in progress.
    clock.advance(WEEK);
  });
  afterAll(() => t.close());

  it('gives per model version and source the items published and the outcomes recorded in the period, the shares and the mean predicted score', async () => {
    const res = await get();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      // From the first week within the log period (`RETENTION_LOG_DAYS`: ten years by default).
      from: '2016-10-24T00:00:00.000Z',
      to: '2026-10-12T00:00:00.000Z',
      rows: [
        {
          model: SHIPPED,
          source: 'model',
          // js-a, js-b, js-c, js-d: js-r's set was retracted.
          publishedItems: 4,
          // Week of 28 September: js-r, js-b; week of 5 October: js-a, js-b again, js-c, js-d.
          outcomesKnown: 6,
          people: 5,
          withheld: false,
          withheldWeeks: 0,
          outcomesShown: 6,
          enteredShare: 0.6667,
          // The week of 28 September has js-r's employment alone: left out of the employment figures.
          employmentKnown: 3,
          employmentWithheldWeeks: 1,
          employedShare: 0.6667,
          meanPredictedScore: meanScore('js-a', 'js-b', 'js-d'),
          // js-a, js-b and js-d entered the course; nobody who did not has their employment known.
          enteredEmploymentKnown: 3,
          enteredEmploymentWithheldWeeks: 1,
          enteredEmployedShare: 0.6667,
          enteredMeanPredictedScore: meanScore('js-a', 'js-b', 'js-d'),
        },
        {
          model: null,
          source: 'counselor',
          publishedItems: 1,
          outcomesKnown: 1,
          people: 1,
          withheld: true,
          withheldWeeks: 1,
          outcomesShown: 0,
          enteredShare: null,
          employmentKnown: 0,
          employmentWithheldWeeks: 0,
          employedShare: null,
          meanPredictedScore: null,
          enteredEmploymentKnown: 0,
          enteredEmploymentWithheldWeeks: 0,
          enteredEmployedShare: null,
          enteredMeanPredictedScore: null,
        },
      ],
    });
  });

  it('logs the query with its purpose, the head it read up to and the minimum of people it was given under', async () => {
    const [event] = (
      await t.container.decisionLog.decisionLog.listEvents({ types: ['audit.queried'], limit: 1000 })
    ).slice(-1);
    expect(event?.payload).toEqual({
      operation: 'getOutcomeStats',
      purpose: PURPOSE,
      filters: {
        from: '2016-10-24T00:00:00.000Z',
        to: '2026-10-12T00:00:00.000Z',
        toSeq: expect.any(Number),
      },
      minPeople: 2,
      resultCount: 2,
    });
    const unstated = await t.http.get('/v1/audit/stats/outcomes').auth(auditor, { type: 'bearer' });
    expect(unstated.status).toBe(400);
  });

  it('withholds the employment share and the mean predicted score of a week shown whose employment is known for too few people', async () => {
    const res = await get('?to=2026-10-05T00:00:00Z');
    expect(res.status).toBe(200);
    const [model] = res.body.rows;
    // js-r and js-b reported: the entry share may be given; only js-r's employment is known.
    expect(model).toMatchObject({
      publishedItems: 3,
      outcomesKnown: 2,
      withheld: false,
      outcomesShown: 2,
      enteredShare: 0.5,
      employmentKnown: 0,
      employmentWithheldWeeks: 1,
      employedShare: null,
      meanPredictedScore: null,
    });
  });

  it('does not call withheld a row whose items were published but of which no outcome was recorded', async () => {
    const res = await get('?to=2026-10-05T00:00:00Z');
    expect(res.status).toBe(200);
    // js-a's added course was published in the week of 28 September; its outcome came a week later.
    expect(res.body.rows[1]).toMatchObject({
      model: null,
      source: 'counselor',
      publishedItems: 1,
      outcomesKnown: 0,
      withheld: false,
      withheldWeeks: 0,
      enteredShare: null,
    });
  });

  it('freezes a week given without the employment figures resting on too few people', async () => {
    const stored = await t.container.db('frozen_figure_weeks').where({ figure: 'outcomes' }).select('totals');
    const rows = stored.flatMap(
      ({ totals }) => (JSON.parse(String(totals)) as { rows: Array<Record<string, unknown>> }).rows,
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.people, 'a row frozen rests on the minimum').toBeGreaterThanOrEqual(2);
      if ((row.employmentPeople as number) < 2) expect(row).not.toHaveProperty('employment');
      if ((row.enteredEmploymentPeople as number) < 2) expect(row).not.toHaveProperty('enteredEmployment');
    }
  });

  it('leaves the figures of the weeks already over as they were when an outcome is recorded or replaced later', async () => {
    const before = await get();
    await putOutcome('js-c', firstApproved(sets.get('js-c') as SetBody).course.id, {
      entered: true,
      employedWithinSixMonths: false,
    });
    const after = await get();
    expect(after.body).toEqual(before.body);
  });

  it('leaves the weeks already given as they were when a person objects to AI processing, and counts the outcomes recorded after a withdrawal', async () => {
    const [before] = (await get()).body.rows;
    await objectToAi(t, 'js-d');
    const [model] = (await get()).body.rows;
    // js-d's outcome of 5 October stays in the week given: taking it out would give it by subtraction.
    // Only the count of people, read from the log, no longer has them.
    expect(model).toEqual({ ...before, people: 4 });

    const withdrawal = await t.http
      .delete('/v1/me/objection')
      .auth(await t.tokenFor('job_seeker', 'js-d'), { type: 'bearer' });
    expect(withdrawal.status).toBe(204);
    await putOutcome('js-d', firstApproved(sets.get('js-d') as SetBody).course.id, {
      entered: true,
      employedWithinSixMonths: true,
    });
    // The week of 12 October is over: js-c's replacement and js-d's new outcome count in it.
    clock.advance(WEEK);
    const [later] = (await get()).body.rows;
    expect(later).toMatchObject({
      outcomesKnown: 8,
      people: 5,
      enteredShare: 0.75,
      employmentKnown: 5,
      employmentWithheldWeeks: 1,
      employedShare: 0.6,
      meanPredictedScore: meanScore('js-a', 'js-b', 'js-d', 'js-c', 'js-d'),
    });
  });

  it('leaves the weeks already given as they were when a person is erased, counting them and their published items no longer', async () => {
    const [before] = (await get()).body.rows;
    const admin = await t.tokenFor('admin', 'ops-1');
    expect((await eraseJobSeeker(t, admin, 'js-b')).status).toBe(204);
    const [model] = (await get()).body.rows;
    expect(model).toEqual({ ...before, publishedItems: 3, people: 4 });
  });
});

/**
 * The calibration figure: the model predicts employment within six months of following the course,
 * so its mean score is set beside the employment of those who entered it. Four people shown one
 * suggestion each, two of whom entered the course (AUDIT_MIN_PEOPLE=2).
 */
describe('auditor API: outcome figures of those who entered the course', () => {
  let t: TestApp;
  let clock: TestClock;
  let auditor: string;
  const scores = new Map<string, number>();
  const meanScore = (...seekerIds: string[]) =>
    Math.round((seekerIds.reduce((sum, id) => sum + (scores.get(id) ?? 0), 0) / seekerIds.length) * 10_000) /
    10_000;
  const get = () =>
    t.http.get('/v1/audit/stats/outcomes').auth(auditor, { type: 'bearer' }).set('X-Audit-Purpose', PURPOSE);

  beforeAll(async () => {
    let counselor: string;
    ({ t, clock, counselor } = await startWorkflowApp({ env: { AUDIT_MIN_PEOPLE: '2' } }));
    const integration = await t.tokenFor('integration', 'svc-crm');
    auditor = await t.tokenFor('auditor', 'dpo-1');
    const reports = [
      ['js-e1', true, true],
      ['js-e2', true, false],
      ['js-n1', false, false],
      ['js-n2', false, false],
    ] as const;
    for (const [seekerId, entered, employed] of reports) {
      await syncSeeker(t, seekerId);
      const set = await createAndPublish(t, counselor, seekerId, { approve: 1 });
      scores.set(seekerId, firstApproved(set).score ?? Number.NaN);
      const res = await t.http
        .put(`/v1/job-seekers/${seekerId}/outcomes/${firstApproved(set).course.id}`)
        .auth(integration, { type: 'bearer' })
        .send({
          observedAt: clock.now().toISOString().slice(0, 10),
          entered,
          employedWithinSixMonths: employed,
        });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    clock.advance(WEEK);
  });
  afterAll(() => t.close());

  it('compares the predicted score with the employment of those who entered the course', async () => {
    const res = await get();
    expect(res.status).toBe(200);
    expect(res.body.rows).toEqual([
      expect.objectContaining({
        model: SHIPPED,
        employmentKnown: 4,
        employedShare: 0.25,
        meanPredictedScore: meanScore('js-e1', 'js-e2', 'js-n1', 'js-n2'),
        enteredEmploymentKnown: 2,
        enteredEmploymentWithheldWeeks: 0,
        enteredEmployedShare: 0.5,
        enteredMeanPredictedScore: meanScore('js-e1', 'js-e2'),
      }),
    ]);
  });

  it('withholds the figures of those who entered the course in a week frozen before they were kept', async () => {
    const [before] = (await get()).body.rows;
    // The week as an earlier version froze it: without the totals of those who entered.
    const kept = ['model', 'source', 'outcomesKnown', 'people', 'entered', 'employmentPeople', 'employment'];
    const stored = await t.container
      .db('frozen_figure_weeks')
      .where({ figure: 'outcomes' })
      .select('week_start', 'totals');
    expect(stored).toHaveLength(1);
    for (const { week_start, totals } of stored) {
      const week = JSON.parse(String(totals)) as { rows: Array<Record<string, unknown>> };
      const older = { rows: week.rows.map((row) => Object.fromEntries(kept.map((key) => [key, row[key]]))) };
      await t.container
        .db('frozen_figure_weeks')
        .where({ figure: 'outcomes', week_start })
        .update({ totals: JSON.stringify(older) });
    }
    const [after] = (await get()).body.rows;
    expect(after).toEqual({
      ...before,
      enteredEmploymentKnown: 0,
      enteredEmploymentWithheldWeeks: 1,
      enteredEmployedShare: null,
      enteredMeanPredictedScore: null,
    });
  });
});
