import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countSensitiveTermWarnings } from '../support/metrics.ts';
import type { TestApp } from '../support/test-app.ts';
import {
  act,
  createAndPublish,
  createSet,
  decideAll,
  expectGoneFromPortal,
  keysOf,
  putSettings,
  readSet,
  syncSeeker,
  type TestClock,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const HOUR = 3_600_000;

describe('job seeker portal API', () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;

  beforeAll(async () => {
    ({ t, clock, counselor } = await startWorkflowApp());
  });
  afterAll(() => t.close());

  /** Every item of a set, hidden ones included (blind-first), read from the table itself. */
  async function itemIdsOf(setId: string): Promise<string[]> {
    const ids: string[] = await t.container.db('recommendation_items').where({ set_id: setId }).pluck('id');
    expect(ids.length).toBeGreaterThan(0);
    return ids;
  }

  async function expectInvisible(seekerId: string, itemIds: string[]): Promise<void> {
    const token = await t.tokenFor('job_seeker', seekerId);
    const mine = await t.http.get('/v1/me/recommendations').auth(token, { type: 'bearer' });
    expect(mine.status).toBe(200);
    expect(mine.body).toEqual({
      publishedAt: null,
      message: null,
      retractedAt: null,
      retractionNotice: null,
      items: [],
    });
    const data = await t.http.get('/v1/me/data').auth(token, { type: 'bearer' });
    expect(data.body.recommendations).toEqual([]);
    await expectGoneFromPortal(t, token, itemIds);
  }

  describe('nothing before publication', () => {
    it('shows nothing of a set awaiting review, even with every item approved', async () => {
      await syncSeeker(t, 'js-pending');
      const { set } = await createSet(t, counselor, 'js-pending', { limit: 2 });
      await decideAll(t, counselor, set.id);
      await expectInvisible('js-pending', await itemIdsOf(set.id));
    });

    it('shows nothing of a set awaiting the blind-first shortlist', async () => {
      await syncSeeker(t, 'js-blind');
      await putSettings(t, { blindFirst: true });
      try {
        const { set } = await createSet(t, counselor, 'js-blind', { limit: 2 });
        expect(set.status).toBe('awaiting_shortlist');
        await expectInvisible('js-blind', await itemIdsOf(set.id));
      } finally {
        await putSettings(t, {});
      }
    });

    it('shows nothing of a set awaiting its second review', async () => {
      await syncSeeker(t, 'js-second');
      await putSettings(t, { secondReviewRate: 1 });
      try {
        const { set } = await createSet(t, counselor, 'js-second', { limit: 2 });
        const { etag } = await decideAll(t, counselor, set.id);
        const handed = await act(t, counselor, set.id, 'publish', etag, { message: 'Bientôt.' });
        expect(handed.body.status).toBe('awaiting_second_review');
        await expectInvisible('js-second', await itemIdsOf(set.id));
      } finally {
        await putSettings(t, {});
      }
    });

    it('shows nothing of a discarded set', async () => {
      await syncSeeker(t, 'js-discarded');
      const { set } = await createSet(t, counselor, 'js-discarded', { limit: 2 });
      const { etag } = await decideAll(t, counselor, set.id);
      const discarded = await act(t, counselor, set.id, 'discard', etag, { reason: 'Projet abandonné.' });
      expect(discarded.body.status).toBe('discarded');
      await expectInvisible('js-discarded', await itemIdsOf(set.id));
    });

    it('shows nothing of an expired set', async () => {
      await syncSeeker(t, 'js-expired');
      await putSettings(t, { setTtlHours: 1 });
      try {
        const { set } = await createSet(t, counselor, 'js-expired', { limit: 2 });
        await decideAll(t, counselor, set.id);
        clock.advance(HOUR + 1);
        expect((await readSet(t, counselor, set.id)).set.status).toBe('expired');
        await expectInvisible('js-expired', await itemIdsOf(set.id));
      } finally {
        await putSettings(t, {});
      }
    });
  });

  describe('a later set expiring', () => {
    it('keeps showing the published set, its explanations and answers, while a later set expires unread, and shows nothing of the expired one', async () => {
      await syncSeeker(t, 'js-expired-later');
      const published = await createAndPublish(t, counselor, 'js-expired-later', {
        approve: 1,
        message: 'Voici ma proposition.',
      });
      const shownIds = published.items
        .filter((item) => item.decision === 'approved')
        .map((item) => item.itemId);
      await putSettings(t, { setTtlHours: 1 });
      try {
        const { set: later } = await createSet(t, counselor, 'js-expired-later', { limit: 2 });
        // Every item approved, yet never published: nothing of it may reach the person.
        await decideAll(t, counselor, later.id);
        clock.advance(HOUR + 1);
        const token = await t.tokenFor('job_seeker', 'js-expired-later');

        const mine = await t.http.get('/v1/me/recommendations').auth(token, { type: 'bearer' });
        expect(mine.status).toBe(200);
        expect(mine.body).toMatchObject({
          publishedAt: published.publishedAt,
          message: 'Voici ma proposition.',
          retractedAt: null,
          retractionNotice: null,
        });
        expect(mine.body.items.map((item: { itemId: string }) => item.itemId)).toEqual(shownIds);
        const explanation = await t.http
          .get(`/v1/me/recommendations/${shownIds[0]}/explanation`)
          .auth(token, { type: 'bearer' });
        expect(explanation.status).toBe(200);
        expect(explanation.body.replacedNotice).toBeNull();
        const answer = await t.http
          .post(`/v1/me/recommendations/${shownIds[0]}/feedback`)
          .auth(token, { type: 'bearer' })
          .send({ response: 'interested' });
        expect(answer.status).toBe(201);
        await expectGoneFromPortal(t, token, await itemIdsOf(later.id));
        const data = await t.http.get('/v1/me/data').auth(token, { type: 'bearer' });
        expect(data.status).toBe(200);
        expect(data.body.recommendations.map((item: { itemId: string }) => item.itemId)).toEqual(shownIds);
        expect(data.body.suggestionSets.find((set: { id: string }) => set.id === later.id)).toMatchObject({
          status: 'expired',
          publishedAt: null,
        });
        // Nobody read the set since its lifetime passed: the person saw it expired all the same.
        const row = await t.container.db('recommendation_sets').where({ id: later.id }).first('status');
        expect(row.status).toBe('pending_review');
      } finally {
        await putSettings(t, {});
      }
    });
  });

  describe('published suggestions', () => {
    it("shows the approved items only, in the counselor's order, with the message and the rate, never a score", async () => {
      await syncSeeker(t, 'js-view');
      const { set } = await createSet(t, counselor, 'js-view', { limit: 4 });
      const { set: decided } = await decideAll(t, counselor, set.id, { approve: 2 });
      const opened = await readSet(t, counselor, set.id);
      const added = await act(t, counselor, set.id, 'items', opened.etag, {
        courseId: 'PARIS-AS',
        reason: 'La personne envisage de déménager à Paris.',
      });
      const approved = (added.body.items as Array<{ itemId: string; decision: string }>)
        .filter((item) => item.decision === 'approved')
        .map((item) => item.itemId);
      const rejected = decided.items
        .filter((item) => item.decision === 'rejected')
        .map((item) => item.itemId);
      expect(approved).toHaveLength(3);
      expect(rejected).toHaveLength(2);
      const order = [approved[2], approved[0], approved[1]] as string[];
      const ordered = await t.http
        .put(`/v1/recommendations/${set.id}/order`)
        .auth(counselor, { type: 'bearer' })
        .set('If-Match', String(added.headers.etag))
        .send({ itemIds: order });
      expect(ordered.status).toBe(200);
      const published = await act(t, counselor, set.id, 'publish', ordered.headers.etag, {
        message: 'Voici les formations dont nous avons parlé.',
      });
      expect(published.status).toBe(200);

      const seeker = await t.tokenFor('job_seeker', 'js-view');
      const mine = await t.http.get('/v1/me/recommendations').auth(seeker, { type: 'bearer' });
      expect(mine.status).toBe(200);
      expect(mine.body.message).toBe('Voici les formations dont nous avons parlé.');
      expect(mine.body.publishedAt).toBe(published.body.publishedAt);
      expect(mine.body.items.map((item: { itemId: string }) => item.itemId)).toEqual(order);
      expect(mine.body.items.map((item: { order: number }) => item.order)).toEqual([1, 2, 3]);
      for (const itemId of rejected) {
        expect(mine.body.items.map((item: { itemId: string }) => item.itemId)).not.toContain(itemId);
      }
      const first = mine.body.items[0];
      expect(first).toMatchObject({
        suggestedBy: 'counselor',
        course: { id: 'PARIS-AS' },
        returnToEmploymentRate: 0.81,
      });
      expect(mine.body.items[1].suggestedBy).toBe('model');
      for (const item of mine.body.items) expect(item.explanation.length).toBeGreaterThan(10);
      expect(keysOf(mine.body)).not.toContain('score');
      expect(keysOf(mine.body)).not.toContain('attributions');
      expect(JSON.stringify(mine.body)).not.toMatch(/counselorId|c-001/);
    });

    it('never reaches a rejected item, by explanation or feedback', async () => {
      const set = await createAndPublish(t, counselor, 'js-1', { approve: 1 });
      const rejected = set.items.filter((item) => item.decision === 'rejected');
      expect(rejected.length).toBeGreaterThan(0);
      const seeker = await t.tokenFor('job_seeker', 'js-1');
      for (const item of rejected) {
        const explanation = await t.http
          .get(`/v1/me/recommendations/${item.itemId}/explanation`)
          .auth(seeker, { type: 'bearer' });
        expect(explanation.status).toBe(404);
        const feedback = await t.http
          .post(`/v1/me/recommendations/${item.itemId}/feedback`)
          .auth(seeker, { type: 'bearer' })
          .send({ response: 'interested' });
        expect(feedback.status).toBe(404);
      }
    });

    it('shows only the latest published set, and still explains a course published earlier', async () => {
      await syncSeeker(t, 'js-latest');
      const older = await createAndPublish(t, counselor, 'js-latest', { approve: 1 });
      clock.advance(60_000);
      const newer = await createAndPublish(t, counselor, 'js-latest', { approve: 2 });
      const seeker = await t.tokenFor('job_seeker', 'js-latest');
      const mine = await t.http.get('/v1/me/recommendations').auth(seeker, { type: 'bearer' });
      const newerApproved = newer.items
        .filter((item) => item.decision === 'approved')
        .map((item) => item.itemId);
      expect(mine.body.items.map((item: { itemId: string }) => item.itemId).sort()).toEqual(
        newerApproved.sort(),
      );
      const olderItem = older.items.find((item) => item.decision === 'approved');
      const earlier = await t.http
        .get(`/v1/me/recommendations/${olderItem?.itemId}/explanation`)
        .auth(seeker, { type: 'bearer' });
      expect(earlier.status).toBe(200);
      expect(earlier.body.itemId).toBe(olderItem?.itemId);
      const answered = await t.http
        .post(`/v1/me/recommendations/${olderItem?.itemId}/feedback`)
        .auth(seeker, { type: 'bearer' })
        .send({ response: 'enrolled' });
      expect(answered.status).toBe(201);
    });
  });

  describe('explanations', () => {
    it("explains a model suggestion: the AI's part, the data used and where it came from, the reasons, how to contest", async () => {
      await syncSeeker(t, 'js-explain');
      const set = await createAndPublish(t, counselor, 'js-explain', { approve: 1 });
      const item = set.items.find((candidate) => candidate.decision === 'approved');
      const seeker = await t.tokenFor('job_seeker', 'js-explain');
      const res = await t.http
        .get(`/v1/me/recommendations/${item?.itemId}/explanation`)
        .auth(seeker, { type: 'bearer' });
      expect(res.status).toBe(200);
      expect(res.body.itemId).toBe(item?.itemId);
      expect(res.body.aiContribution).toMatch(/outil d’aide à la décision a suggéré/);
      expect(res.body.reasons.length).toBeGreaterThan(0);
      for (const reason of res.body.reasons) {
        expect(['for', 'against', 'neutral']).toContain(reason.direction);
        expect(['strong', 'moderate', 'slight']).toContain(reason.weight);
      }
      const labels = res.body.dataUsed.map((entry: { label: string }) => entry.label);
      expect(labels).toEqual(expect.arrayContaining(['Métiers visés', 'Niveau de diplôme']));
      // The person's data from their file, the course's from the catalog, each with its source.
      for (const entry of res.body.dataUsed) expect(entry.source).toMatch(/dossier|catalogue des formations/);
      expect(res.body.howToContest).toMatch(/contester/);
      expect(keysOf(res.body)).not.toContain('score');
    });

    it("says that the AI played no part in a counselor's addition", async () => {
      await syncSeeker(t, 'js-added');
      const { set } = await createSet(t, counselor, 'js-added', { limit: 1 });
      const { etag } = await decideAll(t, counselor, set.id, { approve: 0 });
      const added = await act(t, counselor, set.id, 'items', etag, {
        courseId: 'PARIS-AS',
        reason: 'Projet de mobilité vers Paris.',
      });
      const published = await act(t, counselor, set.id, 'publish', added.headers.etag);
      expect(published.status).toBe(200);
      const seeker = await t.tokenFor('job_seeker', 'js-added');
      const mine = await t.http.get('/v1/me/recommendations').auth(seeker, { type: 'bearer' });
      expect(mine.body.items).toHaveLength(1);
      expect(mine.body.items[0]).toMatchObject({ suggestedBy: 'counselor', course: { id: 'PARIS-AS' } });
      const res = await t.http
        .get(`/v1/me/recommendations/${mine.body.items[0].itemId}/explanation`)
        .auth(seeker, { type: 'bearer' });
      expect(res.status).toBe(200);
      expect(res.body.aiContribution).toMatch(/ajoutée par votre conseiller/);
      expect(res.body.reasons).toEqual([]);
    });

    it("answers 404 for another job seeker's item, for the explanation and the feedback", async () => {
      await syncSeeker(t, 'js-owner');
      await syncSeeker(t, 'js-intruder');
      const set = await createAndPublish(t, counselor, 'js-owner', { approve: 1 });
      const itemId = set.items.find((item) => item.decision === 'approved')?.itemId;
      const intruder = await t.tokenFor('job_seeker', 'js-intruder');
      const missing = '00000000-0000-4000-8000-000000000000';
      for (const id of [itemId, missing]) {
        const explanation = await t.http
          .get(`/v1/me/recommendations/${id}/explanation`)
          .auth(intruder, { type: 'bearer' });
        expect(explanation.status).toBe(404);
        const feedback = await t.http
          .post(`/v1/me/recommendations/${id}/feedback`)
          .auth(intruder, { type: 'bearer' })
          .send({ response: 'interested' });
        expect(feedback.status).toBe(404);
      }
      const owner = await t.tokenFor('job_seeker', 'js-owner');
      const own = await t.http
        .get(`/v1/me/recommendations/${itemId}/explanation`)
        .auth(owner, { type: 'bearer' });
      expect(own.status).toBe(200);
    });

    it("logs every reading of an explanation under the job seeker's pseudonym, and nothing for a refused one", async () => {
      await syncSeeker(t, 'js-reader');
      await syncSeeker(t, 'js-curious');
      const set = await createAndPublish(t, counselor, 'js-reader', { approve: 1 });
      const itemId = set.items.find((item) => item.decision === 'approved')?.itemId;
      const { decisionLog, pseudonymiser } = t.container.decisionLog;
      const readings = async () =>
        (await decisionLog.listEvents({ types: ['explanation.opened'], limit: 1000 })).filter(
          (event) => event.payload.itemId === itemId,
        );
      const read = async (seekerId: string) =>
        t.http
          .get(`/v1/me/recommendations/${itemId}/explanation`)
          .auth(await t.tokenFor('job_seeker', seekerId), { type: 'bearer' });

      expect((await read('js-curious')).status).toBe(404);
      expect(await readings()).toEqual([]);
      expect((await read('js-reader')).status).toBe(200);
      expect((await read('js-reader')).status).toBe(200);
      const logged = await readings();
      expect(logged).toHaveLength(2);
      const reader = pseudonymiser.pseudonymise('js-reader');
      for (const event of logged) {
        expect(event.actor).toEqual({ role: 'job_seeker', pseudonym: reader });
        expect(event.subject).toBe(reader);
        expect(event.payload).toEqual({ setId: set.id, itemId, suggestedBy: 'model' });
        expect(event.personal).toBeNull();
      }
      expect((await decisionLog.verifyRange()).ok).toBe(true);
    });
  });

  describe('feedback and data', () => {
    it('records feedback with 201 and returns it in the data export with the profile and the suggestions', async () => {
      await syncSeeker(t, 'js-data');
      const set = await createAndPublish(t, counselor, 'js-data', { approve: 2 });
      const itemId = set.items.find((item) => item.decision === 'approved')?.itemId;
      const seeker = await t.tokenFor('job_seeker', 'js-data');
      const res = await t.http
        .post(`/v1/me/recommendations/${itemId}/feedback`)
        .auth(seeker, { type: 'bearer' })
        .send({ response: 'interested', comment: 'Les horaires me conviennent.' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        itemId,
        response: 'interested',
        comment: 'Les horaires me conviennent.',
      });
      expect(res.body.warnings).toBeUndefined();
      expect(res.body.seekerId).toBeUndefined();

      const data = await t.http.get('/v1/me/data').auth(seeker, { type: 'bearer' });
      expect(data.status).toBe(200);
      expect(data.body.profile).toMatchObject({ id: 'js-data', targetOccupations: ['J1501'] });
      expect(data.body.recommendations).toHaveLength(2);
      // Not a contest: no reply answers it.
      expect(data.body.feedback).toEqual([{ ...res.body, answeredBy: null }]);
      expect(keysOf(data.body.recommendations)).not.toContain('score');
    });

    it('answers 404, not 500, to feedback on an item erased while the feedback was being written', async () => {
      await syncSeeker(t, 'js-erased-meanwhile');
      const set = await createAndPublish(t, counselor, 'js-erased-meanwhile', { approve: 1 });
      const itemId = set.items.find((item) => item.decision === 'approved')?.itemId;
      // The erasure commits between the item's lookup and the feedback's transaction.
      const log = t.container.decisionLog.decisionLog;
      const original = log.withTransaction;
      const withTransaction = original.bind(log);
      log.withTransaction = async <T>(work: (trx: Knex.Transaction) => Promise<T>): Promise<T> => {
        log.withTransaction = original;
        await t.container.db('job_seekers').where({ id: 'js-erased-meanwhile' }).delete();
        return withTransaction(work);
      };
      try {
        const res = await t.http
          .post(`/v1/me/recommendations/${itemId}/feedback`)
          .auth(await t.tokenFor('job_seeker', 'js-erased-meanwhile'), { type: 'bearer' })
          .send({ response: 'interested' });
        expect(res.status).toBe(404);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      } finally {
        log.withTransaction = original;
      }
    });

    /** Runs the counselor's retraction of `setId` just before the next transaction of the log begins. */
    function retractBeforeNextTransaction(setId: string, etag: string): () => void {
      const log = t.container.decisionLog.decisionLog;
      const original = log.withTransaction;
      const withTransaction = original.bind(log);
      log.withTransaction = async <T>(work: (trx: Knex.Transaction) => Promise<T>): Promise<T> => {
        log.withTransaction = original;
        const retracted = await act(t, counselor, setId, 'retract', etag, { reason: 'Erreur de saisie.' });
        expect(retracted.status).toBe(200);
        return withTransaction(work);
      };
      return () => {
        log.withTransaction = original;
      };
    }

    it('answers 404 to feedback on an item whose set was retracted while the feedback was being written, and stores none', async () => {
      await syncSeeker(t, 'js-retracted-meanwhile');
      const published = await createAndPublish(t, counselor, 'js-retracted-meanwhile', { approve: 1 });
      const itemId = published.items.find((item) => item.decision === 'approved')?.itemId ?? '';
      const { etag } = await readSet(t, counselor, published.id);
      const restore = retractBeforeNextTransaction(published.id, etag);
      try {
        const res = await t.http
          .post(`/v1/me/recommendations/${itemId}/feedback`)
          .auth(await t.tokenFor('job_seeker', 'js-retracted-meanwhile'), { type: 'bearer' })
          .send({ response: 'enrolled', comment: 'Je suis inscrit.' });
        expect(res.status).toBe(404);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      } finally {
        restore();
      }
      expect(await t.container.db('feedback').where({ item_id: itemId })).toEqual([]);
    });

    it('answers 404 to an explanation of an item whose set was retracted while it was being read, and logs no reading', async () => {
      await syncSeeker(t, 'js-retracted-reading');
      const published = await createAndPublish(t, counselor, 'js-retracted-reading', { approve: 1 });
      const itemId = published.items.find((item) => item.decision === 'approved')?.itemId ?? '';
      const { etag } = await readSet(t, counselor, published.id);
      const restore = retractBeforeNextTransaction(published.id, etag);
      try {
        const res = await t.http
          .get(`/v1/me/recommendations/${itemId}/explanation`)
          .auth(await t.tokenFor('job_seeker', 'js-retracted-reading'), { type: 'bearer' });
        expect(res.status).toBe(404);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      } finally {
        restore();
      }
      const events = await t.container.decisionLog.decisionLog.listEventsAbout('js-retracted-reading');
      expect(events.map((event) => event.type)).not.toContain('explanation.opened');
    });

    it('keeps feedback with a sensitive term once the person confirmed it, warns in French, and counts it', async () => {
      const before = await countSensitiveTermWarnings(t, 'comment');
      await syncSeeker(t, 'js-sensitive');
      const set = await createAndPublish(t, counselor, 'js-sensitive', { approve: 1 });
      const itemId = set.items.find((item) => item.decision === 'approved')?.itemId;
      const seeker = await t.tokenFor('job_seeker', 'js-sensitive');
      const res = await t.http
        .post(`/v1/me/recommendations/${itemId}/feedback`)
        .auth(seeker, { type: 'bearer' })
        .send({
          response: 'not_interested',
          comment: 'Mon handicap rend ce métier difficile.',
          acknowledgeSensitiveTerms: true,
        });
      expect(res.status).toBe(201);
      expect(res.body.warnings).toEqual([expect.objectContaining({ field: 'comment', terms: ['handicap'] })]);
      expect(res.body.warnings[0].message).toMatch(
        /^Ce texte semble parler d’informations sensibles \(santé\)/,
      );
      expect(await countSensitiveTermWarnings(t, 'comment')).toBe(before + 1);
    });

    it('records an objection with a sensitive term once the person confirmed it, warns in French, and counts it', async () => {
      const before = await countSensitiveTermWarnings(t, 'comment');
      await syncSeeker(t, 'js-object-sensitive');
      const seeker = await t.tokenFor('job_seeker', 'js-object-sensitive');
      const res = await t.http.post('/v1/me/objection').auth(seeker, { type: 'bearer' }).send({
        comment: 'Mon handicap, je préfère en parler à ma conseillère.',
        acknowledgeSensitiveTerms: true,
      });
      expect(res.status).toBe(200);
      expect(res.body.aiObjection).toBe(true);
      expect(res.body.warnings).toEqual([expect.objectContaining({ field: 'comment', terms: ['handicap'] })]);
      expect(res.body.warnings[0].message).toMatch(/^Ce texte semble parler/);
      expect(await countSensitiveTermWarnings(t, 'comment')).toBe(before + 1);

      await syncSeeker(t, 'js-object-plain');
      const plain = await t.http
        .post('/v1/me/objection')
        .auth(await t.tokenFor('job_seeker', 'js-object-plain'), { type: 'bearer' })
        .send({ comment: 'Je préfère en parler avec ma conseillère.' });
      expect(plain.status).toBe(200);
      expect(plain.body).not.toHaveProperty('warnings');
      expect(await countSensitiveTermWarnings(t, 'comment')).toBe(before + 1);
    });

    it('answers 404 for the data export of a person the service does not know', async () => {
      const stranger = await t.tokenFor('job_seeker', 'js-unknown');
      expect((await t.http.get('/v1/me/data').auth(stranger, { type: 'bearer' })).status).toBe(404);
      expect((await t.http.post('/v1/me/objection').auth(stranger, { type: 'bearer' }).send({})).status).toBe(
        404,
      );
    });
  });

  describe('objection', () => {
    it('withdraws open sets so that none can be published, and switches the person to the manual path', async () => {
      await syncSeeker(t, 'js-object');
      // Published first: asking for suggestions again withdraws the sets still open.
      const published = await createAndPublish(t, counselor, 'js-object', { approve: 1 });
      const { set } = await createSet(t, counselor, 'js-object', { limit: 2 });
      const { etag } = await decideAll(t, counselor, set.id);

      const seeker = await t.tokenFor('job_seeker', 'js-object');
      const res = await t.http
        .post('/v1/me/objection')
        .auth(seeker, { type: 'bearer' })
        .send({ comment: 'Je préfère en parler avec ma conseillère.' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        aiObjection: true,
        recordedAt: clock.now().toISOString(),
        recordedBy: 'job_seeker',
        channel: 'portal',
      });

      const after = await readSet(t, counselor, set.id);
      expect(after.set.status).toBe('discarded');
      expect((await act(t, counselor, set.id, 'publish', etag)).status).toBe(412);
      expect((await act(t, counselor, set.id, 'publish', after.etag)).status).toBe(409);
      expect((await readSet(t, counselor, published.id)).set.status).toBe('published');

      const events = await t.container.decisionLog.decisionLog.listEvents({
        types: ['objection.recorded'],
        limit: 1000,
      });
      expect(events.at(-1)?.payload.withdrawnSetIds).toEqual([set.id]);
      // The set's end is logged as its own event, which an auditor following the set finds.
      const discarded = await t.container.decisionLog.decisionLog.listEvents({
        types: ['recommendation.discarded'],
        limit: 1000,
      });
      expect(discarded.filter((event) => event.payload.setId === set.id)).toEqual([
        expect.objectContaining({
          actor: { role: 'system', pseudonym: 'withdrawal' },
          payload: {
            setId: set.id,
            pendingItems: 0,
            withdrawnBecause: 'la personne s’est opposée au traitement par l’IA',
          },
          personal: null,
        }),
      ]);
      const refused = await t.http
        .post('/v1/job-seekers/js-object/recommendations')
        .auth(counselor, { type: 'bearer' })
        .set('Idempotency-Key', 'after-objection-1')
        .send();
      expect(refused.status).toBe(409);
      expect(refused.body.manualPath).toMatch(/^\/v1\/courses\?/);
    });
  });
});
