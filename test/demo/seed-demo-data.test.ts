import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import supertest from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { mintLocalToken } from '../../src/auth/mint-token.ts';
import type { Principal } from '../../src/auth/principal.ts';
import { loadConfig } from '../../src/config.ts';
import { type Container, createContainer } from '../../src/container.ts';
import { KnexCourseStore } from '../../src/courses/knex-course-store.ts';
import { canonicalJson } from '../../src/decision-log/canonical-json.ts';
import type { DecisionEventType } from '../../src/decision-log/decision-event.ts';
import { DEMO_JOB_SEEKER_IDS } from '../../src/demo/demo-job-seekers.ts';
import { DEMO_OCCUPATIONS } from '../../src/demo/demo-occupations.ts';
import { DEMO_COURSE_COUNT, generateDemoData } from '../../src/demo/generate-demo-data.ts';
import {
  DEMO_WRITER,
  type DemoDataTarget,
  seedDemoData,
  writeDemoData,
} from '../../src/demo/seed-demo-data.ts';
import { KnexJobSeekerStore } from '../../src/job-seekers/knex-job-seeker-store.ts';
import { startServing } from '../../src/operations/start-serving.ts';
import { aCourse, aJobSeeker } from '../support/builders.ts';
import { captureLogs } from '../support/captured-logs.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { aClock, eraseJobSeeker, type TestClock } from '../support/workflow.ts';

const firstStart = new Date('2027-02-01T08:00:00.000Z');
const ADMIN: Principal = { subject: 'ops-1', roles: ['admin'] };

/** SHA-256 of the labels' canonical JSON, ordered by code: how an auditor checks a copy of the list. */
function hashLabels(labels: readonly { code: string; label: string }[]): string {
  return createHash('sha256').update(canonicalJson(labels), 'utf8').digest('hex');
}
const secondStart = new Date('2027-02-15T08:00:00.000Z');

async function countRows(db: Knex, table: string): Promise<number> {
  const [row] = await db(table).count({ n: '*' });
  return Number(row?.n ?? 0);
}

