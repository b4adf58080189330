import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { TEST_ENGINE } from '../support/test-database.ts';
import {
  aClock,
  createAndPublish,
  readSet,
  type SetBody,
  seedCatalogAndSeeker,
} from '../support/workflow.ts';

const SEEKER = 'js-outcome-gone';
const DAY = 86_400_000;

/**
 * An objection deletes what became of the courses proposed to the person (record 0019; the notice,
 * section 4: « votre opposition supprime les informations transmises conservées dans l'outil »), an
 * erasure under GDPR Art. 17(1)(c); a retraction, by the counselor or by a model's recall, deletes
 * the outcomes of the set's courses. The erasure clears the deleted rows from the database files
 * (record 0006): these deletions do the same. On SQLite the write-ahead log kept the frames that
 * held the outcome; on PostgreSQL the table is vacuumed and analyzed.
 */
const DELETIONS: Array<{
  name: string;
  observedAt: string;
  remove: (t: TestApp, set: SetBody) => Promise<void>;
}> = [
  {
    name: 'an objection',
    // A day only this outcome holds, after the publication.
    observedAt: '2027-07-19',
    remove: async (t) => {
      const objection = await t.http
        .post('/v1/me/objection')
        .auth(await t.tokenFor('job_seeker', SEEKER), { type: 'bearer' })
        .send({});
      expect(objection.status).toBe(200);
    },
  },
  {
    name: 'a retraction',
    observedAt: '2027-08-21',
    remove: async (t, set) => {
      const counselor = await t.tokenFor('counselor', 'c-001');
      const { etag } = await readSet(t, counselor, set.id);
      const retracted = await t.http
        .post(`/v1/recommendations/${set.id}/retract`)
        .auth(counselor, { type: 'bearer' })
        .set('If-Match', etag)
        .send({ reason: 'Proposition faite par erreur' });
      expect(retracted.status, JSON.stringify(retracted.body)).toBe(200);
    },
  },
  {
    name: 'the recall of the model that made the set',
    observedAt: '2027-09-23',
    remove: async (t, set) => {
      const recalled = await t.http
        .post(`/v1/models/${set.model?.id}/recall`)
        .auth(await t.tokenFor('admin', 'ops-1'), { type: 'bearer' })
        .send({ reason: 'Écart de calibration constaté à la revue' });
      expect(recalled.status, JSON.stringify(recalled.body)).toBe(200);
      expect(recalled.body.retractedSetIds).toEqual([set.id]);
    },
  },
];

describe.each(DELETIONS)('the database files after $name deleted the person’s outcomes', (deletion) => {
  let t: TestApp;
  let outcomeId: string;

  const filesHolding = (value: string) => {
    const base = path.join(t.config.dataDir, 'aiguillage.sqlite');
    return [base, `${base}-wal`]
      .filter((file) => fs.existsSync(file))
      .filter((file) => fs.readFileSync(file).includes(Buffer.from(value, 'utf8')))
      .map((file) => path.basename(file));
  };

  beforeAll(async () => {
    const clock = aClock();
    t = await startTestApp({ now: clock.now });
    const counselor = await t.tokenFor('counselor', 'c-001');
    await seedCatalogAndSeeker(t, SEEKER);
    const set = await createAndPublish(t, counselor, SEEKER, { approve: 1 });
    const approved = set.items.find((item) => item.decision === 'approved');
    if (approved === undefined) throw new Error('needs an approved item');
    // Observed after the publication (1 October 2026) and before today, on a day nothing else is written.
    clock.advance(400 * DAY);
    const outcome = await t.http
      .put(`/v1/job-seekers/${SEEKER}/outcomes/${approved.course.id}`)
      .auth(await t.tokenFor('integration', 'svc-crm'), { type: 'bearer' })
      .send({ entered: true, employedWithinSixMonths: false, observedAt: deletion.observedAt });
    expect(outcome.status, JSON.stringify(outcome.body)).toBe(201);
    outcomeId = String((await t.container.db('course_outcomes').where({ seeker_id: SEEKER }).first())?.id);
    if (TEST_ENGINE === 'sqlite') expect(filesHolding(deletion.observedAt)).not.toEqual([]);

    await deletion.remove(t, set);
    expect(await t.container.db('course_outcomes').where({ seeker_id: SEEKER })).toEqual([]);
  });
  afterAll(() => t.close());

  it.skipIf(TEST_ENGINE !== 'sqlite')(
    'leaves the deleted outcome in neither the database file nor its write-ahead log',
    () => {
      expect(outcomeId).toEqual(expect.any(String));
      expect({ observedAt: filesHolding(deletion.observedAt), id: filesHolding(outcomeId) }).toEqual({
        observedAt: [],
        id: [],
      });
    },
  );

  it.skipIf(TEST_ENGINE !== 'postgres')('vacuums and analyzes the table of outcomes', async () => {
    const table = await t.container
      .db('pg_stat_user_tables')
      .where({ relname: 'course_outcomes' })
      .first('last_vacuum', 'last_analyze');
    expect(table?.last_vacuum).not.toBeNull();
    expect(table?.last_analyze).not.toBeNull();
  });
});
