import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogs } from '../support/captured-logs.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { TEST_ENGINE } from '../support/test-database.ts';
import { aWorkflowSeeker } from '../support/workflow.ts';

/**
 * The disk holding the database full (risk R25). On SQLite the file is really capped at the pages it
 * holds (`max_page_count`), so that a row too long for one page cannot be written; on PostgreSQL,
 * whose disk is the server's, the server refuses the row with its own code for a full disk (53100).
 */
const FULL_DISK_TRIGGER = 'job_seekers_disk_full';

async function fillDisk(db: Knex): Promise<void> {
  if (TEST_ENGINE === 'sqlite') {
    // No free page left in the file, and no new one allowed.
    await db.raw('vacuum');
    const [{ page_count: pages }] = await db.raw('pragma page_count');
    await db.raw(`pragma max_page_count = ${pages}`);
    return;
  }
  await db.raw(`create function ${FULL_DISK_TRIGGER}() returns trigger language plpgsql as $$
    begin raise exception 'could not extend file: No space left on device' using errcode = 'disk_full'; end $$`);
  await db.raw(
    `create trigger ${FULL_DISK_TRIGGER} before insert on job_seekers for each row execute function ${FULL_DISK_TRIGGER}()`,
  );
}

async function freeDisk(db: Knex): Promise<void> {
  if (TEST_ENGINE === 'sqlite') {
    await db.raw('pragma max_page_count = 4294967294');
    return;
  }
  await db.raw(`drop trigger ${FULL_DISK_TRIGGER} on job_seekers`);
  await db.raw(`drop function ${FULL_DISK_TRIGGER}()`);
}

/** A hundred skill codes of 60 characters: a profile longer than a database page. */
const MANY_SKILLS = Array.from(
  { length: 100 },
  (_, i) => `savoir-faire-${String(i).padStart(3, '0')}-${'a'.repeat(43)}`,
);

describe('a database whose disk is full', () => {
  const logs = captureLogs();
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ logger: logs.logger });
  });
  afterAll(async () => {
    await t?.close();
  });

  const sync = async (seekerId: string) =>
    t.http
      .put(`/v1/job-seekers/${seekerId}`)
      .auth(await t.tokenFor('integration', 'svc-crm'), { type: 'bearer' })
      .send(aWorkflowSeeker({ skills: MANY_SKILLS }));

  it('answers a write the disk refuses 503 with Retry-After, keeping neither the change nor its event, and takes it once space is freed', async () => {
    const db = t.container.db;
    const before = await t.container.decisionLog.decisionLog.readHead();
    await fillDisk(db);
    try {
      const refused = await sync('js-full-1');
      expect(refused.status).toBe(503);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(refused.headers['retry-after']).toBe('60');
      expect(refused.body.detail).toMatch(/no space left to write.*undone: retry later/);
    } finally {
      await freeDisk(db);
    }
    expect(logs.find('error', /^database unavailable$/)[0]).toMatchObject({ storage: 'full' });
    expect(await db('job_seekers').where({ id: 'js-full-1' })).toEqual([]);
    expect((await t.container.decisionLog.decisionLog.readHead()).seq).toBe(before.seq);

    expect((await sync('js-full-1')).status).toBe(201);
    expect((await t.container.decisionLog.decisionLog.readHead()).seq).toBe(before.seq + 1);
  });
});
