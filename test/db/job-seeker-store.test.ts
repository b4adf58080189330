import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobSeeker, JobSeekerInput } from '../../src/job-seekers/job-seeker.ts';
import type { JobSeekerStore } from '../../src/job-seekers/job-seeker-store.ts';
import { KnexJobSeekerStore } from '../../src/job-seekers/knex-job-seeker-store.ts';
import { isGeneratedId } from '../../src/shared/time-ordered-id.ts';
import { aJobSeeker } from '../support/builders.ts';
import { TEST_ENGINE } from '../support/test-database.ts';
import { openTestDatabase } from '../support/use-test-database.ts';

/** The unit of work a store method joins, whatever the implementation uses for it. */
type StoreTransaction = Parameters<JobSeekerStore['recordObjection']>[0];

/** What the contract needs from an implementation under test. */
interface JobSeekerStoreSubject {
  store: JobSeekerStore;
  /** Runs `work` in a transaction that commits when it resolves and rolls back when it throws. */
  inTransaction<T>(work: (trx: StoreTransaction) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** The behaviour every JobSeekerStore owes its service, whatever holds the data. */
function describeJobSeekerStoreContract(name: string, open: () => Promise<JobSeekerStoreSubject>): void {
  describe(`${name} (JobSeekerStore contract)`, () => {
    let subject: JobSeekerStoreSubject;
    let store: JobSeekerStore;
    let nextId = 0;
    const freshId = () => `js-contract-${++nextId}`;
    const monday = new Date('2027-01-04T09:00:00.000Z');
    const tuesday = new Date('2027-01-05T14:30:00.000Z');

    beforeAll(async () => {
      subject = await open();
      store = subject.store;
    });
    afterAll(() => subject.close());

    it('finds nothing for an id it has never seen', async () => {
      expect(await store.findById('js-never-seen')).toBeUndefined();
    });

    it('creates a profile on the first upsert and says it created it', async () => {
      const id = freshId();
      const input = aJobSeeker();

      const result = await store.upsert(id, input, monday);

      expect(result.created).toBe(true);
      expect(result.jobSeeker).toStrictEqual(expectedJobSeeker(id, input, monday, monday, false));
      expect(await store.findById(id)).toStrictEqual(result.jobSeeker);
    });

    it('replaces the profile on a later upsert, keeping when it was created', async () => {
      const id = freshId();
      await store.upsert(id, aJobSeeker(), monday);
      const changed = aJobSeeker({
        counselorId: 'c-002',
        targetOccupations: ['K2111'],
        monthsUnemployed: 8,
        location: { lat: 48.8566, lon: 2.3522 },
      });

      const result = await store.upsert(id, changed, tuesday);

      expect(result.created).toBe(false);
      expect(result.jobSeeker).toStrictEqual(expectedJobSeeker(id, changed, monday, tuesday, false));
      expect(await store.findById(id)).toStrictEqual(result.jobSeeker);
    });

    it('gives each created profile an enrolment id of its own, which later syncs keep and the lock reads', async () => {
      const first = freshId();
      const second = freshId();
      // The same millisecond: the creation time cannot tell the two enrolments apart, their ids do.
      const created = await store.upsert(first, aJobSeeker(), monday);
      const other = await store.upsert(second, aJobSeeker(), monday);
      const synced = await store.upsert(first, aJobSeeker({ monthsUnemployed: 9 }), tuesday);

      expect(isGeneratedId(created.jobSeeker.enrolmentId ?? '')).toBe(true);
      expect(other.jobSeeker.enrolmentId).not.toBe(created.jobSeeker.enrolmentId);
      expect(synced.jobSeeker.enrolmentId).toBe(created.jobSeeker.enrolmentId);
      const standing = await subject.inTransaction((trx) => store.lockStanding(trx, first));
      expect(standing).toStrictEqual({
        id: first,
        enrolmentId: created.jobSeeker.enrolmentId,
        createdAt: created.jobSeeker.createdAt,
        counselorId: 'c-001',
        aiObjection: false,
      });
    });

    it("records an objection to AI processing, leaving the profile's last sync as it was", async () => {
      const id = freshId();
      const input = aJobSeeker();
      await store.upsert(id, input, monday);

      const recorded = await subject.inTransaction((trx) => store.recordObjection(trx, id, monday));

      expect(recorded).toBe(true);
      expect(await store.findById(id)).toStrictEqual(expectedJobSeeker(id, input, monday, monday, true));
    });

    it('records no objection for a person it has never seen', async () => {
      const recorded = await subject.inTransaction((trx) =>
        store.recordObjection(trx, 'js-never-seen', monday),
      );

      expect(recorded).toBe(false);
      expect(await store.findById('js-never-seen')).toBeUndefined();
    });

    it('forgets an objection whose transaction rolls back', async () => {
      const id = freshId();
      await store.upsert(id, aJobSeeker(), monday);

      const attempt = subject.inTransaction(async (trx) => {
        await store.recordObjection(trx, id, monday);
        throw new Error('the decision log refused the event');
      });

      await expect(attempt).rejects.toThrow('the decision log refused the event');
      expect((await store.findById(id))?.aiObjection).toBe(false);
    });

    it('keeps the objection to AI processing when the profile is replaced', async () => {
      const id = freshId();
      await store.upsert(id, aJobSeeker(), monday);
      await subject.inTransaction((trx) => store.recordObjection(trx, id, monday));

      const result = await store.upsert(id, aJobSeeker({ monthsUnemployed: 12 }), tuesday);

      expect(result.jobSeeker.aiObjection).toBe(true);
      expect((await store.findById(id))?.aiObjection).toBe(true);
    });

    it("withdraws a standing objection, leaving the profile's last sync as it was", async () => {
      const id = freshId();
      const input = aJobSeeker();
      await store.upsert(id, input, monday);
      await subject.inTransaction((trx) => store.recordObjection(trx, id, monday));

      const withdrawn = await subject.inTransaction((trx) => store.withdrawObjection(trx, id, monday));

      expect(withdrawn).toBe(true);
      expect(await store.findById(id)).toStrictEqual(expectedJobSeeker(id, input, monday, monday, false));
    });

    it('withdraws nothing, and leaves the profile untouched, when no objection stands', async () => {
      const id = freshId();
      const input = aJobSeeker();
      await store.upsert(id, input, monday);

      const withdrawn = await subject.inTransaction((trx) => store.withdrawObjection(trx, id, monday));
      const unknown = await subject.inTransaction((trx) =>
        store.withdrawObjection(trx, 'js-never-seen', monday),
      );

      expect(withdrawn).toBe(false);
      expect(unknown).toBe(false);
      expect(await store.findById(id)).toStrictEqual(expectedJobSeeker(id, input, monday, monday, false));
    });

    it('reads a profile inside the caller’s transaction, as that transaction sees it', async () => {
      const id = freshId();
      await store.upsert(id, aJobSeeker(), monday);

      const seenInside = await subject.inTransaction(async (trx) => {
        await store.recordObjection(trx, id, monday);
        return store.findById(id, trx);
      });

      expect(seenInside?.aiObjection).toBe(true);
    });

    it('gives back a profile without location, commune or start date as nulls', async () => {
      const id = freshId();
      const input = aJobSeeker({ location: null, availableFrom: null });

      await store.upsert(id, input, monday);

      const found = await store.findById(id);
      expect(found).toStrictEqual(expectedJobSeeker(id, input, monday, monday, false));
      expect(found?.location).toBeNull();
      expect(found?.availableFrom).toBeNull();
    });

    it('gives back booleans as booleans, numbers as numbers and lists in their order', async () => {
      const id = freshId();
      const input = aJobSeeker({
        targetOccupations: ['M1805', 'J1501', 'K2111'],
        skills: [],
        remoteOk: true,
        yearsExperience: 2.5,
        mobilityRadiusKm: 12.75,
      });

      await store.upsert(id, input, monday);

      const found = await store.findById(id);
      expect(found?.remoteOk).toBe(true);
      expect(found?.aiObjection).toBe(false);
      expect(found?.targetOccupations).toStrictEqual(['M1805', 'J1501', 'K2111']);
      expect(found?.skills).toStrictEqual([]);
      expect(found?.yearsExperience).toBe(2.5);
      expect(found?.mobilityRadiusKm).toBe(12.75);
      expect(found?.educationLevel).toBe(input.educationLevel);
    });

    it('turns a remote-ready profile back into one that is not', async () => {
      const id = freshId();
      await store.upsert(id, aJobSeeker({ remoteOk: true }), monday);

      const result = await store.upsert(id, aJobSeeker({ remoteOk: false }), tuesday);

      expect(result.jobSeeker.remoteOk).toBe(false);
      expect((await store.findById(id))?.remoteOk).toBe(false);
    });

    it('leaves other profiles alone when one is replaced', async () => {
      const kept = freshId();
      const replaced = freshId();
      await store.upsert(kept, aJobSeeker({ counselorId: 'c-001' }), monday);
      await store.upsert(replaced, aJobSeeker({ counselorId: 'c-001' }), monday);

      await store.upsert(replaced, aJobSeeker({ counselorId: 'c-009' }), tuesday);

      expect(await store.findById(kept)).toStrictEqual(
        expectedJobSeeker(kept, aJobSeeker({ counselorId: 'c-001' }), monday, monday, false),
      );
    });
  });
}

function expectedJobSeeker(
  id: string,
  input: JobSeekerInput,
  createdAt: Date,
  updatedAt: Date,
  aiObjection: boolean,
): JobSeeker {
  return {
    id,
    ...input,
    aiObjection,
    enrolmentId: expect.any(String),
    createdAt: createdAt.toISOString(),
    updatedAt: updatedAt.toISOString(),
  };
}

describeJobSeekerStoreContract(`KnexJobSeekerStore on ${TEST_ENGINE}`, async () => {
  const { db, close } = await openTestDatabase();
  return {
    store: new KnexJobSeekerStore(db),
    inTransaction: (work) => db.transaction(work),
    close,
  };
});
