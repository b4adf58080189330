import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import {
  act,
  createAndPublish,
  createSet,
  decideAll,
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

function firstApproved(set: SetBody) {
  const item = set.items.find(
    (candidate) => candidate.decision === 'approved' && candidate.source === 'model',
  );
  if (item === undefined) throw new Error(`set ${set.id} approved none of the model's courses`);
  return item;
}

/**
 * What became of the proposed courses, per model version and source, on a scripted field: four
 * people shown one suggestion each over two weeks, one also a course their counselor added, one set
 * retracted; each week's shares rest on the outcomes of two people at least (AUDIT_MIN_PEOPLE=2).
 */
describe('auditor API: outcome figures (GET /v1/audit/stats/outcomes)', () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;
  let integration: string;
  let auditor: string;
  const scores = new Map<string, number>();

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
    expect(res.status, JSON.stringify(res.body)).toBe(201);
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
    await putOutcome('js-r', firstApproved(r).course.id, { entered: true, employedWithinSixMonths: true });
    const retracted = await act(t, counselor, r.id, 'retract', (await readSet(t, counselor, r.id)).etag, {
      reason: 'Erreur de ma part : ces formations ne correspondent pas à son projet.',
    });
    expect(retracted.status).toBe(200);

    // Week of 5 October: js-d alone.
    clock.advance(WEEK);
    const d = await publishOne('js-d');

    // Week of 12 October, still in progress: the outcomes come in.
    clock.advance(WEEK);
    await putOutcome('js-a', firstApproved(a.body).course.id, {
      entered: true,
      employedWithinSixMonths: true,
    });
    await putOutcome('js-a', extra, { entered: true, employedWithinSixMonths: null });
    await putOutcome('js-b', firstApproved(b).course.id, { entered: true, employedWithinSixMonths: false });
    await putOutcome('js-c', firstApproved(c).course.id, { entered: false, employedWithinSixMonths: null });
    await putOutcome('js-d', firstApproved(d).course.id, { entered: true, employedWithinSixMonths: true });
  });
  afterAll(() => t.close());

  it('gives per model version and source the items published, the outcomes known, the shares and the mean predicted score', async () => {
    const res = await get();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      to: '2026-10-12T00:00:00.000Z',
      rows: [
        {
          model: SHIPPED,
          source: 'model',
          // js-a, js-b, js-c, js-d: js-r's set was retracted.
          publishedItems: 4,
          outcomesKnown: 4,
          people: 4,
          withheld: false,
          // The week of 5 October rests on js-d alone.
          withheldWeeks: 1,
          outcomesShown: 3,
          enteredShare: 0.6667,
          employmentKnown: 2,
          employedShare: 0.5,
          meanPredictedScore:
            Math.round((((scores.get('js-a') ?? 0) + (scores.get('js-b') ?? 0)) / 2) * 10_000) / 10_000,
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
          employedShare: null,
          meanPredictedScore: null,
        },
      ],
    });
  });

  it('logs the query with its purpose, as every audit read', async () => {
    const [event] = (
      await t.container.decisionLog.decisionLog.listEvents({ types: ['audit.queried'], limit: 1000 })
    ).slice(-1);
    expect(event?.payload).toEqual({
      operation: 'getOutcomeStats',
      purpose: PURPOSE,
      filters: { to: '2026-10-12T00:00:00.000Z' },
      resultCount: 2,
    });
    const unstated = await t.http.get('/v1/audit/stats/outcomes').auth(auditor, { type: 'bearer' });
    expect(unstated.status).toBe(400);
  });

  it('withholds the shares of a period whose whole weeks each rest on the outcomes of too few people', async () => {
    const res = await get('?from=2026-10-01T08:00:00Z');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ from: '2026-10-05T00:00:00.000Z', to: '2026-10-12T00:00:00.000Z' });
    expect(res.body.rows).toEqual([
      expect.objectContaining({
        model: SHIPPED,
        publishedItems: 1,
        outcomesKnown: 1,
        withheld: true,
        outcomesShown: 0,
        enteredShare: null,
        employedShare: null,
        meanPredictedScore: null,
      }),
    ]);
  });

  it('counts an erased person’s outcomes no longer', async () => {
    const admin = await t.tokenFor('admin', 'ops-1');
    expect((await t.http.delete('/v1/job-seekers/js-b').auth(admin, { type: 'bearer' })).status).toBe(204);
    const [model] = (await get()).body.rows;
    expect(model).toMatchObject({
      publishedItems: 3,
      outcomesKnown: 3,
      people: 3,
      outcomesShown: 2,
      enteredShare: 0.5,
      employmentKnown: 1,
      employedShare: 1,
      meanPredictedScore: Math.round((scores.get('js-a') ?? 0) * 10_000) / 10_000,
    });
  });
});
