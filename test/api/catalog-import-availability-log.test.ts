import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CourseInput } from '../../src/courses/course.ts';
import { aCourse } from '../support/builders.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

describe('the courses an import made available or unavailable, in the decision log', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.tokenFor('admin', 'ops-1');
  });
  afterAll(() => t.close());

  const importCourses = (courses: Array<{ id: string } & CourseInput>) =>
    t.http
      .post('/v1/courses/import')
      .auth(admin, { type: 'bearer' })
      .set('Content-Type', 'application/x-ndjson')
      .send(courses.map((course) => JSON.stringify(course)).join('\n'));

  /** Imports `before`, then `after`, and returns the payload of the second import's event. */
  async function payloadOfImport(
    before: Array<{ id: string } & CourseInput>,
    after: Array<{ id: string } & CourseInput>,
  ): Promise<Record<string, unknown> | undefined> {
    const { decisionLog } = t.container.decisionLog;
    if (before.length > 0) expect((await importCourses(before)).status).toBe(200);
    const head = await decisionLog.readHead();
    expect((await importCourses(after)).status).toBe(200);
    const events = await decisionLog.listEvents({ afterSeq: head.seq });
    expect(events.map((event) => event.type)).toEqual(['catalog.imported']);
    return events[0]?.payload;
  }

  it('names a course the import withdrew, active from true to false', async () => {
    const payload = await payloadOfImport(
      [{ id: 'OUT-1', ...aCourse() }],
      [{ id: 'OUT-1', ...aCourse({ active: false }) }],
    );
    expect(payload).toEqual({
      imported: 1,
      created: 0,
      updated: 1,
      rateChanges: [],
      availabilityChanges: [{ field: 'active', from: true, to: false, courseIds: ['OUT-1'] }],
    });
  });

  it('names a course the import reactivated, active from false to true', async () => {
    const payload = await payloadOfImport(
      [{ id: 'BACK-1', ...aCourse({ active: false }) }],
      [{ id: 'BACK-1', ...aCourse() }],
    );
    expect(payload?.availabilityChanges).toEqual([
      { field: 'active', from: false, to: true, courseIds: ['BACK-1'] },
    ]);
  });

  it('names a course whose session the import cancelled, and one it gave a session', async () => {
    const payload = await payloadOfImport(
      [
        { id: 'CANC-1', ...aCourse({ nextSessionStart: '2027-01-11' }) },
        { id: 'SET-1', ...aCourse({ nextSessionStart: null }) },
      ],
      [
        { id: 'CANC-1', ...aCourse({ nextSessionStart: null }) },
        { id: 'SET-1', ...aCourse({ nextSessionStart: '2027-02-01' }) },
      ],
    );
    expect(payload?.availabilityChanges).toEqual([
      { field: 'nextSessionStart', from: '2027-01-11', to: null, courseIds: ['CANC-1'] },
      { field: 'nextSessionStart', from: null, to: '2027-02-01', courseIds: ['SET-1'] },
    ]);
  });

  it('names the courses whose session the import moved, those moved alike under one change', async () => {
    const payload = await payloadOfImport(
      [
        { id: 'MOVE-1', ...aCourse({ nextSessionStart: '2027-01-11' }) },
        { id: 'MOVE-2', ...aCourse({ nextSessionStart: '2027-03-01' }) },
        { id: 'MOVE-3', ...aCourse({ nextSessionStart: '2027-01-11' }) },
      ],
      [
        { id: 'MOVE-1', ...aCourse({ nextSessionStart: '2027-01-18' }) },
        { id: 'MOVE-2', ...aCourse({ nextSessionStart: '2027-04-05', active: false }) },
        { id: 'MOVE-3', ...aCourse({ nextSessionStart: '2027-01-18' }) },
      ],
    );
    expect(payload?.availabilityChanges).toEqual([
      { field: 'nextSessionStart', from: '2027-01-11', to: '2027-01-18', courseIds: ['MOVE-1', 'MOVE-3'] },
      { field: 'nextSessionStart', from: '2027-03-01', to: '2027-04-05', courseIds: ['MOVE-2'] },
      { field: 'active', from: true, to: false, courseIds: ['MOVE-2'] },
    ]);
  });

  it('does not list the courses the import created, only counts them', async () => {
    const payload = await payloadOfImport(
      [],
      [
        { id: 'NEW-1', ...aCourse({ active: false, nextSessionStart: null }) },
        { id: 'NEW-2', ...aCourse() },
      ],
    );
    expect(payload).toEqual({
      imported: 2,
      created: 2,
      updated: 0,
      rateChanges: [],
      availabilityChanges: [],
    });
  });

  it('does not list changes of the other fields, counted as updated', async () => {
    const payload = await payloadOfImport(
      [{ id: 'OTHER-1', ...aCourse() }],
      [
        {
          id: 'OTHER-1',
          ...aCourse({ title: 'Un autre titre', durationHours: 900, location: { lat: 48.85, lon: 2.35 } }),
        },
      ],
    );
    expect(payload).toEqual({
      imported: 1,
      created: 0,
      updated: 1,
      rateChanges: [],
      availabilityChanges: [],
    });
  });

  it('logs nothing and withdraws nothing when the import is rolled back after its event', async () => {
    const { decisionLog } = t.container.decisionLog;
    expect((await importCourses([{ id: 'ROLL-1', ...aCourse() }])).status).toBe(200);
    const head = await decisionLog.readHead();
    // The connection fails once the import's event is written, before its transaction commits.
    const log = t.container.decisionLog.decisionLog;
    const withTransaction = log.withTransaction.bind(log);
    log.withTransaction = (work) =>
      withTransaction(async (trx: Knex.Transaction) => {
        await work(trx);
        throw new Error('the connection was cut before the commit');
      });
    try {
      const res = await importCourses([{ id: 'ROLL-1', ...aCourse({ active: false }) }]);
      expect(res.status).toBe(500);
    } finally {
      log.withTransaction = withTransaction;
    }

    expect((await decisionLog.readHead()).seq).toBe(head.seq);
    const course = await t.http.get('/v1/courses/ROLL-1').auth(admin, { type: 'bearer' });
    expect(course.body.active).toBe(true);
  });
});
