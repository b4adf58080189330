import { beforeAll, describe, expect, it } from 'vitest';
import { sameEnrolment } from '../../src/job-seekers/job-seeker.ts';
import { KnexJobSeekerStore } from '../../src/job-seekers/knex-job-seeker-store.ts';
import { isGeneratedId } from '../../src/shared/time-ordered-id.ts';
import { aJobSeeker } from '../support/builders.ts';
import { insertJobSeekerAsBefore } from '../support/migrate-first.ts';
import { useTestDatabase } from '../support/use-test-database.ts';

/**
 * During an upgrade of several API processes, those of the version before the enrolment id still
 * insert profiles without one (NULL).
 */
describe('a profile written without an enrolment id', () => {
  const opened = useTestDatabase();
  let store: KnexJobSeekerStore;

  beforeAll(async () => {
    const { db } = opened;
    store = new KnexJobSeekerStore(db);
  });

  it('is read as having no enrolment id, and is told from the profile erased before it by its creation time', async () => {
    const { db } = opened;
    await insertJobSeekerAsBefore(db, 'js-old-1', '2026-12-02T08:00:00.000Z');
    const before = await store.findById('js-old-1');
    await db('job_seekers').where({ id: 'js-old-1' }).delete();
    await insertJobSeekerAsBefore(db, 'js-old-1', '2026-12-02T08:00:05.000Z');
    const after = await db.transaction((trx) => store.lockStanding(trx, 'js-old-1'));

    expect(before?.enrolmentId).toBeNull();
    expect(after?.enrolmentId).toBeNull();
    expect(before !== undefined && after !== undefined && sameEnrolment(before, after)).toBe(false);
  });

  it('is the same enrolment as itself read again, and keeps being once its next sync gives it an id', async () => {
    const { db } = opened;
    await insertJobSeekerAsBefore(db, 'js-old-2', '2026-12-02T09:00:00.000Z');
    const before = await store.findById('js-old-2');
    const synced = await store.upsert('js-old-2', aJobSeeker(), new Date('2026-12-02T10:00:00.000Z'));
    const locked = await db.transaction((trx) => store.lockStanding(trx, 'js-old-2'));

    expect(isGeneratedId(synced.jobSeeker.enrolmentId ?? '')).toBe(true);
    expect(locked?.enrolmentId).toBe(synced.jobSeeker.enrolmentId);
    expect(before !== undefined && locked !== undefined && sameEnrolment(before, locked)).toBe(true);
  });

  it('is another enrolment than a profile with an id created at another time', () => {
    const old = { enrolmentId: null, createdAt: '2026-12-02T08:00:00.000Z' };
    const enrolled = { enrolmentId: 'x', createdAt: '2026-12-02T08:00:05.000Z' };
    expect(sameEnrolment(old, enrolled)).toBe(false);
    expect(sameEnrolment(enrolled, { ...enrolled, createdAt: old.createdAt })).toBe(true);
    expect(sameEnrolment(enrolled, { ...enrolled, enrolmentId: 'y' })).toBe(false);
  });
});
