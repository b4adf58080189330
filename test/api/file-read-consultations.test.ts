import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/auth/principal.ts';
import { CONSULTATION_WINDOW_MS } from '../../src/file-reads/file-read.ts';
import { FileReadService } from '../../src/file-reads/file-read-service.ts';
import { KnexFileReadStore } from '../../src/file-reads/knex-file-read-store.ts';
import { readFileReadRows } from '../support/file-read-rows.ts';
import type { TestApp } from '../support/test-app.ts';
import {
  act,
  createAndPublish,
  createSet,
  decideAll,
  putSettings,
  requestAccessRecord,
  syncSeeker,
  type TestClock,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/**
 * The read trace counts consultations, not requests (record 0022): a staff member's reads of the same
 * file through the same operation, each within `CONSULTATION_WINDOW_MS` of the one before, are one
 * row with its first and last read and how many there were.
 */
describe("consultations of a person's file by staff", () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;
  let otherCounselor: string;

  beforeAll(async () => {
    ({ t, clock, counselor, otherCounselor } = await startWorkflowApp());
  });
  beforeEach(async () => {
    await t.container.db('file_reads').delete();
    await putSettings(t, { secondReviewRate: 0 });
  });
  afterAll(() => t.close());

  const get = (token: string, path: string) => t.http.get(path).auth(token, { type: 'bearer' });
  const consultations = () => readFileReadRows(t.container.db);

  it('answers a fetch of a set with If-None-Match of its own ETag in full, never 304, and traces it as the read it is', async () => {
    // No traced read answers 304: the set's body says more than its version (the courses withdrawn
    // since), the other reads carry no ETag. A fetch with If-None-Match discloses the file again.
    const { set, etag } = await createSet(t, counselor, 'js-1', { limit: 2 });
    await t.container.db('file_reads').delete();

    const res = await get(counselor, `/v1/recommendations/${set.id}`).set('If-None-Match', etag);

    expect(res.status).toBe(200);
    expect(res.body.id).toBe(set.id);
    expect(await consultations()).toEqual([
      expect.objectContaining({ operation: 'getRecommendationSet', setId: set.id, readCount: 1 }),
    ]);
    for (const path of [
      '/v1/job-seekers/js-1',
      `/v1/recommendations/${set.id}/feedback`,
      '/v1/recommendations?seekerId=js-1',
    ]) {
      expect((await get(counselor, path).set('If-None-Match', etag)).status).toBe(200);
    }
  });

  it("makes a counselor's tool fetching a set nine times in 16 seconds one consultation of nine reads, from the first to the last", async () => {
    const { set, etag } = await createSet(t, counselor, 'js-1', { limit: 2 });
    await t.container.db('file_reads').delete();
    const firstAt = clock.now().toISOString();

    for (let read = 0; read < 9; read += 1) {
      if (read > 0) clock.advance(2000);
      expect((await get(counselor, `/v1/recommendations/${set.id}`).set('If-None-Match', etag)).status).toBe(
        200,
      );
    }

    expect(await consultations()).toEqual([
      {
        seekerId: 'js-1',
        readerId: 'c-001',
        readerRole: 'counselor',
        operation: 'getRecommendationSet',
        setId: set.id,
        readAt: firstAt,
        lastReadAt: clock.now().toISOString(),
        readCount: 9,
      },
    ]);
  });

  it('starts another consultation only after a pause longer than the window since the last read', async () => {
    expect(CONSULTATION_WINDOW_MS).toBe(10 * 60_000);
    const firstAt = clock.now().toISOString();
    await get(counselor, '/v1/job-seekers/js-1');
    clock.advance(CONSULTATION_WINDOW_MS);
    await get(counselor, '/v1/job-seekers/js-1');
    clock.advance(CONSULTATION_WINDOW_MS);
    await get(counselor, '/v1/job-seekers/js-1');
    const lastAt = clock.now().toISOString();
    clock.advance(CONSULTATION_WINDOW_MS + 1);
    await get(counselor, '/v1/job-seekers/js-1');

    expect(
      (await consultations()).map(({ readAt, lastReadAt, readCount }) => ({ readAt, lastReadAt, readCount })),
    ).toEqual([
      { readAt: firstAt, lastReadAt: lastAt, readCount: 3 },
      { readAt: clock.now().toISOString(), lastReadAt: clock.now().toISOString(), readCount: 1 },
    ]);
  });

  it('keeps reads apart that differ in operation or reader', async () => {
    await putSettings(t, { secondReviewRate: 1 });
    const { set } = await createSet(t, counselor, 'js-1', { limit: 2 });
    const { etag } = await decideAll(t, counselor, set.id, { approve: 1 });
    expect((await act(t, counselor, set.id, 'publish', etag)).body.status).toBe('awaiting_second_review');
    await t.container.db('file_reads').delete();

    for (const path of [
      `/v1/recommendations/${set.id}`,
      `/v1/recommendations/${set.id}/feedback`,
      '/v1/job-seekers/js-1',
    ]) {
      expect((await get(counselor, path)).status).toBe(200);
      clock.advance(1000);
    }
    expect((await get(otherCounselor, `/v1/recommendations/${set.id}`)).status).toBe(200);

    expect(
      (await consultations()).map(({ readerId, readerRole, operation, setId, readCount }) => ({
        readerId,
        readerRole,
        operation,
        setId,
        readCount,
      })),
    ).toEqual([
      {
        readerId: 'c-001',
        readerRole: 'counselor',
        operation: 'getRecommendationSet',
        setId: set.id,
        readCount: 1,
      },

      {
        readerId: 'c-001',
        readerRole: 'counselor',
        operation: 'listSetFeedback',
        setId: set.id,
        readCount: 1,
      },
      { readerId: 'c-001', readerRole: 'counselor', operation: 'getJobSeeker', setId: null, readCount: 1 },
      {
        readerId: 'c-002',
        readerRole: 'second_reviewer',
        operation: 'getRecommendationSet',
        setId: set.id,
        readCount: 1,
      },
    ]);
  });

  it('makes reads of a set sent at once one consultation that counts every one of them', async () => {
    const { set } = await createSet(t, counselor, 'js-1', { limit: 2 });
    await t.container.db('file_reads').delete();

    const answers = await Promise.all(
      Array.from({ length: 6 }, () => get(counselor, `/v1/recommendations/${set.id}`)),
    );

    expect(answers.map((res) => res.status)).toEqual(Array(6).fill(200));
    expect(await consultations()).toEqual([
      expect.objectContaining({ operation: 'getRecommendationSet', setId: set.id, readCount: 6 }),
    ]);
  });

  it('records reads of the same file recorded at once, on their own connections, as one consultation, no count lost', async () => {
    const reads = new FileReadService({ store: new KnexFileReadStore(t.container.db), now: clock.now });
    const reader: Principal = { subject: 'c-001', roles: ['counselor'] };

    const recorded = await Promise.all(
      Array.from({ length: 12 }, () =>
        reads.recordRead(reader, { seekerId: 'js-1', role: 'counselor', operation: 'getJobSeeker' }),
      ),
    );

    expect(recorded).toEqual(Array(12).fill(true));
    expect(await consultations()).toEqual([
      expect.objectContaining({ seekerId: 'js-1', operation: 'getJobSeeker', readCount: 12 }),
    ]);
  });

  it('tells the person each consultation in their access record and export: its first and last read and how many', async () => {
    await syncSeeker(t, 'js-told');
    const set = await createAndPublish(t, counselor, 'js-told', { approve: 1 });
    await t.container.db('file_reads').delete();
    const firstAt = clock.now().toISOString();
    await get(counselor, `/v1/recommendations/${set.id}`);
    clock.advance(5 * 60_000);
    await get(counselor, `/v1/recommendations/${set.id}`);
    const lastAt = clock.now().toISOString();
    const description = 'Votre conseiller a consulté des suggestions de formations faites pour vous.';

    const record = await requestAccessRecord(
      t,
      await t.tokenFor('admin', 'ops-1'),
      'js-told',
      'DSAR-2026-1206',
    );
    const exported = await get(await t.tokenFor('job_seeker', 'js-told'), '/v1/me/data');

    expect(record.status).toBe(200);
    expect(record.body.consultations.fileReads).toEqual([
      {
        readAt: firstAt,
        lastReadAt: lastAt,
        readCount: 2,
        operation: 'getRecommendationSet',
        description,
        setId: set.id,
      },
    ]);
    expect(exported.status).toBe(200);
    expect(exported.body.fileReads).toEqual([
      { readAt: firstAt, lastReadAt: lastAt, readCount: 2, description, setId: set.id },
    ]);
  });
});
