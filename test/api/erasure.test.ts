import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedDecisionEvent } from '../../src/decision-log/decision-event.ts';
import { parisDayOf } from '../../src/shared/french-day.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { TEST_ENGINE } from '../support/test-database.ts';
import {
  act,
  aWorkflowSeeker,
  createAndPublish,
  createSet,
  decide,
  ERASURE_REQUEST,
  eraseJobSeeker,
  readSet,
  requestSet,
  type SetBody,
  seedCatalogAndSeeker,
} from '../support/workflow.ts';

/** A value only the erased person's data holds: after erasure it must be nowhere in the files. */
const CANARY = `CANARY-${crypto.randomBytes(8).toString('hex')}`;
const SEEKER = `js-erase-${crypto.randomBytes(4).toString('hex')}`;
const OTHER_SEEKER = 'js-keep';

describe('erasing a job seeker (DELETE /v1/job-seekers/{seekerId})', () => {
  let t: TestApp;
  let admin: string;
  let counselor: string;
  let seekerToken: string;
  let otherSetId: string;
  const otherKey = crypto.randomUUID();
  const seekerKey = crypto.randomUUID();
  let feedbackItemId: string;
  let eventsBefore: RecordedDecisionEvent[];

  const sqliteFiles = () => {
    const base = path.join(t.config.dataDir, 'aiguillage.sqlite');
    return [base, `${base}-wal`].filter((file) => fs.existsSync(file));
  };
  const filesHolding = (value: string) =>
    sqliteFiles().filter((file) => fs.readFileSync(file).includes(Buffer.from(value, 'utf8')));
  const allEvents = async () => {
    const events: RecordedDecisionEvent[] = [];
    for await (const event of t.container.decisionLog.decisionLog.streamEvents()) events.push(event);
    return events;
  };
  const openPersonal = (event: RecordedDecisionEvent) =>
    event.personal === null
      ? undefined
      : t.container.decisionLog.subjectKeyring.decryptPersonal(event.personal);

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.tokenFor('admin', 'ops-1');
    counselor = await t.tokenFor('counselor', 'c-001');
    seekerToken = await t.tokenFor('job_seeker', SEEKER);

    // The person carries the canary in their profile and in every free text written about them.
    await seedCatalogAndSeeker(t, SEEKER, aWorkflowSeeker({ skills: ['accueil', CANARY] }));
    const creation = await requestSet(t, counselor, SEEKER, { idempotencyKey: seekerKey, limit: 3 });
    expect(creation.status).toBe(201);
    const created = creation.body as SetBody;
    let { set, etag } = await readSet(t, counselor, created.id);
    const [rejected, ...approved] = set.items;
    if (rejected === undefined || approved.length === 0) throw new Error('the set needs two items at least');
    let res = await decide(t, counselor, set.id, rejected.itemId, etag, {
      decision: 'reject',
      reasonCode: 'other',
      comment: `Refusée, voir ${CANARY}`,
    });
    expect(res.status).toBe(200);
    for (const item of approved) {
      etag = String(res.headers.etag);
      res = await decide(t, counselor, set.id, item.itemId, etag, { decision: 'approve' });
      expect(res.status).toBe(200);
    }
    res = await act(t, counselor, set.id, 'publish', String(res.headers.etag), {
      message: `Bonjour ${CANARY}`,
    });
    expect(res.status).toBe(200);
    set = res.body;
    feedbackItemId = String(approved[0]?.itemId);
    const feedback = await t.http
      .post(`/v1/me/recommendations/${feedbackItemId}/feedback`)
      .auth(seekerToken, { type: 'bearer' })
      .send({ response: 'interested', comment: `Merci (${CANARY})` });
    expect(feedback.status).toBe(201);
    // The case-management system reports that the person entered the course.
    const outcome = await t.http
      .put(`/v1/job-seekers/${SEEKER}/outcomes/${approved[0]?.course.id}`)
      .auth(await t.tokenFor('integration', 'svc-crm'), { type: 'bearer' })
      .send({
        entered: true,
        employedWithinSixMonths: null,
        observedAt: parisDayOf(new Date()),
      });
    expect(outcome.status).toBe(201);

    // Someone else, whose data must survive the erasure untouched.
    await seedCatalogAndSeeker(t, OTHER_SEEKER);
    const other = await requestSet(t, counselor, OTHER_SEEKER, { idempotencyKey: otherKey });
    expect(other.status).toBe(201);
    otherSetId = other.body.id;

    eventsBefore = await allEvents();
  });
  afterAll(() => t.close());

  it('has the canary in the database and in the personal parts of the log before erasure', async () => {
    if (TEST_ENGINE === 'sqlite') expect(filesHolding(CANARY)).not.toEqual([]);
    const personal = await Promise.all(eventsBefore.map(openPersonal));
    expect(JSON.stringify(personal)).toContain(CANARY);
  });

  it('never writes the canary, or a raw profile value, into an event in clear', () => {
    for (const event of eventsBefore) {
      expect(JSON.stringify({ ...event, personal: null })).not.toContain(CANARY);
      expect(JSON.stringify(event)).not.toContain(SEEKER);
    }
    const generated = eventsBefore.filter((event) => event.type === 'recommendation.generated');
    expect(generated.length).toBeGreaterThan(0);
    for (const event of generated) {
      const payload = JSON.stringify(event.payload);
      expect(payload).not.toMatch(/"(features|featureVectors|skills|location|lat|lon|communeCode)"/);
      expect(event.personal).not.toBeNull();
    }
    // Scores and attributions are functions of the person's values (an additive model's steps are
    // published in its card): sealed too, in every event about the person.
    const decided = eventsBefore.filter((event) => event.type === 'item.decided');
    expect(decided.length).toBeGreaterThan(0);
    for (const event of [...generated, ...decided]) {
      expect(JSON.stringify(event.payload)).not.toMatch(/"(score|contributions|attributions)"/);
    }
  });

  it('is refused to anyone but an admin', async () => {
    for (const role of ['counselor', 'job_seeker', 'auditor', 'integration'] as const) {
      const token = await t.tokenFor(role, role === 'job_seeker' ? SEEKER : 'c-001');
      const res = await eraseJobSeeker(t, token, SEEKER);
      expect(res.status, role).toBe(403);
    }
    const check = await t.http.get(`/v1/job-seekers/${SEEKER}`).auth(counselor, { type: 'bearer' });
    expect(check.status).toBe(200);
  });

  it('answers 404 for a job seeker it does not know', async () => {
    const res = await eraseJobSeeker(t, admin, 'js-never-seen');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.erasedAt).toBeUndefined();
  });

  /** Whether nothing of the person was erased and nothing was logged since `head`. */
  const expectNothingErased = async (head: number) => {
    expect((await allEvents()).length).toBe(head);
    const profile = await t.http.get(`/v1/job-seekers/${SEEKER}`).auth(counselor, { type: 'bearer' });
    expect(profile.status).toBe(200);
  };

  it('refuses an erasure without the reference of the request it answers (400), and erases nothing', async () => {
    const head = (await allEvents()).length;
    for (const reference of [null, '   ']) {
      const res = await eraseJobSeeker(t, admin, SEEKER, reference);
      expect(res.status, String(reference)).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.errors).toContainEqual(expect.objectContaining({ path: '/headers/x-erasure-request' }));
    }
    await expectNothingErased(head);
  });

  it('takes only a ticket number as the reference, as an access request does (400 for an email or words), and erases nothing', async () => {
    const head = (await allEvents()).length;
    for (const reference of ['marie.dupont@example.fr', 'Demande de M. Martin', 'x'.repeat(65)]) {
      const res = await eraseJobSeeker(t, admin, SEEKER, reference);
      expect(res.status, reference).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.errors).toContainEqual(expect.objectContaining({ path: '/headers/x-erasure-request' }));
    }
    await expectNothingErased(head);
  });

  it("refuses a reference that mentions a sensitive term or holds the person's id (422), says why, and erases nothing", async () => {
    const head = (await allEvents()).length;
    const sensitive = await eraseJobSeeker(t, admin, SEEKER, 'ERASE-12-handicapee');
    expect(sensitive.status).toBe(422);
    expect(sensitive.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(sensitive.body).toMatchObject({ header: 'X-Erasure-Request', terms: ['handicap'] });
    expect(sensitive.body.detail).toMatch(/X-Erasure-Request.*kept readable.*handicap/);
    for (const reference of [`ERASE-${SEEKER}`, `erase/${SEEKER.toUpperCase()}/2026`]) {
      const res = await eraseJobSeeker(t, admin, SEEKER, reference);
      expect(res.status, reference).toBe(422);
      expect(res.body).toMatchObject({ header: 'X-Erasure-Request' });
      expect(res.body.detail).toMatch(/X-Erasure-Request.*without the person’s id/);
    }
    await expectNothingErased(head);
  });

  describe('once erased', () => {
    let eventsAfter: RecordedDecisionEvent[];

    beforeAll(async () => {
      const res = await eraseJobSeeker(t, admin, SEEKER);
      expect(res.status).toBe(204);
      eventsAfter = await allEvents();
    });

    it('no longer knows the person: profile, suggestions and portal are gone', async () => {
      const profile = await t.http.get(`/v1/job-seekers/${SEEKER}`).auth(counselor, { type: 'bearer' });
      expect(profile.status).toBe(404);
      const portal = await t.http.get('/v1/me/recommendations').auth(seekerToken, { type: 'bearer' });
      expect(portal.status).toBe(404);
      expect(portal.body).toMatchObject({ title: 'Dossier introuvable' });
      expect(JSON.stringify(portal.body)).not.toContain(CANARY);
    });

    it('tells an admin erasing the person again when they were erased, and records nothing', async () => {
      const erasure = eventsAfter.at(-1);
      expect(erasure?.type).toBe('subject.erased');
      const again = await eraseJobSeeker(t, admin, SEEKER);
      expect(again.status).toBe(404);
      expect(again.body).toMatchObject({
        type: 'https://aiguillage.example/problems/subject-erased',
        erasedAt: erasure?.occurredAt,
      });
      expect(again.body.detail).toMatch(/already erased on .*nothing left to erase/);
      expect(await allEvents()).toHaveLength(eventsAfter.length);
    });

    it('deletes what became of the courses proposed to the person, and leaves their outcome unreadable in the log', async () => {
      expect(await t.container.db('course_outcomes').where({ seeker_id: SEEKER })).toEqual([]);
      const subject = t.container.decisionLog.pseudonymiser.pseudonymise(SEEKER);
      const recorded = eventsAfter.filter(
        (event) => event.type === 'outcome.recorded' && event.subject === subject,
      );
      expect(recorded).toHaveLength(1);
      expect(await openPersonal(recorded[0] as RecordedDecisionEvent)).toEqual({ status: 'shredded' });
    });

    it('keeps the reference of the request it answered in subject.erased, and the chain still verifies', async () => {
      expect(eventsAfter.at(-1)).toMatchObject({
        type: 'subject.erased',
        payload: { erasureRequest: ERASURE_REQUEST },
      });
      expect(await t.container.decisionLog.decisionLog.verifyRange()).toMatchObject({ ok: true });
    });

    it('appends subject.erased with what was erased, and the chain still verifies', async () => {
      const erased = eventsAfter.at(-1);
      expect(erased).toMatchObject({
        type: 'subject.erased',
        actor: { role: 'admin', pseudonym: t.container.decisionLog.pseudonymiser.pseudonymise('ops-1') },
        subject: t.container.decisionLog.pseudonymiser.pseudonymise(SEEKER),
        personal: null,
        payload: {
          erased: {
            profiles: 1,
            recommendationSets: 1,
            recommendationItems: 3,
            feedback: 1,
            outcomes: 1,
            idempotencyKeys: 1,
          },
          subjectKeyShredded: true,
        },
      });
      expect(eventsAfter.slice(0, eventsBefore.length)).toEqual(eventsBefore);
      expect(await t.container.decisionLog.decisionLog.verifyRange()).toMatchObject({
        ok: true,
        checked: eventsAfter.length,
      });
    });

    it("makes every personal part of the person's events unreadable, and only theirs", async () => {
      const subject = t.container.decisionLog.pseudonymiser.pseudonymise(SEEKER);
      const theirs = eventsAfter.filter((event) => event.subject === subject && event.personal !== null);
      expect(theirs.length).toBeGreaterThanOrEqual(4);
      for (const event of theirs) expect(await openPersonal(event)).toEqual({ status: 'shredded' });
      const others = eventsAfter.filter((event) => event.subject !== subject && event.personal !== null);
      expect(others.length).toBeGreaterThan(0);
      for (const event of others) expect(await openPersonal(event)).toMatchObject({ status: 'readable' });
    });

    it('replays nothing of the person: their answer, explanation and export, or the creation retried with its key, are not found', async () => {
      const asked = [
        await t.http
          .post(`/v1/me/recommendations/${feedbackItemId}/feedback`)
          .auth(seekerToken, { type: 'bearer' })
          .send({ response: 'interested', comment: `Merci (${CANARY})` }),
        await t.http
          .get(`/v1/me/recommendations/${feedbackItemId}/explanation`)
          .auth(seekerToken, { type: 'bearer' }),
        await t.http.get('/v1/me/data').auth(seekerToken, { type: 'bearer' }),
        // The key went with the person: the retry is a new request, for someone no longer known.
        await requestSet(t, counselor, SEEKER, { idempotencyKey: seekerKey, limit: 3 }),
      ];
      for (const res of asked) {
        expect(res.status).toBe(404);
        expect(res.headers['idempotent-replayed']).toBeUndefined();
        expect(JSON.stringify(res.body)).not.toContain(CANARY);
      }
      expect(await t.container.db('idempotency_keys').where({ key: seekerKey })).toEqual([]);
      expect(await t.container.db('recommendation_sets').where({ seeker_id: SEEKER })).toEqual([]);
    });

    it("keeps another person's suggestions and their Idempotency-Key answer", async () => {
      const set = await t.http.get(`/v1/recommendations/${otherSetId}`).auth(counselor, { type: 'bearer' });
      expect(set.status).toBe(200);
      const replay = await requestSet(t, counselor, OTHER_SEEKER, { idempotencyKey: otherKey });
      expect(replay.status).toBe(201);
      expect(replay.body.id).toBe(otherSetId);
    });

    it.skipIf(TEST_ENGINE !== 'postgres')('vacuums the tables it deleted from on PostgreSQL', async () => {
      const rows = await t.container
        .db('pg_stat_user_tables')
        .select('relname')
        .whereIn('relname', [
          'job_seekers',
          'recommendation_items',
          'feedback',
          'course_outcomes',
          'subject_keys',
        ])
        .whereNotNull('last_vacuum');
      expect(rows.map((row) => row.relname).sort()).toEqual([
        'course_outcomes',
        'feedback',
        'job_seekers',
        'recommendation_items',
        'subject_keys',
      ]);
    });

    it.skipIf(TEST_ENGINE !== 'sqlite')(
      'leaves neither the canary nor the id in the SQLite file or its write-ahead log',
      async () => {
        expect(sqliteFiles()).toContain(path.join(t.config.dataDir, 'aiguillage.sqlite'));
        expect(filesHolding(CANARY)).toEqual([]);
        expect(filesHolding(SEEKER)).toEqual([]);
      },
    );
  });
});