describe('seeding the demo through the services', () => {
  let t: TestApp;
  let db: Knex;
  let clock: TestClock;
  let target: DemoDataTarget;
  let stores: { courses: KnexCourseStore; jobSeekers: KnexJobSeekerStore };

  beforeEach(async () => {
    clock = aClock(firstStart);
    t = await startTestApp({ now: clock.now });
    db = t.container.db;
    stores = { courses: new KnexCourseStore(db), jobSeekers: new KnexJobSeekerStore(db) };
    target = { stores, services: t.container.services };
  });

  afterEach(() => t.close());

  const eventsOfType = async (type: DecisionEventType) =>
    t.container.decisionLog.decisionLog.listEvents({ types: [type], limit: 1000 });

  it('fills an empty database with the whole demo, as generated', async () => {
    const summary = await seedDemoData(target, firstStart);
    expect(summary).toEqual({
      occupationLabels: { added: DEMO_OCCUPATIONS.length },
      courses: { created: DEMO_COURSE_COUNT, updated: 0 },
      jobSeekers: { created: DEMO_JOB_SEEKER_IDS.length, updated: 0, leftErased: 0 },
    });
    expect(await countRows(db, 'courses')).toBe(DEMO_COURSE_COUNT);
    expect(await countRows(db, 'job_seekers')).toBe(DEMO_JOB_SEEKER_IDS.length);

    const expected = generateDemoData({ referenceDate: firstStart });
    const lastCourse = expected.courses.at(-1);
    expect(await stores.courses.findById(lastCourse?.id ?? '')).toMatchObject({ ...lastCourse });
    const aSeeker = expected.jobSeekers[0];
    expect(await stores.jobSeekers.findById(aSeeker?.id ?? '')).toMatchObject({
      ...aSeeker?.input,
      aiObjection: false,
    });
  });

  it('logs the demo as any data: one catalog import, one sync per job seeker, and the chain verifies', async () => {
    await seedDemoData(target, firstStart);
    const imports = await eventsOfType('catalog.imported');
    expect(imports.map((event) => [event.actor.role, event.payload])).toEqual([
      [
        'admin',
        {
          imported: DEMO_COURSE_COUNT,
          created: DEMO_COURSE_COUNT,
          updated: 0,
          rateChanges: [],
          availabilityChanges: [],
        },
      ],
    ]);
    const syncs = await eventsOfType('job_seeker.upserted');
    const { pseudonymiser } = t.container.decisionLog;
    expect(syncs.map((event) => event.subject).sort()).toEqual(
      DEMO_JOB_SEEKER_IDS.map((id) => pseudonymiser.pseudonymise(id)).sort(),
    );
    for (const event of [...imports, ...syncs]) {
      expect(event.actor.pseudonym).toBe(pseudonymiser.pseudonymise(DEMO_WRITER.subject));
    }
    expect((await t.container.decisionLog.decisionLog.verifyRange()).ok).toBe(true);
  });

  it('logs the occupation labels it adds as one load of the referential, by the demo writer', async () => {
    await seedDemoData(target, firstStart);

    const loads = await eventsOfType('occupation_labels.loaded');
    expect(loads.map((event) => [event.actor, event.subject, event.payload])).toEqual([
      [
        { role: 'admin', pseudonym: t.container.decisionLog.pseudonymiser.pseudonymise(DEMO_WRITER.subject) },
        null,
        {
          loaded: DEMO_OCCUPATIONS.length,
          added: DEMO_OCCUPATIONS.length,
          removed: 0,
          renamed: 0,
          sha256: hashLabels(await t.container.services.occupationLabels.listLabels()),
        },
      ],
    ]);
    expect((await t.container.decisionLog.decisionLog.verifyRange()).ok).toBe(true);
  });

  it('leaves a database that already holds the demo as it is', async () => {
    await seedDemoData(target, firstStart);
    clock.advance(secondStart.getTime() - firstStart.getTime());
    const head = await t.container.decisionLog.decisionLog.readHead();
    expect(await seedDemoData(target, secondStart)).toBeUndefined();
    expect(await countRows(db, 'courses')).toBe(DEMO_COURSE_COUNT);
    expect(await countRows(db, 'job_seekers')).toBe(DEMO_JOB_SEEKER_IDS.length);
    expect((await stores.courses.findById('demo-0001'))?.updatedAt).toBe(firstStart.toISOString());
    expect(await t.container.decisionLog.decisionLog.readHead()).toEqual(head);
  });

  it('writes the whole demo on the next start when the first was interrupted among the profiles', async () => {
    let synced = 0;
    const interrupted: DemoDataTarget = {
      stores,
      services: {
        courses: t.container.services.courses,
        occupationLabels: t.container.services.occupationLabels,
        jobSeekers: {
          upsertJobSeeker: async (...args) => {
            if (synced === 4) throw new Error('database is locked');
            synced += 1;
            return t.container.services.jobSeekers.upsertJobSeeker(...args);
          },
        },
      },
    };
    await expect(seedDemoData(interrupted, firstStart)).rejects.toThrow('database is locked');

    expect(await seedDemoData(target, firstStart)).toEqual({
      occupationLabels: { added: 0 },
      courses: { created: DEMO_COURSE_COUNT, updated: 0 },
      jobSeekers: { created: DEMO_JOB_SEEKER_IDS.length - 4, updated: 4, leftErased: 0 },
    });
    expect(await countRows(db, 'job_seekers')).toBe(DEMO_JOB_SEEKER_IDS.length);
    expect(await countRows(db, 'courses')).toBe(DEMO_COURSE_COUNT);
  });

  it('adds nothing to a database that holds a real catalog', async () => {
    await stores.courses.upsert({ id: 'FOR-0001', ...aCourse() }, firstStart);
    expect(await seedDemoData(target, firstStart)).toBeUndefined();
    expect(await countRows(db, 'courses')).toBe(1);
    expect(await countRows(db, 'job_seekers')).toBe(0);
  });

  it('rewrites the demo rows in place on request, dated anew, and leaves other rows alone', async () => {
    await seedDemoData(target, firstStart);
    await stores.courses.upsert(
      { id: 'demo-0002', ...aCourse({ title: 'Changed during a demo' }) },
      firstStart,
    );
    await stores.courses.upsert({ id: 'FOR-0001', ...aCourse() }, firstStart);
    await stores.jobSeekers.upsert('js-9', aJobSeeker(), firstStart);

    clock.advance(secondStart.getTime() - firstStart.getTime());
    const summary = await writeDemoData(t.container.services, secondStart);

    expect(summary).toEqual({
      occupationLabels: { added: 0 },
      courses: { created: 0, updated: DEMO_COURSE_COUNT },
      jobSeekers: { created: 0, updated: DEMO_JOB_SEEKER_IDS.length, leftErased: 0 },
    });
    const regenerated = generateDemoData({ referenceDate: secondStart }).courses[1];
    expect(await stores.courses.findById('demo-0002')).toMatchObject({ ...regenerated });
    expect((await stores.courses.findById('demo-0002'))?.updatedAt).toBe(secondStart.toISOString());
    expect(await stores.courses.findById('FOR-0001')).toMatchObject({ title: aCourse().title });
    expect(await stores.jobSeekers.findById('js-9')).toBeDefined();
    expect(await countRows(db, 'courses')).toBe(DEMO_COURSE_COUNT + 1);
    expect(await countRows(db, 'job_seekers')).toBe(DEMO_JOB_SEEKER_IDS.length + 1);
    expect(await eventsOfType('catalog.imported')).toHaveLength(2);
    // Its labels were there already: the referential is left alone, and no load logged.
    expect(await eventsOfType('occupation_labels.loaded')).toHaveLength(1);
  });

  it('labels every occupation a demo job seeker aims at', async () => {
    await seedDemoData(target, firstStart);
    const labelled = new Set(
      (await t.container.services.occupationLabels.listLabels()).map(({ code }) => code),
    );
    const aimedAt = generateDemoData({ referenceDate: firstStart }).jobSeekers.flatMap(
      ({ input }) => input.targetOccupations,
    );
    expect(aimedAt.filter((code) => !labelled.has(code))).toEqual([]);
  });

  it('keeps the labels an admin loaded and adds only the demo occupations they lack, logging what it added', async () => {
    const [first, ...others] = DEMO_OCCUPATIONS;
    await t.container.services.occupationLabels.replaceLabels(ADMIN, [
      { code: first?.romeCode ?? '', label: 'Libellé chargé par un admin' },
      { code: 'N9999', label: 'Un métier hors de la démo' },
    ]);

    const summary = await writeDemoData(t.container.services, firstStart);

    expect(summary.occupationLabels).toEqual({ added: others.length });
    const loaded = await t.container.services.occupationLabels.listLabels();
    const labels = new Map(loaded.map(({ code, label }) => [code, label]));
    expect(labels.get(first?.romeCode ?? '')).toBe('Libellé chargé par un admin');
    expect(labels.get('N9999')).toBe('Un métier hors de la démo');
    expect(labels.size).toBe(DEMO_OCCUPATIONS.length + 1);
    expect((await eventsOfType('occupation_labels.loaded')).at(-1)?.payload).toEqual({
      loaded: DEMO_OCCUPATIONS.length + 1,
      added: others.length,
      removed: 0,
      renamed: 0,
      sha256: hashLabels(loaded),
    });
  });

  it('keeps an admin’s load made while it adds its labels, never putting back the referential it found', async () => {
    const [first] = DEMO_OCCUPATIONS;
    const adminLoad = [
      { code: first?.romeCode ?? '', label: 'Libellé chargé par un admin' },
      { code: 'N9999', label: 'Un métier hors de la démo' },
    ];

    const [summary] = await Promise.all([
      writeDemoData(t.container.services, firstStart),
      t.container.services.occupationLabels.replaceLabels(ADMIN, adminLoad),
    ]);

    const labels = await t.container.services.occupationLabels.listLabels();
    for (const label of adminLoad) expect(labels).toContainEqual(label);
    // What the demo says it added is what its own load logged, and the list is the last load's.
    const loads = await eventsOfType('occupation_labels.loaded');
    const demoWriter = t.container.decisionLog.pseudonymiser.pseudonymise(DEMO_WRITER.subject);
    const byDemo = loads.filter((event) => event.actor.pseudonym === demoWriter);
    expect(byDemo.map((event) => event.payload.added)).toEqual([summary.occupationLabels.added]);
    expect(loads.at(-1)?.payload.sha256).toBe(hashLabels(labels));
  });

  it('leaves a demo job seeker an admin erased erased when written again, unless asked to enrol them again', async () => {
    await seedDemoData(target, firstStart);
    const admin = await t.tokenFor('admin', 'ops-1');
    const erased = await eraseJobSeeker(t, admin, 'js-1001');
    expect(erased.status).toBe(204);

    expect((await writeDemoData(t.container.services, secondStart)).jobSeekers).toEqual({
      created: 0,
      updated: DEMO_JOB_SEEKER_IDS.length - 1,
      leftErased: 1,
    });
    expect(await stores.jobSeekers.findById('js-1001')).toBeUndefined();

    const again = await writeDemoData(t.container.services, secondStart, { reEnrol: true });
    expect(again.jobSeekers).toMatchObject({ created: 1, leftErased: 0 });
    expect(await stores.jobSeekers.findById('js-1001')).toBeDefined();
    const returned = (await eventsOfType('job_seeker.upserted')).filter(
      (event) => event.payload.reEnrolledAfterErasure === true,
    );
    expect(returned.map((event) => event.subject)).toEqual([
      t.container.decisionLog.pseudonymiser.pseudonymise('js-1001'),
    ]);
  });
});

