import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewDecisionEvent } from '../../src/decision-log/decision-event.ts';
import type { ReferenceDistribution } from '../../src/model/manifest.ts';
import { appendEvents, pseudonymOf } from '../audit/support/audit-events.ts';
import { trackAppended } from '../support/logged-text-refusals.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import {
  aClock,
  act,
  aWorkflowSeeker,
  createSet,
  decide,
  decideAll,
  eraseJobSeeker,
  putSettings,
  REACHABLE_COURSE_IDS,
  readSet,
  type SetBody,
  seedCatalogAndSeeker,
} from '../support/workflow.ts';

const SECOND = 1000;
const WEEK = 7 * 86_400_000;
const SHIPPED = 'aiguillage-ebm-1.1.0';

interface OversightRowBody {
  counselor: string;
  modelId: string;
  week: string;
  [figure: string]: unknown;
}

/**
 * The attribution, drift and outcome figures of each period asked, each answered as covering nothing
 * (`from` and `to` the same instant, as expected), with no figure, and logged so.
 */
async function expectCoveringNothing(
  t: TestApp,
  get: (path: string) => PromiseLike<{ status: number; text: string; body: Record<string, unknown> }>,
  periods: ReadonlyArray<{ query: string; at: string }>,
) {
  for (const figure of ['attributions', 'drift', 'outcomes']) {
    for (const { query, at } of periods) {
      const { result: res, appended } = await trackAppended(t, () =>
        get(`/v1/audit/stats/${figure}?${query}`),
      );
      expect(res.status, `${figure}?${query} ${res.text}`).toBe(200);
      expect([res.body.from, res.body.to], `${figure}?${query}`).toEqual([at, at]);
      expect(res.body.models ?? res.body.rows).toEqual([]);
      expect(appended).toEqual([
        expect.objectContaining({
          type: 'audit.queried',
          payload: expect.objectContaining({ filters: expect.objectContaining({ from: at, to: at }) }),
        }),
      ]);
    }
  }
}

/**
 * The oversight, attribution and drift figures on a scripted review: counselors drive the real
 * API on a clock the test moves, and the figures are read back as an auditor.
 */