describe.skipIf(TEST_ENGINE !== 'sqlite')('the SQLite files after an erasure and a restart', () => {
  it('hold no trace of the canary once the database is closed', async () => {
    const t = await startTestApp();
    const admin = await t.tokenFor('admin', 'ops-1');
    const counselor = await t.tokenFor('counselor', 'c-001');
    try {
      await seedCatalogAndSeeker(t, SEEKER, aWorkflowSeeker({ skills: [CANARY] }));
      const { set } = await createSet(t, counselor, SEEKER, { limit: 2 });
      const { etag } = await readSet(t, counselor, set.id);
      const firstItem = set.items[0]?.itemId ?? '';
      const rejected = await decide(t, counselor, set.id, firstItem, etag, {
        decision: 'reject',
        reasonCode: 'other',
        comment: CANARY,
      });
      expect(rejected.status).toBe(200);
      expect((await eraseJobSeeker(t, admin, SEEKER)).status).toBe(204);
    } finally {
      await t.container.close();
    }
    const base = path.join(t.config.dataDir, 'aiguillage.sqlite');
    for (const file of [base, `${base}-wal`, `${base}-shm`].filter((f) => fs.existsSync(f))) {
      expect(fs.readFileSync(file).includes(Buffer.from(CANARY, 'utf8')), file).toBe(false);
    }
    await t.database.drop();
  });
});