describe('the demo on start', () => {
  let database: TestDatabase;

  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(() => database.drop());

  function demoConfig() {
    return loadConfig({
      NODE_ENV: 'test',
      DATA_DIR: database.dataDir,
      ...(database.databaseUrl === undefined ? {} : { DATABASE_URL: database.databaseUrl }),
      SEED_DEMO: 'true',
      PORT: '0',
    });
  }

  /** A start as `npm start` makes it, on a port the system picks; the server closed and the container kept. */
  async function startOnce(container: Container): Promise<void> {
    const server = await startServing(container, createApp(container));
    await new Promise((resolve) => server.close(resolve));
  }

  it('is written on the first start, and a second start duplicates nothing', async () => {
    const first = await createContainer(demoConfig(), { now: () => firstStart });
    try {
      expect(await countRows(first.db, 'courses'), 'nothing is written before the start').toBe(0);
      await startOnce(first);
      const token = await mintLocalToken(first.config.auth, first.localKeys ?? assertKeys(), {
        subject: 'c-001',
        roles: ['counselor'],
      });
      const res = await supertest(createApp(first))
        .get('/v1/job-seekers/js-1001')
        .auth(token, { type: 'bearer' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: 'js-1001', counselorId: 'c-001' });
    } finally {
      await first.close();
    }

    const second = await createContainer(demoConfig(), { now: () => secondStart });
    try {
      await startOnce(second);
      expect(await countRows(second.db, 'courses')).toBe(DEMO_COURSE_COUNT);
      expect(await countRows(second.db, 'job_seekers')).toBe(DEMO_JOB_SEEKER_IDS.length);
      const [row] = await second.db('courses').where({ id: 'demo-0001' }).select('updated_at');
      expect(row?.updated_at).toBe(firstStart.toISOString());
    } finally {
      await second.close();
    }
  });

  it('logs the start first, then the demo it wrote, all before the server listens', async () => {
    const container = await createContainer(demoConfig(), { now: () => firstStart });
    try {
      const server = await startServing(container, createApp(container));
      // Read as soon as it listens: the demo was written whole before.
      const events = await container.decisionLog.decisionLog.listEvents({ limit: 1000 });
      const courses = await countRows(container.db, 'courses');
      await new Promise((resolve) => server.close(resolve));
      expect(courses).toBe(DEMO_COURSE_COUNT);
      // The shipped model is registered and activated as the container is built, before any start.
      const types = events.map((event) => event.type).filter((type) => !type.startsWith('model.'));
      expect(types).toEqual([
        'service.started',
        'occupation_labels.loaded',
        ...DEMO_JOB_SEEKER_IDS.map(() => 'job_seeker.upserted'),
        'catalog.imported',
      ]);
    } finally {
      await container.close();
    }
  });

  it('is written once when two processes seed the same empty database at the same time', async () => {
    const [firstLogs, secondLogs] = [captureLogs(), captureLogs()];
    const first = await createContainer(demoConfig(), { now: () => firstStart, logger: firstLogs.logger });
    const second = await createContainer(demoConfig(), { now: () => firstStart, logger: secondLogs.logger });
    try {
      const seeded = await Promise.all([first.seedDemoData(), second.seedDemoData()]);

      expect(seeded.filter((summary) => summary !== undefined)).toHaveLength(1);
      expect(await countRows(first.db, 'courses')).toBe(DEMO_COURSE_COUNT);
      expect(await countRows(first.db, 'job_seekers')).toBe(DEMO_JOB_SEEKER_IDS.length);
      const events = await first.decisionLog.decisionLog.listEvents({
        types: ['catalog.imported', 'job_seeker.upserted'],
        limit: 1000,
      });
      expect(events.filter((event) => event.type === 'catalog.imported')).toHaveLength(1);
      expect(events.filter((event) => event.type === 'job_seeker.upserted')).toHaveLength(
        DEMO_JOB_SEEKER_IDS.length,
      );
      const said = [firstLogs, secondLogs].map((captured) => ({
        written: captured.find('info', /demo catalog and caseloads written/).length,
        alreadyThere: captured.find('info', /demo data already there/).length,
      }));
      expect(said).toContainEqual({ written: 1, alreadyThere: 0 });
      expect(said).toContainEqual({ written: 0, alreadyThere: 1 });
    } finally {
      await second.close();
      await first.close();
    }
  });

  it('is not written when SEED_DEMO is false', async () => {
    const container = await createContainer({ ...demoConfig(), seedDemo: false });
    try {
      await startOnce(container);
      expect(await countRows(container.db, 'courses')).toBe(0);
      expect(await countRows(container.db, 'job_seekers')).toBe(0);
    } finally {
      await container.close();
    }
  });
});

function assertKeys(): never {
  throw new Error('the demo container has no local keys');
}