describe('auditor API: oversight, attribution and drift figures', () => {
  const clock = aClock();
  let t: TestApp;
  let auditor: string;
  let c1: string;
  let c2: string;
  const generated: SetBody[] = [];

  const get = (path: string) =>
    t.http.get(path).auth(auditor, { type: 'bearer' }).set('X-Audit-Purpose', 'oversight review Q4');

  beforeAll(async () => {
    // A handful of scripted people: the figures are read whatever their number (see below for the minimum).
    t = await startTestApp({ now: clock.now, env: { AUDIT_MIN_PEOPLE: '1' } });
    auditor = await t.tokenFor('auditor', 'dpo-1');
    c1 = await t.tokenFor('counselor', 'c-001');
    c2 = await t.tokenFor('counselor', 'c-002');
    await seedCatalogAndSeeker(t, 'js-1');
    await seedCatalogAndSeeker(t, 'js-2', aWorkflowSeeker({ counselorId: 'c-002' }));

    // Week 40, c-001. Set A: opened, then three decisions taking 4 s, 30 s and 3 s, an addition, published.
    const a = await createSet(t, c1, 'js-1', { limit: 3 });
    generated.push(a.set);
    let { etag } = await readSet(t, c1, a.set.id);
    const [first, second, third] = a.set.items;
    for (const [item, seconds, body] of [
      [first, 4, { decision: 'approve' }],
      [second, 30, { decision: 'reject', reasonCode: 'not_matching_project' }],
      [third, 3, { decision: 'approve' }],
    ] as const) {
      clock.advance(seconds * SECOND);
      const res = await decide(t, c1, a.set.id, item?.itemId ?? '', etag, body);
      expect(res.status).toBe(200);
      etag = String(res.headers.etag);
    }
    clock.advance(20 * SECOND);
    const extra = REACHABLE_COURSE_IDS.find((id) => !a.set.items.some((item) => item.course.id === id));
    const added = await act(t, c1, a.set.id, 'items', etag, {
      courseId: extra,
      reason: 'Projet discuté en entretien',
    });
    expect(added.status).toBe(201);
    expect((await act(t, c1, a.set.id, 'publish', String(added.headers.etag))).status).toBe(200);
    // js-1 reads the explanation of one of the three published items, twice.
    const seeker = await t.tokenFor('job_seeker', 'js-1');
    for (let reading = 0; reading < 2; reading += 1) {
      const explanation = await t.http
        .get(`/v1/me/recommendations/${first?.itemId}/explanation`)
        .auth(seeker, { type: 'bearer' });
      expect(explanation.status).toBe(200);
    }
    // ...and contests it.
    const contested = await t.http
      .post(`/v1/me/recommendations/${first?.itemId}/feedback`)
      .auth(seeker, { type: 'bearer' })
      .send({ response: 'contest' });
    expect(contested.status).toBe(201);

    // Set B: decided straight from the creation answer, never opened, at once: timed from its creation (0 s).
    const b = await createSet(t, c1, 'js-1', { limit: 2 });
    generated.push(b.set);
    etag = b.etag;
    for (const item of b.set.items) {
      const res = await decide(t, c1, b.set.id, item.itemId, etag, { decision: 'approve' });
      expect(res.status).toBe(200);
      etag = String(res.headers.etag);
    }

    // Week 41, c-002 in blind-first mode: their own shortlist of five first, then three quick approvals.
    clock.advance(WEEK);
    await putSettings(t, { blindFirst: true });
    const c = await createSet(t, c2, 'js-2', { limit: 3 });
    const opened = await readSet(t, c2, c.set.id);
    const shortlisted = await act(t, c2, c.set.id, 'shortlist', opened.etag, {
      courseIds: REACHABLE_COURSE_IDS,
    });
    expect(shortlisted.status).toBe(200);
    generated.push((await decideAll(t, c2, c.set.id)).set);

    // Week 41 too, long after set A's lifetime: js-1 reads another of its explanations.
    const late = await t.http
      .get(`/v1/me/recommendations/${third?.itemId}/explanation`)
      .auth(seeker, { type: 'bearer' });
    expect(late.status).toBe(200);
  });
  afterAll(() => t.close());

  describe('GET /v1/audit/stats/oversight', () => {
    const rowsOf = async (query = ''): Promise<OversightRowBody[]> => {
      const res = await get(`/v1/audit/stats/oversight${query}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.rows as OversightRowBody[];
    };

    it('gives one row per counselor, model version and week, from the log, explanations read, rejection reasons and answers included', async () => {
      const rows = await rowsOf();
      expect(rows).toEqual([
        {
          counselor: pseudonymOf(t, 'c-001'),
          modelId: SHIPPED,
          modelVersion: '1.1.0',
          week: '2026-W40',
          from: '2026-09-28T00:00:00.000Z',
          to: '2026-10-05T00:00:00.000Z',
          sets: 2,
          items: 5,
          decisions: 5,
          approvalRate: 0.8,
          rejectionRate: 0.2,
          catalogRejections: 0,
          additions: 1,
          additionRate: 0.1667,
          timedDecisions: 5,
          medianDecisionSeconds: 3,
          fastDecisionShare: 0.8,
          timedApprovals: 4,
          fastApprovalShare: 1,
          reviewedSets: 2,
          openedBeforeFirstDecisionShare: 0.5,
          blindFirstSets: 0,
          blindFirstOverlap: null,
          emptyShortlists: 0,
          shortlistsAfterModelSeen: 0,
          publishedItems: 3,
          explanationsOpened: 2,
          explanationOpenedShare: 0.6667,
          rejectionReasons: { not_matching_project: 1 },
          feedback: { contest: 1 },
          secondReviewApprovals: 0,
          secondReviewReturns: 0,
          timedSecondReviews: 0,
          medianSecondReviewSeconds: null,
          fastSecondReviewShare: null,
          timedSecondReviewApprovals: 0,
          fastSecondReviewApprovalShare: null,
          closedSessionOverrides: 0,
        },
        {
          counselor: pseudonymOf(t, 'c-002'),
          modelId: SHIPPED,
          modelVersion: '1.1.0',
          week: '2026-W41',
          from: '2026-10-05T00:00:00.000Z',
          to: clock.now().toISOString(),
          sets: 1,
          items: 3,
          decisions: 3,
          approvalRate: 1,
          rejectionRate: 0,
          catalogRejections: 0,
          additions: 0,
          additionRate: 0,
          timedDecisions: 3,
          medianDecisionSeconds: 0,
          fastDecisionShare: 1,
          timedApprovals: 3,
          fastApprovalShare: 1,
          reviewedSets: 1,
          openedBeforeFirstDecisionShare: 1,
          blindFirstSets: 1,
          blindFirstOverlap: 0.6,
          emptyShortlists: 0,
          shortlistsAfterModelSeen: 0,
          publishedItems: 0,
          explanationsOpened: 0,
          explanationOpenedShare: null,
          rejectionReasons: {},
          feedback: {},
          secondReviewApprovals: 0,
          secondReviewReturns: 0,
          timedSecondReviews: 0,
          medianSecondReviewSeconds: null,
          fastSecondReviewShare: null,
          timedSecondReviewApprovals: 0,
          fastSecondReviewApprovalShare: null,
          closedSessionOverrides: 0,
        },
      ]);
    });

    it('gives the usage of the whole deployment week by week: sets suggested, published, the people reached, contests', async () => {
      const res = await get('/v1/audit/stats/usage');
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.weeks).toEqual([
        {
          week: '2026-W40',
          from: '2026-09-28T00:00:00.000Z',
          to: '2026-10-05T00:00:00.000Z',
          setsSuggested: 2,
          setsMadeByHand: 0,
          suggestionsRefused: {},
          setsPublished: 1,
          peopleReached: 1,
          setsRetracted: 0,
          contests: 1,
          objections: 0,
        },
        {
          week: '2026-W41',
          from: '2026-10-05T00:00:00.000Z',
          to: clock.now().toISOString(),
          setsSuggested: 1,
          setsMadeByHand: 0,
          suggestionsRefused: {},
          setsPublished: 0,
          peopleReached: 0,
          setsRetracted: 0,
          contests: 0,
          objections: 0,
        },
      ]);
      expect(res.body.total).toMatchObject({
        setsSuggested: 3,
        setsPublished: 1,
        peopleReached: 1,
        contests: 1,
      });
      const logged = await t.container.decisionLog.decisionLog.listEvents({ types: ['audit.queried'] });
      expect(logged.at(-1)?.payload).toMatchObject({ operation: 'getUsageStats' });
    });

    it('gives the usage of the period only, its events selected by when they happened', async () => {
      const weeksOf = async (query: string) =>
        ((await get(`/v1/audit/stats/usage${query}`)).body.weeks as Array<{ week: string }>).map(
          (week) => week.week,
        );
      expect(await weeksOf('?from=2026-10-05T00:00:00Z')).toEqual(['2026-W41']);
      expect(await weeksOf('?to=2026-10-05T00:00:00Z')).toEqual(['2026-W40']);
    });

    it('says of each usage week the part the period covers: the whole week, or only the days asked of it', async () => {
      const weeksOf = async (query: string) =>
        ((await get(`/v1/audit/stats/usage${query}`)).body.weeks as Array<Record<string, unknown>>).map(
          ({ week, from, to }) => ({ week, from, to }),
        );
      expect(await weeksOf('?from=2026-09-28T00:00:00Z&to=2026-10-05T00:00:00Z')).toEqual([
        { week: '2026-W40', from: '2026-09-28T00:00:00.000Z', to: '2026-10-05T00:00:00.000Z' },
      ]);
      // Two days of week 40: the same label, other figures, and the row says so.
      expect(await weeksOf('?from=2026-09-30T00:00:00Z&to=2026-10-02T00:00:00Z')).toEqual([
        { week: '2026-W40', from: '2026-09-30T00:00:00.000Z', to: '2026-10-02T00:00:00.000Z' },
      ]);
    });

    it('ends the week still going on at the moment the figures were read, not at the Monday to come', async () => {
      const readAt = clock.now().toISOString();
      expect(readAt < '2026-10-12T00:00:00.000Z').toBe(true);
      const spansOf = (rows: Array<Record<string, unknown>>) =>
        rows.map(({ week, from, to }) => ({ week, from, to }));
      const latestQueryTime = async () =>
        (await t.container.decisionLog.decisionLog.listEvents({ types: ['audit.queried'] })).at(-1)
          ?.occurredAt;
      const expected = [
        { week: '2026-W40', from: '2026-09-28T00:00:00.000Z', to: '2026-10-05T00:00:00.000Z' },
        { week: '2026-W41', from: '2026-10-05T00:00:00.000Z', to: readAt },
      ];
      // Without a `to`, and with one to come: neither row claims time that has not happened.
      for (const query of ['', '?to=2026-12-01T00:00:00Z']) {
        expect(spansOf((await get(`/v1/audit/stats/usage${query}`)).body.weeks)).toEqual(expected);
        expect(await latestQueryTime()).toBe(readAt);
        expect(spansOf(await rowsOf(query))).toEqual([
          { week: '2026-W40', from: '2026-09-28T00:00:00.000Z', to: '2026-10-05T00:00:00.000Z' },
          { week: '2026-W41', from: '2026-10-05T00:00:00.000Z', to: readAt },
        ]);
      }
    });

    it('says of each oversight row the part of its week whose sets it counts: the whole week, or only the days asked of it', async () => {
      const spansOf = async (query: string) =>
        (await rowsOf(query)).map(({ week, from, to }) => ({ week, from, to }));
      expect(await spansOf('?to=2026-10-05T00:00:00Z')).toEqual([
        { week: '2026-W40', from: '2026-09-28T00:00:00.000Z', to: '2026-10-05T00:00:00.000Z' },
      ]);
      expect(await spansOf('?from=2026-09-30T00:00:00Z&to=2026-10-02T00:00:00Z')).toEqual([
        { week: '2026-W40', from: '2026-09-30T00:00:00.000Z', to: '2026-10-02T00:00:00.000Z' },
      ]);
    });

    it('reads the fast-decision threshold from the settings, or from the query', async () => {
      expect((await get('/v1/audit/stats/oversight')).body.fastDecisionSeconds).toBe(10);
      const strict = await get('/v1/audit/stats/oversight?fastDecisionSeconds=2');
      expect(strict.body.fastDecisionSeconds).toBe(2);
      // Only set B's two decisions, made at once, are under 2 s.
      expect(strict.body.rows[0].fastDecisionShare).toBe(0.4);
    });

    it('selects sets by the time they were generated', async () => {
      const rows = await rowsOf('?from=2026-10-05T00:00:00Z');
      expect(rows.map((row) => row.week)).toEqual(['2026-W41']);
      expect(await rowsOf('?to=2026-10-01T08:00:00Z')).toEqual([]);
      // Set A alone, with the reviews made after the end of the period.
      const [setA] = await rowsOf('?to=2026-10-01T08:00:00.001Z');
      expect(setA).toMatchObject({ sets: 1, items: 3, decisions: 3, additions: 1, timedDecisions: 3 });
      // Readings count whenever they came, the one a week after the set's lifetime included.
      expect(setA).toMatchObject({ publishedItems: 3, explanationsOpened: 2 });
    });

    it('counts the reviews of a period ending in the last days of 9999, whose reviews end past what a date-time can write', async () => {
      expect(await rowsOf('?to=9999-12-31T00:00:00Z')).toEqual(await rowsOf());
    });

    it('still holds after the job seekers are erased', async () => {
      const before = await rowsOf();
      const admin = await t.tokenFor('admin', 'ops-1');
      expect((await eraseJobSeeker(t, admin, 'js-1')).status).toBe(204);
      expect(await rowsOf()).toEqual(before);
    });
  });

  it('refuses a period bound whose offset moves it out of the years 0000 to 9999 in UTC, naming it, and logs no query', async () => {
    const paths = [
      'events',
      'events/export',
      ...['oversight', 'usage', 'attributions', 'drift', 'outcomes'].map((figure) => `stats/${figure}`),
    ];
    for (const path of paths) {
      for (const [name, value] of [
        ['from', '0000-01-01T00:00:00+01:00'],
        ['to', '9999-12-31T23:59:59-01:00'],
      ] as const) {
        const { result: res, appended } = await trackAppended(t, () =>
          get(`/v1/audit/${path}?${name}=${encodeURIComponent(value)}`),
        );
        expect(res.status, `${path} ${name}`).toBe(400);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body.errors).toEqual([
          { path: `/query/${name}`, message: 'falls outside the years 0000 to 9999 once moved to UTC' },
        ]);
        expect(appended).toEqual([]);
      }
    }
  });

  describe('GET /v1/audit/stats/attributions', () => {
    beforeAll(async () => {
      // js-1 is erased (here, or already by the oversight test above): its sets can no longer be read.
      const admin = await t.tokenFor('admin', 'ops-1');
      const erased = await eraseJobSeeker(t, admin, 'js-1');
      expect([204, 404]).toContain(erased.status);
    });

    it('averages the sealed attributions per feature for the model version, skipping erased job seekers', async () => {
      const res = await get('/v1/audit/stats/attributions');
      expect(res.status).toBe(200);
      const [model, ...others] = res.body.models;
      expect(others).toEqual([]);
      const readable = generated.filter((set) => set.seekerId !== 'js-1');
      expect(readable).toHaveLength(1);
      const items = readable.flatMap((set) => set.items.filter((item) => item.source === 'model'));
      expect(model).toMatchObject({
        modelId: SHIPPED,
        modelVersion: '1.1.0',
        sets: 3,
        items: items.length,
        erasedSets: 2,
        unreadableSets: 0,
      });
      const features = model.features as Array<{ feature: string; meanAbsContribution: number }>;
      for (const { feature, meanAbsContribution } of features) {
        const contributions = items.map(
          (item) => item.attributions.find((a) => a.feature === feature)?.contribution ?? Number.NaN,
        );
        const expected =
          contributions.reduce((sum, value) => sum + Math.abs(value), 0) / contributions.length;
        expect(meanAbsContribution, feature).toBeCloseTo(expected, 5);
      }
      const weights = features.map((feature) => feature.meanAbsContribution);
      expect(weights).toEqual([...weights].sort((x, y) => y - x));
    });
  });

  it('says a period in which the log holds no event, years before the deployment or still to come, covers nothing, as every figure may be given', async () => {
    await expectCoveringNothing(t, get, [
      { query: 'from=2016-10-01T00:00:00Z&to=2017-10-01T00:00:00Z', at: '2016-10-01T00:00:00.000Z' },
      { query: 'from=2030-01-01T00:00:00Z&to=2030-03-01T00:00:00Z', at: '2030-01-01T00:00:00.000Z' },
      { query: 'to=2017-10-01T00:00:00Z', at: '2017-10-01T00:00:00.000Z' },
    ]);
    // A period holding the log's events keeps its bounds as asked, though it starts years before them.
    const held = await get('/v1/audit/stats/attributions?from=2016-10-01T00:00:00Z');
    expect(held.body).toMatchObject({ from: '2016-10-01T00:00:00.000Z' });
    expect(held.body.to).toBeUndefined();
    expect(held.body.models).not.toEqual([]);
  });

  describe('GET /v1/audit/stats/drift', () => {
    const driftWeek = { from: '2026-11-02T00:00:00Z', to: '2026-11-09T00:00:00Z' };
    let references: ReferenceDistribution[];

    beforeAll(async () => {
      references = (await t.container.services.models.getModel(SHIPPED)).manifest.referenceDistributions;
      clock.advance(Date.parse(driftWeek.from) - clock.now().getTime() + 3_600_000);
    });

    const driftOf = async (period: { from: string; to: string }) => {
      const res = await get(`/v1/audit/stats/drift?from=${period.from}&to=${period.to}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body as {
        models: Array<{
          modelId: string;
          vectors: number;
          erasedSets: number;
          features: Array<{ feature: string; psi: number; level: string }>;
        }>;
      };
    };

    it('finds no drift when the scored vectors follow the training reference', async () => {
      await appendEvents(t, generatedEvents(vectorsFollowing(references, 1000), 'js-drift'));
      const [model] = (await driftOf(driftWeek)).models;
      expect(model).toMatchObject({ modelId: SHIPPED, vectors: 1000, erasedSets: 0 });
      for (const feature of model?.features ?? []) {
        expect(feature.psi, feature.feature).toBeLessThan(0.01);
        expect(feature.level).toBe('stable');
      }
      expect(model?.features.map((f) => f.feature)).toEqual(references.map((r) => r.feature));
    });

    it('shows a shifted feature as significant drift, and skips erased job seekers', async () => {
      const nextWeek = { from: '2026-11-09T00:00:00Z', to: '2026-11-16T00:00:00Z' };
      clock.advance(WEEK);
      const distance = references.findIndex((r) => r.feature === 'distanceKm');
      const far = vectorsFollowing(references, 1000).map((vector) =>
        vector.map((v, i) => (i === distance ? 500 : v)),
      );
      await appendEvents(t, [
        ...generatedEvents(far, 'js-far'),
        ...generatedEvents(far.slice(0, 10), 'js-gone'),
      ]);
      const { decisionLog, subjectKeyring } = t.container.decisionLog;
      await decisionLog.withTransaction((trx) => subjectKeyring.shredSubjectKey(trx, 'js-gone'));

      const [model] = (await driftOf(nextWeek)).models;
      expect(model).toMatchObject({ vectors: 1000, erasedSets: 1 });
      const byFeature = new Map(model?.features.map((f) => [f.feature, f]));
      expect(byFeature.get('distanceKm')).toMatchObject({ level: 'significant' });
      expect(byFeature.get('skillsCoverage')?.psi).toBeLessThan(0.01);
    });

    it('says of every feature that ten vectors of two people are too few to tell drift, whatever their index', async () => {
      const thirdWeek = { from: '2026-11-16T00:00:00Z', to: '2026-11-23T00:00:00Z' };
      clock.advance(WEEK);
      const few = vectorsFollowing(references, 10);
      await appendEvents(t, [
        ...generatedEvents(few.slice(0, 5), 'js-few-1'),
        ...generatedEvents(few.slice(5), 'js-few-2'),
      ]);
      const [model] = (await driftOf(thirdWeek)).models;
      expect(model).toMatchObject({ vectors: 10, people: 2 });
      for (const feature of model?.features ?? []) {
        const reference = references.find((r) => r.feature === feature.feature);
        expect(feature, feature.feature).toMatchObject({
          level: 'too_few',
          minVectors: 20 * ((reference?.shares.length ?? 0) - 1),
        });
        expect(feature.psi, feature.feature).toEqual(expect.any(Number));
      }
    });
  });
});

/** `count` vectors whose every feature falls in the reference bins in the reference shares. */
function vectorsFollowing(references: readonly ReferenceDistribution[], count: number): number[][] {
  const columns = references.map((reference) => {
    // Largest remainder, so that the counts sum to `count`.
    const exact = reference.shares.map((share) => share * count);
    const counts = exact.map(Math.floor);
    const order = exact
      .map((value, bin) => [value - Math.floor(value), bin] as const)
      .sort((a, b) => b[0] - a[0]);
    for (let k = 0; counts.reduce((s, c) => s + c, 0) < count; k += 1) {
      const bin = order[k % order.length]?.[1] ?? 0;
      counts[bin] = (counts[bin] ?? 0) + 1;
    }
    // Bin k holds (edges[k-1], edges[k]]; the last one everything above the last edge.
    const last = reference.edges.at(-1) ?? 0;
    return counts.flatMap((n, bin) => new Array<number>(n).fill(reference.edges[bin] ?? last + 1));
  });
  return Array.from({ length: count }, (_, row) =>
    columns.map((column) => column[(row * 7919) % count] ?? 0),
  );
}

/** One `recommendation.generated` event per ten vectors, for one job seeker. */
function generatedEvents(vectors: number[][], seekerId: string): NewDecisionEvent[] {
  const events: NewDecisionEvent[] = [];
  for (let start = 0; start < vectors.length; start += 10) {
    const batch = vectors
      .slice(start, start + 10)
      .map((features, index) => ({ itemId: `${seekerId}-${start + index}`, features }));
    events.push({
      type: 'recommendation.generated',
      actor: { role: 'counselor', id: 'c-001' },
      subjectId: seekerId,
      payload: {
        setId: `${seekerId}-set-${start}`,
        model: { id: SHIPPED, version: '1.1.0', sha256: '0'.repeat(64) },
        items: batch.map((item, rank) => ({
          itemId: item.itemId,
          courseId: 'FOR-1',
          rank: rank + 1,
          score: 0.5,
          contributions: {},
        })),
      },
      personal: { featureVectors: batch },
    });
  }
  return events;
}

describe('auditor API: figures opened from sealed parts rest on enough people', () => {
  // Thursday 1 October 2026: its week began on Monday 28 September.
  const clock = aClock();
  let t: TestApp;
  let counselor: string;
  let auditor: string;
  const get = (path: string) =>
    t.http.get(path).auth(auditor, { type: 'bearer' }).set('X-Audit-Purpose', 'revue des explications');
  const suggestFor = async (seekerId: string) => {
    await seedCatalogAndSeeker(t, seekerId);
    await createSet(t, counselor, seekerId);
  };

  beforeAll(async () => {
    t = await startTestApp({ now: clock.now, env: { AUDIT_MIN_PEOPLE: '3' } });
    counselor = await t.tokenFor('counselor', 'c-001');
    auditor = await t.tokenFor('auditor', 'dpo-1');
  });
  afterAll(() => t.close());

  it('gives no figure for a week still in progress, and says where the period was cut', async () => {
    for (const seekerId of ['js-w1-a', 'js-w1-b', 'js-w1-c']) await suggestFor(seekerId);
    for (const path of ['/v1/audit/stats/attributions', '/v1/audit/stats/drift']) {
      const res = await get(path);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ to: '2026-09-28T00:00:00.000Z', models: [] });
    }
  });

  it('leaves out a week resting on fewer job seekers than AUDIT_MIN_PEOPLE, so that no two periods single out one person', async () => {
    clock.advance(WEEK);
    const firstWeek = await get('/v1/audit/stats/attributions');
    expect(firstWeek.body.models).toEqual([
      expect.objectContaining({ sets: 3, people: 3, withheld: false, withheldWeeks: 0 }),
    ]);
    const firstWeekDrift = (await get('/v1/audit/stats/drift')).body.models[0];
    // One person alone the next week: a period ending before their set and one ending after it
    // must not differ by them.
    await suggestFor('js-w2-alone');
    const untilNow = await get(
      `/v1/audit/stats/attributions?to=${encodeURIComponent(clock.now().toISOString())}`,
    );
    expect(untilNow.body.models).toEqual(firstWeek.body.models);
    clock.advance(WEEK);
    const bothWeeks = await get('/v1/audit/stats/attributions');
    expect(bothWeeks.body).toMatchObject({ to: '2026-10-12T00:00:00.000Z' });
    expect(bothWeeks.body.models).toEqual([
      expect.objectContaining({ sets: 4, people: 4, withheld: false, withheldWeeks: 1 }),
    ]);
    expect(bothWeeks.body.models[0].features).toEqual(firstWeek.body.models[0].features);
    const drift = (await get('/v1/audit/stats/drift')).body.models[0];
    expect(drift).toMatchObject({ sets: 4, people: 4, withheld: false, withheldWeeks: 1 });
    expect(drift.features).toEqual(firstWeekDrift.features);
  });

  it('gives the figures of a period whose whole weeks lie beyond the years 0000 to 9999 for an empty period, and logs it', async () => {
    const ends = [
      // Its last whole week would end on Monday 27 December of the year before 0000; all of it lies
      // before the log period (`RETENTION_LOG_DAYS`: ten years by default): it is answered where it ends.
      { query: 'to=0000-01-01T00:00:00Z', from: '0000-01-01T00:00:00.000Z', to: '0000-01-01T00:00:00.000Z' },
      // Its first whole week would start on Monday 3 January 10000.
      {
        query: 'from=9999-12-31T23:59:59Z',
        from: '9999-12-31T23:59:59.999Z',
        to: '9999-12-31T23:59:59.999Z',
      },
    ];
    for (const figure of ['attributions', 'drift', 'outcomes']) {
      for (const { query, from, to } of ends) {
        const { result: res, appended } = await trackAppended(t, () =>
          get(`/v1/audit/stats/${figure}?${query}`),
        );
        expect(res.status, `${figure}?${query} ${res.text}`).toBe(200);
        expect([res.body.from, res.body.to], `${figure}?${query}`).toEqual([from, to]);
        expect(res.body.models ?? res.body.rows).toEqual([]);
        expect(appended).toEqual([
          expect.objectContaining({
            type: 'audit.queried',
            payload: expect.objectContaining({ filters: expect.objectContaining({ to }) }),
          }),
        ]);
      }
    }
  });

  it('says a period within the log period in which the log holds no event covers nothing, where its first whole week starts', async () => {
    await expectCoveringNothing(t, get, [
      { query: 'from=2017-01-01T00:00:00Z&to=2018-01-01T00:00:00Z', at: '2017-01-02T00:00:00.000Z' },
    ]);
  });

  it('withholds every figure of a period whose whole weeks each rest on too few job seekers', async () => {
    // From the Thursday of the first week: the period starts with the next whole week, the lone one.
    const attributions = await get('/v1/audit/stats/attributions?from=2026-10-01T08:00:00Z');
    expect(attributions.status).toBe(200);
    expect(attributions.body).toMatchObject({
      from: '2026-10-05T00:00:00.000Z',
      to: '2026-10-12T00:00:00.000Z',
    });
    expect(attributions.body.models).toEqual([
      expect.objectContaining({ sets: 1, people: 1, withheld: true, withheldWeeks: 1, features: [] }),
    ]);
    const drift = await get('/v1/audit/stats/drift?from=2026-10-01T08:00:00Z');
    const [model] = drift.body.models;
    expect(model).toMatchObject({ sets: 1, people: 1, withheld: true });
    expect(model.features.every((feature: { psi: unknown }) => feature.psi === null)).toBe(true);
  });
});