describe('erasing a job seeker whose published set was retracted', () => {
  it('scrubs the retraction reason from the database and leaves it unreadable in the log', async () => {
    const t = await startTestApp();
    try {
      const admin = await t.tokenFor('admin', 'ops-1');
      const counselor = await t.tokenFor('counselor', 'c-001');
      const seekerId = `js-retracted-${crypto.randomBytes(4).toString('hex')}`;
      const reason = `Retirée : ${CANARY}`;
      await seedCatalogAndSeeker(t, seekerId);
      const published = await createAndPublish(t, counselor, seekerId, { approve: 1 });
      const { etag } = await readSet(t, counselor, published.id);
      expect((await act(t, counselor, published.id, 'retract', etag, { reason })).status).toBe(200);
      const withReason = () =>
        t.container.db('recommendation_sets').whereRaw('retraction_reason like ?', [`%${CANARY}%`]);
      expect(await withReason()).toHaveLength(1);

      const erased = await eraseJobSeeker(t, admin, seekerId);
      expect(erased.status).toBe(204);
      expect(await withReason()).toEqual([]);
      const { decisionLog, subjectKeyring } = t.container.decisionLog;
      const [retracted] = (
        await decisionLog.listEvents({ types: ['recommendation.retracted'], limit: 1000 })
      ).filter((event) => event.payload.setId === published.id);
      expect(retracted?.personal).toMatch(/^p1\./);
      expect(await subjectKeyring.decryptPersonal(String(retracted?.personal))).toEqual({
        status: 'shredded',
      });
      if (TEST_ENGINE === 'sqlite') {
        const base = path.join(t.config.dataDir, 'aiguillage.sqlite');
        for (const file of [base, `${base}-wal`].filter((f) => fs.existsSync(f))) {
          expect(fs.readFileSync(file).includes(Buffer.from(CANARY, 'utf8')), file).toBe(false);
        }
      }
    } finally {
      await t.close();
    }
  });
});
