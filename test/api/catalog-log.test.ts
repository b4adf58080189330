import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aCourse } from '../support/builders.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

describe('catalog changes in the decision log', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.tokenFor('admin', 'ops-1');
  });
  afterAll(() => t.close());

  it('logs one course upsert, then an import, each with the admin as actor', async () => {
    const { decisionLog, pseudonymiser } = t.container.decisionLog;
    const head = await decisionLog.readHead();
    await t.http.put('/v1/courses/LOG-1').auth(admin, { type: 'bearer' }).send(aCourse());
    const lines = ['LOG-2', 'LOG-1'].map((id) => JSON.stringify({ id, ...aCourse() })).join('\n');
    const imported = await t.http
      .post('/v1/courses/import')
      .auth(admin, { type: 'bearer' })
      .set('Content-Type', 'application/x-ndjson')
      .send(lines);
    expect(imported.status).toBe(200);
    const events = await decisionLog.listEvents({ afterSeq: head.seq });
    expect(events.map((event) => [event.type, event.payload])).toEqual([
      ['course.upserted', { courseId: 'LOG-1', created: true, active: true }],
      ['catalog.imported', { imported: 2, created: 1, updated: 1, rateChanges: [], availabilityChanges: [] }],
    ]);
    expect(events.map((event) => event.actor)).toEqual([
      { role: 'admin', pseudonym: pseudonymiser.pseudonymise('ops-1') },
      { role: 'admin', pseudonym: pseudonymiser.pseudonymise('ops-1') },
    ]);
  });

  it('logs the fields a course replacement changed, with their values before and after', async () => {
    const { decisionLog } = t.container.decisionLog;
    await t.http.put('/v1/courses/LOG-RATE').auth(admin, { type: 'bearer' }).send(aCourse());
    const head = await decisionLog.readHead();
    const raised = { ...aCourse(), returnToEmploymentRate: 0.97, durationHours: 120 };
    const res = await t.http.put('/v1/courses/LOG-RATE').auth(admin, { type: 'bearer' }).send(raised);
    expect(res.status).toBe(200);
    const again = await t.http.put('/v1/courses/LOG-RATE').auth(admin, { type: 'bearer' }).send(raised);
    expect(again.status).toBe(200);

    const events = await decisionLog.listEvents({ afterSeq: head.seq });
    expect(events.map((event) => event.payload)).toEqual([
      {
        courseId: 'LOG-RATE',
        created: false,
        active: true,
        changes: [
          { field: 'durationHours', from: aCourse().durationHours, to: 120 },
          { field: 'returnToEmploymentRate', from: aCourse().returnToEmploymentRate, to: 0.97 },
        ],
      },
      { courseId: 'LOG-RATE', created: false, active: true, changes: [] },
    ]);
  });

  it('logs each return-to-employment rate an import changed, before and after', async () => {
    const { decisionLog } = t.container.decisionLog;
    const importLines = (lines: object[]) =>
      t.http
        .post('/v1/courses/import')
        .auth(admin, { type: 'bearer' })
        .set('Content-Type', 'application/x-ndjson')
        .send(lines.map((line) => JSON.stringify(line)).join('\n'));
    expect(
      (
        await importLines([
          { id: 'RATE-1', ...aCourse() },
          { id: 'RATE-2', ...aCourse() },
        ])
      ).status,
    ).toBe(200);
    const head = await decisionLog.readHead();

    const res = await importLines([
      { id: 'RATE-1', ...aCourse(), returnToEmploymentRate: 0.99 },
      { id: 'RATE-2', ...aCourse(), title: 'Un autre titre' },
      { id: 'RATE-3', ...aCourse(), returnToEmploymentRate: 0.5 },
    ]);

    expect(res.status).toBe(200);
    const [event] = await decisionLog.listEvents({ afterSeq: head.seq });
    expect(event?.payload).toEqual({
      imported: 3,
      created: 1,
      updated: 2,
      rateChanges: [{ courseId: 'RATE-1', from: aCourse().returnToEmploymentRate, to: 0.99 }],
      availabilityChanges: [],
    });
  });

  it('logs nothing for an import that writes nothing', async () => {
    const { decisionLog } = t.container.decisionLog;
    const head = await decisionLog.readHead();
    const res = await t.http
      .post('/v1/courses/import')
      .auth(admin, { type: 'bearer' })
      .set('Content-Type', 'application/x-ndjson')
      .send(`${JSON.stringify({ id: 'LOG-3', ...aCourse() })}\n{"id":"LOG-4"}`);
    expect(res.status).toBe(422);
    expect((await decisionLog.readHead()).seq).toBe(head.seq);
  });
});
