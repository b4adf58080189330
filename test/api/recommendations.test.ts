import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonValue } from '../../src/decision-log/canonical-json.ts';
import { PageCursor } from '../../src/http/page-cursor.ts';
import { compareText } from '../../src/shared/compare-text.ts';
import { parisDayNumberOf } from '../../src/shared/french-day.ts';
import { formatIsoDay } from '../../src/shared/iso-day.ts';
import { withoutInstance } from '../support/problem-body.ts';
import type { TestApp } from '../support/test-app.ts';
import {
  act,
  aWorkflowSeeker,
  createAndPublish,
  createSet,
  createSetByHand,
  decide,
  decideAll,
  newIdempotencyKey,
  putSettings,
  REACHABLE_COURSE_IDS,
  readSet,
  reopenAsLeftBeforeWithdrawal,
  requestSet,
  type SetBody,
  syncSeeker,
  type TestClock,
  WORKFLOW_CATALOG,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

describe('suggestions API', () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;
  let otherCounselor: string;

  beforeAll(async () => {
    ({ t, clock, counselor, otherCounselor } = await startWorkflowApp());
  });
  afterAll(() => t.close());

  describe('suggesting', () => {
    it('creates a set awaiting review from the reachable courses only, with the model that made it', async () => {
      const res = await requestSet(t, counselor, 'js-1');
      expect(res.status).toBe(201);
      const set = res.body as SetBody & { model: { id: string; sha256: string }; counselorId: string };
      expect(res.headers.location).toBe(`/v1/recommendations/${set.id}`);
      expect(res.headers.etag).toBe(`"${set.version}"`);
      expect(set).toMatchObject({
        seekerId: 'js-1',
        counselorId: 'c-001',
        status: 'pending_review',
        openedAt: null,
        itemsHidden: false,
        noCandidateReason: null,
      });
      expect(set.model.id).toBe('aiguillage-ebm-1.1.0');
      expect(set.model.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(set.items.map((item) => item.course.id).sort()).toEqual([...REACHABLE_COURSE_IDS].sort());
      expect(set.items.map((item) => item.rank)).toEqual([1, 2, 3, 4, 5]);
      for (const item of set.items) {
        expect(item).toMatchObject({ source: 'model', decision: 'pending', decisionSeconds: null });
        expect(item.explanation.length).toBeGreaterThan(0);
        const sizes = item.attributions.map((a) => Math.abs(a.contribution));
        expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
      }
      const scores = set.items.map((item) => item.score ?? -1);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
    });

    it("gives each attribution its value in the words of the counselor's explanation, on the creation's answer and on every read", async () => {
      const { set } = await createSet(t, counselor, 'js-1');
      const wordsOf = (courseId: string) =>
        Object.fromEntries(
          set.items
            .find((item) => item.course.id === courseId)
            ?.attributions.map((a) => [a.feature, a.valueText]) ?? [],
        );

      // The person aims at J1501 and holds one of the two skills each of these courses lists.
      expect(wordsOf('LYON-AS-1')).toMatchObject({
        occupationMatch: 'métier exact',
        skillsCoverage: '50 %',
        employmentRate: '81 %',
        employmentRateMissing: 'non',
        funded: 'oui',
        prerequisiteMet: 'oui',
      });
      expect(wordsOf('LYON-SEC')).toMatchObject({ occupationMatch: 'aucune', employmentRate: '64 %' });
      // A rate the catalog does not give: unknown, not the 0.5 the model read in its place.
      expect(wordsOf('VILLEURBANNE-AES')).toMatchObject({
        employmentRate: 'inconnu',
        employmentRateMissing: 'oui',
      });
      for (const item of set.items) {
        expect(item.attributions.every((a) => typeof a.valueText === 'string')).toBe(true);
        // The explanation states the values of its reasons in the very same words.
        for (const a of item.attributions.filter((a) => item.explanation.includes(`${a.label} =`))) {
          expect(item.explanation).toContain(`${a.label} = ${a.valueText} (`);
        }
      }
      const { set: read } = await readSet(t, counselor, set.id);
      expect(read.items.map((item) => item.attributions)).toEqual(set.items.map((item) => item.attributions));
    });

    it('reads a suggestion kept before the values were kept in words with no words, the numbers as they were', async () => {
      await syncSeeker(t, 'js-words-before', aWorkflowSeeker());
      const { set } = await createSet(t, counselor, 'js-words-before');
      const [item] = set.items;
      if (item === undefined) throw new Error('the set holds suggestions');
      const kept = item.attributions.map(({ valueText: _words, ...rest }) => rest);
      await t.container
        .db('recommendation_items')
        .where({ id: item.itemId })
        .update({ attributions: JSON.stringify(kept) });

      const { set: read } = await readSet(t, counselor, set.id);

      expect(read.items.find((i) => i.itemId === item.itemId)?.attributions).toEqual(
        kept.map((a) => ({ ...a, valueText: null })),
      );
    });

    it("writes the weeks before a session starts in the counselor's explanation as a person would, without decimals", async () => {
      // Available 10 days before the courses' session of 11 January 2027: 1.43 weeks to the model.
      await syncSeeker(t, 'js-weeks', aWorkflowSeeker({ availableFrom: '2027-01-01' }));
      const { set } = await createSet(t, counselor, 'js-weeks');
      const told = set.items.map((item) => item.explanation).filter((text) => text.includes('Semaines'));
      expect(told.length).toBeGreaterThan(0);
      for (const text of told) {
        expect(text).toContain('Semaines avant le début = environ 1 semaine (');
        expect(text).not.toMatch(/Semaines avant le début = [^(]*\d,\d/);
      }
    });

    it('keeps only the top-k items asked for', async () => {
      const { set } = await createSet(t, counselor, 'js-1', { limit: 2 });
      expect(set.items.map((item) => item.rank)).toEqual([1, 2]);
    });

    it('refuses a top-k above 50 as a validation error', async () => {
      const res = await requestSet(t, counselor, 'js-1', { limit: 51 });
      expect(res.status).toBe(400);
    });

    it('answers another counselor as for a job seeker that does not exist', async () => {
      const other = await requestSet(t, otherCounselor, 'js-1');
      const missing = await requestSet(t, otherCounselor, 'js-nobody');
      expect(other.status).toBe(404);
      expect(missing.status).toBe(404);
      expect(other.body.detail.replace('js-1', 'ID')).toBe(missing.body.detail.replace('js-nobody', 'ID'));
    });

    it('creates a set with no items and says why when no course passes the filters', async () => {
      await syncSeeker(
        t,
        'js-far',
        aWorkflowSeeker({
          location: { lat: 43.2965, lon: 5.3698 },
          mobilityRadiusKm: 10,
        }),
      );
      const res = await requestSet(t, counselor, 'js-far');
      expect(res.status).toBe(201);
      expect(res.body.items).toEqual([]);
      expect(res.body.status).toBe('pending_review');
      expect(res.body.noCandidateReason).toBe(
        "no course within 10 km is active, starts after today and is open at level 3: search the catalog by hand (GET /v1/courses), beyond the person's radius if they agree",
      );
    });

    it('says a person without home coordinates who takes no remote course has no course within reach, and what to do, rather than that no course is active', async () => {
      await syncSeeker(t, 'js-nowhere', aWorkflowSeeker({ location: null, remoteOk: false }));
      const res = await requestSet(t, counselor, 'js-nowhere');
      expect(res.status).toBe(201);
      expect(res.body.items).toEqual([]);
      expect(res.body.noCandidateReason).toBe(
        'the profile has no home coordinates and the person does not take remote courses, so no course can be found within their reach: complete their location in the case-management system, or search the catalog by hand (GET /v1/courses)',
      );
      expect(res.body.noCandidateReason).not.toContain('is active');
    });

    it('logs why a set holds no suggestion as a code, with the catalog version its candidates came from, their count sealed', async () => {
      await syncSeeker(
        t,
        'js-far-logged',
        aWorkflowSeeker({
          location: { lat: 43.2965, lon: 5.3698 },
          mobilityRadiusKm: 10,
        }),
      );
      const catalogState = await t.container.db('catalog_state').first('version');
      expect((await requestSet(t, counselor, 'js-far-logged')).status).toBe(201);

      const { decisionLog, pseudonymiser, subjectKeyring } = t.container.decisionLog;
      const [generated] = await decisionLog.listEvents({
        types: ['recommendation.generated'],
        subject: pseudonymiser.pseudonymise('js-far-logged'),
        limit: 10,
      });
      expect(generated?.payload).toMatchObject({
        noCandidateReason: 'no_course_passed_filters',
        catalogVersion: Number(catalogState?.version),
      });
      // The sentence names the person's radius: it stays with the set, not in the public part.
      expect(JSON.stringify(generated?.payload)).not.toMatch(/10 km/);
      // Counted again in the catalog of that version, the count of candidates would bound their level and home.
      expect(generated?.payload).not.toHaveProperty('candidateCount');
      expect(await subjectKeyring.decryptPersonal(String(generated?.personal))).toMatchObject({
        status: 'readable',
        value: { candidateCount: 0 },
      });
    });

    it('logs no reason, and the catalog version, for a set with suggestions', async () => {
      const res = await requestSet(t, counselor, 'js-1');
      expect(res.status).toBe(201);
      const generated = await t.container.decisionLog.decisionLog.listEvents({
        types: ['recommendation.generated'],
        limit: 1000,
      });
      const catalogState = await t.container.db('catalog_state').first('version');
      expect(generated.find((event) => event.payload.setId === res.body.id)?.payload).toMatchObject({
        noCandidateReason: null,
        catalogVersion: Number(catalogState?.version),
      });
    });
  });

  describe('Idempotency-Key', () => {
    it('answers 404, not 500, when the person is erased while their suggestions are being computed', async () => {
      await syncSeeker(t, 'js-vanishing');
      const model = await t.container.services.models.current();
      if (model === undefined) throw new Error('no active model');
      const { scorer } = model;
      const scoreCourses = scorer.scoreCourses.bind(scorer);
      scorer.scoreCourses = async (...args) => {
        await t.container.db('job_seekers').where({ id: 'js-vanishing' }).delete();
        return scoreCourses(...args);
      };
      try {
        const res = await requestSet(t, counselor, 'js-vanishing');
        expect(res.status).toBe(404);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      } finally {
        scorer.scoreCourses = scoreCourses;
      }
      expect(await t.container.db('recommendation_sets').where({ seeker_id: 'js-vanishing' })).toEqual([]);
    });

    it('replays the first answer for the same key and body, saying it is a replay', async () => {
      const key = newIdempotencyKey();
      const first = await requestSet(t, counselor, 'js-1', { idempotencyKey: key, limit: 3 });
      const again = await requestSet(t, counselor, 'js-1', { idempotencyKey: key, limit: 3 });
      expect(first.status).toBe(201);
      expect(again.status).toBe(201);
      expect(again.body).toEqual(first.body);
      expect(again.headers.etag).toBe(first.headers.etag);
      expect(again.headers.location).toBe(first.headers.location);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      expect(again.headers['idempotent-replayed']).toBe('true');
      const queue = await t.http
        .get('/v1/recommendations')
        .query({ seekerId: 'js-1', limit: 200 })
        .auth(counselor, { type: 'bearer' });
      expect(queue.body.items.filter((s: { id: string }) => s.id === first.body.id)).toHaveLength(1);
    });

    it('replays the first answer unchanged after the set was opened, decided, added to and published', async () => {
      const key = newIdempotencyKey();
      const first = await requestSet(t, counselor, 'js-1', { idempotencyKey: key, limit: 3 });
      expect(first.status).toBe(201);
      const { etag } = await decideAll(t, counselor, first.body.id, { approve: 1 });
      const added = await act(t, counselor, first.body.id, 'items', etag, {
        courseId: 'PARIS-AS',
        reason: 'Piste évoquée en entretien.',
      });
      expect(added.status).toBe(201);
      const published = await act(t, counselor, first.body.id, 'publish', String(added.headers.etag));
      expect(published.body.status).toBe('published');

      const again = await requestSet(t, counselor, 'js-1', { idempotencyKey: key, limit: 3 });
      expect(again.status).toBe(201);
      expect(again.body).toEqual(first.body);
      expect(again.headers.etag).toBe(first.headers.etag);
    });

    it('replays a blind-first creation as it answered, items hidden, after the shortlist is in', async () => {
      await putSettings(t, { blindFirst: true });
      try {
        const key = newIdempotencyKey();
        const first = await requestSet(t, counselor, 'js-1', { idempotencyKey: key, limit: 2 });
        expect(first.body).toMatchObject({ status: 'awaiting_shortlist', itemsHidden: true });
        const { etag } = await readSet(t, counselor, first.body.id);
        expect((await act(t, counselor, first.body.id, 'shortlist', etag, { courseIds: [] })).status).toBe(
          200,
        );

        const again = await requestSet(t, counselor, 'js-1', { idempotencyKey: key, limit: 2 });
        expect(again.body).toEqual(first.body);
      } finally {
        await putSettings(t, {});
      }
    });

    it('replays the expiresAt the creation answered, not the lifetime a hand-over to a second reviewer renewed', async () => {
      await putSettings(t, { secondReviewRate: 1 });
      try {
        const key = newIdempotencyKey();
        const first = await requestSet(t, counselor, 'js-1', { idempotencyKey: key, limit: 2 });
        expect(first.status).toBe(201);
        clock.advance(2 * 3_600_000);
        const { etag } = await decideAll(t, counselor, first.body.id, { approve: 1 });
        const handed = await act(t, counselor, first.body.id, 'publish', etag);
        expect(handed.body.status).toBe('awaiting_second_review');
        expect(handed.body.expiresAt).not.toBe(first.body.expiresAt);

        const again = await requestSet(t, counselor, 'js-1', { idempotencyKey: key, limit: 2 });
        expect(again.status).toBe(201);
        expect(again.body.expiresAt).toBe(first.body.expiresAt);
        expect(again.body).toEqual(first.body);
        expect(again.headers.etag).toBe(first.headers.etag);
      } finally {
        await putSettings(t, {});
      }
    });

    it('refuses the same key with another body with 422', async () => {
      const key = newIdempotencyKey();
      const first = await requestSet(t, counselor, 'js-1', { idempotencyKey: key, limit: 3 });
      const other = await requestSet(t, counselor, 'js-1', { idempotencyKey: key, limit: 4 });
      expect(first.status).toBe(201);
      expect(other.status).toBe(422);
      expect(other.headers['content-type']).toMatch(/application\/problem\+json/);
    });

    it('refuses the same key for another job seeker with 422', async () => {
      await syncSeeker(t, 'js-2');
      const key = newIdempotencyKey();
      expect((await requestSet(t, counselor, 'js-1', { idempotencyKey: key })).status).toBe(201);
      expect((await requestSet(t, counselor, 'js-2', { idempotencyKey: key })).status).toBe(422);
    });

    it('treats keys as per counselor', async () => {
      await syncSeeker(t, 'js-b1', aWorkflowSeeker({ counselorId: 'c-002' }));
      const key = newIdempotencyKey();
      const mine = await requestSet(t, counselor, 'js-1', { idempotencyKey: key });
      const theirs = await requestSet(t, otherCounselor, 'js-b1', { idempotencyKey: key });
      expect(mine.status).toBe(201);
      expect(theirs.status).toBe(201);
      expect(theirs.body.id).not.toBe(mine.body.id);
    });

    it('refuses a request without Idempotency-Key with 400', async () => {
      const res = await t.http
        .post('/v1/job-seekers/js-1/recommendations')
        .auth(counselor, { type: 'bearer' })
        .send();
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    });

    it('creates one set only when the same key is sent twice at once', async () => {
      const key = newIdempotencyKey();
      const [a, b] = await Promise.all([
        requestSet(t, counselor, 'js-1', { idempotencyKey: key }),
        requestSet(t, counselor, 'js-1', { idempotencyKey: key }),
      ]);
      expect([a.status, b.status]).toEqual([201, 201]);
      expect(a.body.id).toBe(b.body.id);
    });
  });

  describe('the queue', () => {
    it("lists the sets of the counselor's caseload only, newest first, filtered by status and job seeker", async () => {
      await syncSeeker(t, 'js-q', aWorkflowSeeker());
      await syncSeeker(t, 'js-qb', aWorkflowSeeker({ counselorId: 'c-002' }));
      const first = await createSet(t, counselor, 'js-q');
      clock.advance(1000);
      const second = await createSet(t, counselor, 'js-q');
      await createSet(t, otherCounselor, 'js-qb');

      const mine = await t.http
        .get('/v1/recommendations')
        .query({ seekerId: 'js-q' })
        .auth(counselor, { type: 'bearer' });
      expect(mine.status).toBe(200);
      expect(mine.body.items.map((s: { id: string }) => s.id)).toEqual([second.set.id, first.set.id]);
      expect(mine.body.items[0]).toMatchObject({ status: 'pending_review', itemCount: 5, pendingCount: 5 });

      const theirs = await t.http
        .get('/v1/recommendations')
        .query({ seekerId: 'js-qb' })
        .auth(counselor, { type: 'bearer' });
      expect(theirs.body.items).toEqual([]);

      const published = await t.http
        .get('/v1/recommendations')
        .query({ status: 'published', seekerId: 'js-q' })
        .auth(counselor, { type: 'bearer' });
      expect(published.body.items).toEqual([]);
    });

    it('gives the queue no ETag: the contract declares none, and none could be answered 304', async () => {
      const first = await t.http.get('/v1/recommendations').auth(counselor, { type: 'bearer' });
      expect(first.status).toBe(200);
      expect(first.headers.etag).toBeUndefined();
    });

    it('pages through the queue with the cursor without repeating or skipping a set', async () => {
      const all = await t.http
        .get('/v1/recommendations')
        .query({ limit: 200 })
        .auth(counselor, { type: 'bearer' });
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await t.http
          .get('/v1/recommendations')
          .query({ limit: 3, ...(cursor === undefined ? {} : { cursor }) })
          .auth(counselor, { type: 'bearer' });
        expect(page.status).toBe(200);
        seen.push(...page.body.items.map((s: { id: string }) => s.id));
        cursor = page.body.nextCursor ?? undefined;
      } while (cursor !== undefined);
      expect(seen).toEqual(all.body.items.map((s: { id: string }) => s.id));
      expect(seen.length).toBeGreaterThan(3);
    });

    it('gives a next cursor only when another page follows', async () => {
      const list = (query: Record<string, string | number>) =>
        t.http.get('/v1/recommendations').query(query).auth(counselor, { type: 'bearer' });
      const all = (await list({ limit: 200 })).body.items as Array<{ id: string }>;
      expect(all.length).toBeGreaterThan(1);

      const exact = await list({ limit: all.length });
      expect(exact.body.items).toHaveLength(all.length);
      expect(exact.body.nextCursor).toBeNull();

      const short = await list({ limit: all.length - 1 });
      expect(short.body.nextCursor).not.toBeNull();
      const rest = await list({ limit: all.length - 1, cursor: short.body.nextCursor });
      expect(rest.body.items.map((s: { id: string }) => s.id)).toEqual([all.at(-1)?.id]);
      expect(rest.body.nextCursor).toBeNull();
    });

    it('refuses a cursor it did not give out with 400', async () => {
      const res = await t.http
        .get('/v1/recommendations')
        .query({ cursor: 'bm90LWEtY3Vyc29y' })
        .auth(counselor, { type: 'bearer' });
      expect(res.status).toBe(400);
    });

    it('refuses a cursor holding a position the queue never writes, a NUL or another shape, with 400 naming /query/cursor', async () => {
      const [newest] = (await t.http.get('/v1/recommendations').auth(counselor, { type: 'bearer' })).body
        .items as Array<{ id: string; createdAt: string }>;
      if (newest === undefined) throw new Error('a set expected in the queue');
      // The list's name, its filters and the counselor's id are no secret: anyone can write a cursor
      // for them, whose position is then read.
      const forge = (position: JsonValue) =>
        new PageCursor('recommendations', (value) => value as JsonValue).encode(
          position,
          { queue: 'caseload' },
          'c-001',
        );
      for (const position of [
        ['\u0000', newest.id],
        [newest.createdAt, '\u0000'],
        [`${newest.createdAt}\u0000`, newest.id],
        [newest.createdAt, 'x'],
        [newest.createdAt, newest.id.toUpperCase()],
        [newest.createdAt.replace(/\.\d{3}Z$/, 'Z'), newest.id],
        ['2026-02-30T08:00:00.000Z', newest.id],
      ]) {
        const res = await t.http
          .get('/v1/recommendations')
          .query({ cursor: forge(position) })
          .auth(counselor, { type: 'bearer' });
        expect(res.status, JSON.stringify(position)).toBe(400);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body.errors).toEqual([
          { path: '/query/cursor', message: 'is not a cursor this API gave out' },
        ]);
      }
    });

    /** The ids of the sets the counselor's queue lists for this query string, in order. */
    async function queueIds(query: string): Promise<string[]> {
      const res = await t.http.get(`/v1/recommendations?${query}`).auth(counselor, { type: 'bearer' });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.items.map((summary: { id: string }) => summary.id);
    }

    /**
     * Four sets of a new person on `c-001`'s caseload, a minute apart, oldest first: one published,
     * one retracted, one pending review, one awaiting a second review. The set awaiting a second
     * review withdrew the one pending review, put back open as sets of one person left before that
     * rule are.
     */
    async function setsInFourStatuses(seekerId: string) {
      await syncSeeker(t, seekerId, aWorkflowSeeker());
      const published = await createAndPublish(t, counselor, seekerId, { approve: 1 });
      clock.advance(60_000);
      const retracted = await createAndPublish(t, counselor, seekerId, { approve: 1 });
      const { etag } = await readSet(t, counselor, retracted.id);
      const reason = { reason: 'Suggestions faites par un modèle défaillant.' };
      expect((await act(t, counselor, retracted.id, 'retract', etag, reason)).status).toBe(200);
      clock.advance(60_000);
      const { set: pending } = await createSetByHand(t, counselor, seekerId);
      clock.advance(60_000);
      const drawn = await createSetByHand(t, counselor, seekerId, ['LYON-AS-2'], { secondReviewRate: 1 });
      await reopenAsLeftBeforeWithdrawal(t, pending.id, 'pending_review');
      const handed = await act(t, counselor, drawn.set.id, 'publish', drawn.etag);
      expect(handed.body.status).toBe('awaiting_second_review');
      return { published: published.id, retracted: retracted.id, pending: pending.id, drawn: drawn.set.id };
    }

    it('lists the sets in any of several statuses, the status repeated or comma-separated', async () => {
      const sets = await setsInFourStatuses('js-qs');
      const open = 'status=pending_review&status=awaiting_second_review&seekerId=js-qs';
      expect(await queueIds(open)).toEqual([sets.drawn, sets.pending]);
      expect(
        await queueIds('status=awaiting_shortlist,pending_review,awaiting_second_review&seekerId=js-qs'),
      ).toEqual([sets.drawn, sets.pending]);
      expect(await queueIds('status=published&status=retracted&seekerId=js-qs')).toEqual([
        sets.retracted,
        sets.published,
      ]);
      // One status alone filters as before.
      expect(await queueIds('status=published&seekerId=js-qs')).toEqual([sets.published]);
    });

    it('pages through several statuses with the cursor without repeating or skipping a set', async () => {
      const sets = await setsInFourStatuses('js-qp');
      // Two more pending sets made at the same instant: a page may end between sets of one createdAt.
      // Each withdraws the sets open before it, put back open.
      clock.advance(60_000);
      const tiedFirst = (await createSetByHand(t, counselor, 'js-qp')).set.id;
      const tiedSecond = (await createSetByHand(t, counselor, 'js-qp')).set.id;
      await reopenAsLeftBeforeWithdrawal(t, sets.pending, 'pending_review');
      await reopenAsLeftBeforeWithdrawal(t, sets.drawn, 'awaiting_second_review');
      await reopenAsLeftBeforeWithdrawal(t, tiedFirst, 'pending_review');
      const tied = [tiedFirst, tiedSecond].sort((a, b) => compareText(b, a));
      // The retracted set, between the others in time, is filtered out of every page.
      const statuses = 'status=pending_review&status=awaiting_second_review&status=published&seekerId=js-qp';
      const expected = [...tied, sets.drawn, sets.pending, sets.published];
      expect(await queueIds(`${statuses}&limit=200`)).toEqual(expected);
      for (const limit of [1, 2, 3, 4]) {
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await t.http
            .get(`/v1/recommendations?${statuses}`)
            .query({ limit, ...(cursor === undefined ? {} : { cursor }) })
            .auth(counselor, { type: 'bearer' });
          expect(page.status).toBe(200);
          expect(page.body.items.length).toBeLessThanOrEqual(limit);
          seen.push(...page.body.items.map((summary: { id: string }) => summary.id));
          cursor = page.body.nextCursor ?? undefined;
        } while (cursor !== undefined);
        expect(seen, `pages of ${limit}`).toEqual(expected);
      }
    });

    it('pages with the same filters written another way: the statuses comma-separated rather than repeated, in another order', async () => {
      const sets = await setsInFourStatuses('js-qo');
      const expected = [sets.drawn, sets.pending, sets.published];
      const first = await t.http
        .get(
          '/v1/recommendations?status=pending_review&status=awaiting_second_review&status=published&seekerId=js-qo',
        )
        .query({ limit: 1 })
        .auth(counselor, { type: 'bearer' });
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const rest = await t.http
        .get(
          '/v1/recommendations?seekerId=js-qo&queue=caseload&status=published,awaiting_second_review,pending_review,published',
        )
        .query({ limit: 200, cursor: first.body.nextCursor })
        .auth(counselor, { type: 'bearer' });
      expect(rest.status, JSON.stringify(rest.body)).toBe(200);
      const ids = (page: { body: { items: Array<{ id: string }> } }) => page.body.items.map((set) => set.id);
      expect([...ids(first), ...ids(rest)]).toEqual(expected);
    });

    it('refuses a cursor sent with other filters', async () => {
      const sets = await setsInFourStatuses('js-qf');
      const filters = 'status=pending_review,awaiting_second_review&seekerId=js-qf';
      const first = await t.http
        .get(`/v1/recommendations?${filters}`)
        .query({ limit: 1 })
        .auth(counselor, { type: 'bearer' });
      expect(first.body.items.map((set: { id: string }) => set.id)).toEqual([sets.drawn]);
      for (const other of [
        '',
        'seekerId=js-qf',
        'status=pending_review&seekerId=js-qf',
        'status=pending_review,awaiting_second_review',
        `${filters}&modelId=aiguillage-ebm-1.1.0`,
        `${filters}&queue=second_review`,
      ]) {
        const res = await t.http
          .get(`/v1/recommendations?${other}`)
          .query({ limit: 1, cursor: first.body.nextCursor })
          .auth(counselor, { type: 'bearer' });
        expect(res.status, other).toBe(400);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body.errors).toEqual([
          {
            path: '/query/cursor',
            message: expect.stringMatching(/^belongs to another query: /),
          },
        ]);
      }
    });

    it("refuses a counselor's queue cursor sent by another counselor with the same filters", async () => {
      // Two sets awaiting a second review: c-002 may give both, c-001 neither (they reviewed them first).
      const sets = await setsInFourStatuses('js-qw');
      const more = await setsInFourStatuses('js-qw2');
      const caseload = await t.http
        .get('/v1/recommendations?seekerId=js-qw')
        .query({ limit: 1 })
        .auth(counselor, { type: 'bearer' });
      expect(caseload.body.items.map((set: { id: string }) => set.id)).toEqual([sets.drawn]);
      const secondReview = await t.http
        .get('/v1/recommendations?queue=second_review&status=awaiting_second_review')
        .query({ limit: 1 })
        .auth(otherCounselor, { type: 'bearer' });
      expect(secondReview.body.items.map((set: { id: string }) => set.id)).toEqual([more.drawn]);
      for (const [query, cursor, replayedBy] of [
        ['seekerId=js-qw', caseload.body.nextCursor, otherCounselor],
        ['queue=second_review&status=awaiting_second_review', secondReview.body.nextCursor, counselor],
      ]) {
        expect(cursor, query).toEqual(expect.any(String));
        const res = await t.http
          .get(`/v1/recommendations?${query}`)
          .query({ limit: 1, cursor })
          .auth(String(replayedBy), { type: 'bearer' });
        expect(res.status, query).toBe(400);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body.errors).toEqual([
          { path: '/query/cursor', message: expect.stringMatching(/^belongs to another query: /) },
        ]);
      }
    });

    it('refuses an unknown status with a 400 problem that names the status parameter', async () => {
      const res = await t.http
        .get('/v1/recommendations?status=pending_review&status=archived')
        .auth(counselor, { type: 'bearer' });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.errors).toEqual([
        {
          path: '/query/status/1',
          message: expect.stringMatching(/^must be equal to one of the allowed values: awaiting_shortlist, /),
        },
      ]);
      expect(res.body.detail).toMatch(/^query\/status\/1 must be equal to one of the allowed values/);
    });
  });

  describe('opening a set', () => {
    it("records the counselor's first read once, with its event", async () => {
      const { set } = await createSet(t, counselor, 'js-1');
      clock.advance(90_000);
      const opened = await readSet(t, counselor, set.id);
      expect(opened.set.openedAt).toBe(clock.now().toISOString());
      expect(opened.etag).not.toBe(`"${set.version}"`);
      clock.advance(5000);
      const again = await readSet(t, counselor, set.id);
      expect(again.set.openedAt).toBe(opened.set.openedAt);
      expect(again.etag).toBe(opened.etag);

      const events = await t.container.decisionLog.decisionLog.listEvents({
        types: ['recommendation.opened'],
        limit: 1000,
      });
      const mine = events.filter((event) => event.payload.setId === set.id);
      expect(mine).toHaveLength(1);
      expect(mine[0]?.payload.secondsSinceCreation).toBe(90);
    });

    it('answers a set in full even to If-None-Match with its ETag: the catalog may have withdrawn a course since', async () => {
      const { set } = await createSet(t, counselor, 'js-1');
      const { etag } = await readSet(t, counselor, set.id);
      const courseId = set.items[0]?.course.id ?? '';
      const admin = await t.tokenFor('admin', 'ops-1');
      const putCourse = (active: boolean) =>
        t.http
          .put(`/v1/courses/${courseId}`)
          .auth(admin, { type: 'bearer' })
          .send({ ...WORKFLOW_CATALOG[courseId], active });
      expect((await putCourse(false)).status).toBe(200);
      try {
        const again = await t.http
          .get(`/v1/recommendations/${set.id}`)
          .auth(counselor, { type: 'bearer' })
          .set('If-None-Match', etag);
        expect(again.status).toBe(200);
        expect(again.headers.etag).toBe(etag);
        expect(again.body.items[0]).toMatchObject({ course: { id: courseId }, courseAvailable: false });
      } finally {
        await putCourse(true);
      }
    });

    it('does not open a set first read after its review ended: version and log stay as they were', async () => {
      const { set, etag } = await createSet(t, counselor, 'js-1');
      const closed = await act(t, counselor, set.id, 'discard', etag, {
        reason: 'la personne a trouvé un emploi',
      });
      expect(closed.status).toBe(200);

      const read = await readSet(t, counselor, set.id);
      expect(read.set.openedAt).toBeNull();
      expect(read.etag).toBe(closed.headers.etag);
      const events = await t.container.decisionLog.decisionLog.listEvents({
        types: ['recommendation.opened'],
        limit: 1000,
      });
      expect(events.filter((event) => event.payload.setId === set.id)).toEqual([]);
    });

    it('does not open a set already decided from the creation’s answer: the deciding tab’s ETag stays valid', async () => {
      const { set, etag } = await createSet(t, counselor, 'js-1', { limit: 3 });
      const [first, second] = set.items;
      if (first === undefined || second === undefined) throw new Error('needs two items');
      // Tab A decides straight from the creation's answer ("decided unopened" in the figures).
      const decided = await decide(t, counselor, set.id, first.itemId, etag, { decision: 'approve' });
      expect(decided.status).toBe(200);

      // Tab B (or the case-management tool refreshing) reads the set.
      clock.advance(5000);
      const read = await readSet(t, counselor, set.id);
      expect(read.set.openedAt).toBeNull();
      expect(read.etag).toBe(decided.headers.etag);
      expect(read.set.items.map((item) => item.decision)).toEqual(
        decided.body.items.map((item: { decision: string }) => item.decision),
      );

      // Tab A's next decision, with the ETag its last one answered, goes through.
      const next = await decide(t, counselor, set.id, second.itemId, String(decided.headers.etag), {
        decision: 'approve',
      });
      expect(next.status).toBe(200);
      const events = await t.container.decisionLog.decisionLog.listEvents({
        types: ['recommendation.opened'],
        limit: 1000,
      });
      expect(events.filter((event) => event.payload.setId === set.id)).toEqual([]);
    });

    it('does not open a set once a course was added to it from the creation’s answer', async () => {
      const { set, etag } = await createSet(t, counselor, 'js-1', { limit: 2 });
      const added = await act(t, counselor, set.id, 'items', etag, {
        courseId: 'PARIS-AS',
        reason: 'Piste évoquée en entretien.',
      });
      expect(added.status).toBe(201);

      const read = await readSet(t, counselor, set.id);
      expect(read.set.openedAt).toBeNull();
      expect(read.etag).toBe(added.headers.etag);
    });

    it('does not open a blind-first set once its shortlist was given from the creation’s answer', async () => {
      await putSettings(t, { blindFirst: true });
      try {
        const { set, etag } = await createSet(t, counselor, 'js-1', { limit: 2 });
        const shortlisted = await act(t, counselor, set.id, 'shortlist', etag, { courseIds: [] });
        expect(shortlisted.status).toBe(200);

        const read = await readSet(t, counselor, set.id);
        expect(read.set.openedAt).toBeNull();
        expect(read.etag).toBe(shortlisted.headers.etag);
      } finally {
        await putSettings(t, {});
      }
    });

    it("answers another counselor's read of a set exactly as a missing set's", async () => {
      const { set } = await createSet(t, counselor, 'js-1');
      const other = await t.http
        .get(`/v1/recommendations/${set.id}`)
        .auth(otherCounselor, { type: 'bearer' });
      const missingId = '00000000-0000-4000-8000-000000000000';
      const missing = await t.http
        .get(`/v1/recommendations/${missingId}`)
        .auth(otherCounselor, { type: 'bearer' });
      expect(other.status).toBe(404);
      expect(missing.status).toBe(404);
      expect({ ...withoutInstance(other.body), detail: other.body.detail.replace(set.id, 'ID') }).toEqual({
        ...withoutInstance(missing.body),
        detail: missing.body.detail.replace(missingId, 'ID'),
      });
      const stillClosed = await t.container.services.recommendations.getRecommendationSet(
        { subject: 'c-001', roles: ['counselor'] },
        set.id,
      );
      expect(stillClosed.set.openedAt).not.toBeNull();
    });
  });

  describe('the manual path', () => {
    it('answers 409 with the catalog search to use when the AI is switched off, and that search works', async () => {
      await putSettings(t, { aiEnabled: false });
      try {
        const res = await requestSet(t, counselor, 'js-1');
        expect(res.status).toBe(409);
        expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
        expect(res.body.type).toBe('https://aiguillage.example/problems/ai-unavailable');
        expect(res.body.manualPath).toMatch(/^\/v1\/courses\?/);

        const search = await t.http.get(res.body.manualPath).auth(counselor, { type: 'bearer' });
        expect(search.status).toBe(200);
        const ids = search.body.items.map((course: { id: string }) => course.id);
        expect(ids).toEqual(expect.arrayContaining(['LYON-AS-1', 'LYON-AS-2', 'LYON-ASH']));
        expect(ids).not.toContain('PARIS-AS');
        expect(ids).not.toContain('LYON-OLD');
      } finally {
        await putSettings(t, {});
      }
      expect((await requestSet(t, counselor, 'js-1')).status).toBe(201);
    });

    it('names a search for each target occupation near the person, and ones for remote and hybrid courses when they accept remote learning, each leaving out sessions already begun', async () => {
      const admin = await t.tokenFor('admin', 'ops-1');
      const passed = await t.http
        .put('/v1/courses/VILLEURBANNE-AES-PASSED')
        .auth(admin, { type: 'bearer' })
        .send({ ...WORKFLOW_CATALOG['VILLEURBANNE-AES'], nextSessionStart: '2025-09-01' });
      expect(passed.status).toBe(201);
      await syncSeeker(
        t,
        'js-manual-remote',
        aWorkflowSeeker({ targetOccupations: ['J1501', 'K1302'], remoteOk: true, mobilityRadiusKm: 20 }),
      );
      await putSettings(t, { aiEnabled: false });
      try {
        const res = await requestSet(t, counselor, 'js-manual-remote');
        expect(res.status).toBe(409);
        const near = 'near=45.764%2C4.8357&withinKm=20';
        const ahead = `startsAfter=${formatIsoDay(parisDayNumberOf(clock.now()) + 1)}`;
        expect(res.body.manualSearchPaths).toEqual([
          `/v1/courses?active=true&${ahead}&occupation=J1501&${near}`,
          `/v1/courses?active=true&${ahead}&occupation=J1501&modality=remote`,
          `/v1/courses?active=true&${ahead}&occupation=J1501&modality=hybrid`,
          `/v1/courses?active=true&${ahead}&occupation=K1302&${near}`,
          `/v1/courses?active=true&${ahead}&occupation=K1302&modality=remote`,
          `/v1/courses?active=true&${ahead}&occupation=K1302&modality=hybrid`,
        ]);
        expect(res.body.manualPath).toBe(res.body.manualSearchPaths[0]);
        const found: string[] = [];
        for (const path of res.body.manualSearchPaths as string[]) {
          const search = await t.http.get(path).auth(counselor, { type: 'bearer' });
          expect(search.status).toBe(200);
          found.push(...search.body.items.map((course: { id: string }) => course.id));
        }
        expect(found).toEqual(expect.arrayContaining(['LYON-AS-1', 'VILLEURBANNE-AES']));
        expect(found).not.toContain('PARIS-AS');
        expect(found).not.toContain('VILLEURBANNE-AES-PASSED');
      } finally {
        await putSettings(t, {});
      }
    });

    it('answers 409 with the manual path for a job seeker who objected, and the search still works', async () => {
      await syncSeeker(t, 'js-objects');
      const seeker = await t.tokenFor('job_seeker', 'js-objects');
      const objection = await t.http.post('/v1/me/objection').auth(seeker, { type: 'bearer' }).send({});
      expect(objection.status).toBe(200);

      const res = await requestSet(t, counselor, 'js-objects');
      expect(res.status).toBe(409);
      expect(res.body.detail).toMatch(/objected/);
      const search = await t.http.get(res.body.manualPath).auth(counselor, { type: 'bearer' });
      expect(search.status).toBe(200);
      expect(search.body.items.length).toBeGreaterThan(0);
      expect((await requestSet(t, counselor, 'js-1')).status).toBe(201);
    });
  });

  it('publishes the list of rejection reason codes', async () => {
    const res = await t.http.get('/v1/reason-codes').auth(counselor, { type: 'bearer' });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['items']);
    const codes = res.body.items.map((reason: { code: string }) => reason.code);
    expect(codes).toEqual(expect.arrayContaining(['too_far', 'not_matching_project', 'other']));
    expect(res.body.items.find((reason: { code: string }) => reason.code === 'other').commentRequired).toBe(
      true,
    );
  });

  it("offers a reason code for a suggestion the counselor takes for the model's mistake", async () => {
    const res = await t.http.get('/v1/reason-codes').auth(counselor, { type: 'bearer' });
    expect(res.body.items).toContainEqual({
      code: 'model_output_inappropriate',
      label: expect.stringMatching(/erreur apparente de l’outil/),
      commentRequired: false,
    });
  });
});
