import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CONSULTATION_WINDOW_MS } from '../../src/file-reads/file-read.ts';
import { readFileReadRows } from '../support/file-read-rows.ts';
import type { TestApp } from '../support/test-app.ts';
import {
  act,
  createAndPublish,
  createSet,
  decideAll,
  eraseJobSeeker,
  putSettings,
  readSet,
  requestAccessRecord,
  syncSeeker,
  type TestClock,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/**
 * The read trace (record 0022): each read of a person's file by staff leaves a row saying whose file,
 * who read it and in which role, through which operation, which set, when (GDPR Art. 32; CNIL's
 * recommendation on logging, 2021).
 */
describe("staff reads of a person's file", () => {
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
  /** Each read's first six facts; how reads join into one consultation is file-read-consultations' part. */
  const traced = async () =>
    (await readFileReadRows(t.container.db)).map(({ lastReadAt, readCount, ...read }) => read);

  it("traces a counselor's read of the person's file: whose, who, which operation, when", async () => {
    clock.advance(60_000);
    const res = await get(counselor, '/v1/job-seekers/js-1');

    expect(res.status).toBe(200);
    expect(await traced()).toEqual([
      {
        seekerId: 'js-1',
        readerId: 'c-001',
        readerRole: 'counselor',
        operation: 'getJobSeeker',
        setId: null,
        readAt: clock.now().toISOString(),
      },
    ]);
  });

  it('writes nothing for a refused read (404 for another caseload, 403 for another role)', async () => {
    const { set } = await createSet(t, counselor, 'js-1', { limit: 2 });
    await t.container.db('file_reads').delete();
    const seeker = await t.tokenFor('job_seeker', 'js-1');

    expect((await get(otherCounselor, '/v1/job-seekers/js-1')).status).toBe(404);
    expect((await get(otherCounselor, `/v1/recommendations/${set.id}`)).status).toBe(404);
    expect((await get(otherCounselor, `/v1/recommendations/${set.id}/feedback`)).status).toBe(404);
    expect((await get(seeker, '/v1/job-seekers/js-1')).status).toBe(403);
    expect((await get(counselor, '/v1/job-seekers/js-nobody')).status).toBe(404);
    expect(await traced()).toEqual([]);
  });

  it('traces every read of a set by its counselor, not only the first opening', async () => {
    const { set } = await createSet(t, counselor, 'js-1', { limit: 2 });
    await readSet(t, counselor, set.id);
    // Past the window within which a read is part of the last consultation.
    clock.advance(CONSULTATION_WINDOW_MS + 1);
    await readSet(t, counselor, set.id);

    const reads = await traced();
    expect(reads).toHaveLength(2);
    expect(reads.every((read) => read.operation === 'getRecommendationSet' && read.setId === set.id)).toBe(
      true,
    );
    expect(reads.map((read) => read.readerRole)).toEqual(['counselor', 'counselor']);
    expect(reads[1]?.readAt).toBe(clock.now().toISOString());
  });

  it("traces a second reviewer's reads of a set as theirs", async () => {
    await putSettings(t, { secondReviewRate: 1 });
    const { set } = await createSet(t, counselor, 'js-1', { limit: 2 });
    const { etag } = await decideAll(t, counselor, set.id, { approve: 1 });
    expect((await act(t, counselor, set.id, 'publish', etag)).body.status).toBe('awaiting_second_review');
    await t.container.db('file_reads').delete();

    await readSet(t, otherCounselor, set.id);
    clock.advance(CONSULTATION_WINDOW_MS + 1);
    await readSet(t, otherCounselor, set.id);
    clock.advance(1000);
    expect((await get(otherCounselor, `/v1/recommendations/${set.id}/feedback`)).status).toBe(200);

    expect(await traced()).toEqual([
      expect.objectContaining({
        readerId: 'c-002',
        readerRole: 'second_reviewer',
        operation: 'getRecommendationSet',
      }),
      expect.objectContaining({
        readerId: 'c-002',
        readerRole: 'second_reviewer',
        operation: 'getRecommendationSet',
      }),
      expect.objectContaining({
        readerId: 'c-002',
        readerRole: 'second_reviewer',
        operation: 'listSetFeedback',
      }),
    ]);
  });

  it("traces a read of a set's answers", async () => {
    await syncSeeker(t, 'js-answers');
    const set = await createAndPublish(t, counselor, 'js-answers', { approve: 1 });
    await t.container.db('file_reads').delete();

    expect((await get(counselor, `/v1/recommendations/${set.id}/feedback`)).status).toBe(200);

    expect(await traced()).toEqual([
      expect.objectContaining({
        seekerId: 'js-answers',
        readerId: 'c-001',
        readerRole: 'counselor',
        operation: 'listSetFeedback',
        setId: set.id,
      }),
    ]);
  });

  it("traces a read of the list of one person's sets, not the queue of many people", async () => {
    await createSet(t, counselor, 'js-1', { limit: 2 });
    await t.container.db('file_reads').delete();

    expect((await get(counselor, '/v1/recommendations')).status).toBe(200);
    expect(await traced()).toEqual([]);

    expect((await get(counselor, '/v1/recommendations?seekerId=js-1')).status).toBe(200);
    expect(await traced()).toEqual([
      expect.objectContaining({
        seekerId: 'js-1',
        readerId: 'c-001',
        operation: 'listRecommendations',
        setId: null,
      }),
    ]);
  });

  it('traces nothing for a HEAD, whose answer nobody reads', async () => {
    const { set } = await createSet(t, counselor, 'js-1', { limit: 2 });
    await t.container.db('file_reads').delete();

    expect((await t.http.head('/v1/job-seekers/js-1').auth(counselor, { type: 'bearer' })).status).toBe(200);
    expect(
      (await t.http.head(`/v1/recommendations/${set.id}`).auth(counselor, { type: 'bearer' })).status,
    ).toBe(200);
    expect(await traced()).toEqual([]);
  });

  it('shows the person the reads of their file in the access record: when, which operation, what was consulted, which set; never who', async () => {
    await syncSeeker(t, 'js-record');
    const set = await createAndPublish(t, counselor, 'js-record', { approve: 1 });
    await t.container.db('file_reads').delete();
    await get(counselor, '/v1/job-seekers/js-record');
    const profileReadAt = clock.now().toISOString();
    clock.advance(60_000);
    await readSet(t, counselor, set.id);
    const setReadAt = clock.now().toISOString();
    const admin = await t.tokenFor('admin', 'ops-1');

    const res = await requestAccessRecord(t, admin, 'js-record', 'DSAR-2026-1201');

    expect(res.status).toBe(200);
    expect(res.body.consultations.fileReads).toEqual([
      {
        readAt: profileReadAt,
        lastReadAt: profileReadAt,
        readCount: 1,
        operation: 'getJobSeeker',
        description: 'Votre conseiller a consulté votre dossier : votre profil et vos contestations.',
        setId: null,
      },
      {
        readAt: setReadAt,
        lastReadAt: setReadAt,
        readCount: 1,
        operation: 'getRecommendationSet',
        description: 'Votre conseiller a consulté des suggestions de formations faites pour vous.',
        setId: set.id,
      },
    ]);
    expect(JSON.stringify(res.body.consultations)).not.toContain('c-001');
    expect(res.body.processing.retention.readTraceDays).toBe(183);
    const [exported] = await t.container.decisionLog.decisionLog.listEvents({
      types: ['subject.access_exported'],
      limit: 10,
    });
    expect(exported?.payload).toMatchObject({ given: { consultations: { fileReads: 2 } } });
  });

  it('shows the person the reads of their file in their own export too: when, what was consulted, which set; never who, nor an operation name', async () => {
    // The dates of the consultations of one's data are part of the right of access (GDPR Art. 15(1);
    // CJEU C-579/21): the person need not file a formal request to learn them. No reason is recorded
    // for a read, so none is claimed: the sentence says what was consulted.

    await syncSeeker(t, 'js-export');
    const set = await createAndPublish(t, counselor, 'js-export', { approve: 1 });
    await t.container.db('file_reads').delete();
    await get(counselor, '/v1/job-seekers/js-export');
    const profileReadAt = clock.now().toISOString();
    clock.advance(60_000);
    await readSet(t, counselor, set.id);
    const setReadAt = clock.now().toISOString();

    const res = await get(await t.tokenFor('job_seeker', 'js-export'), '/v1/me/data');

    expect(res.status).toBe(200);
    expect(res.body.fileReads).toEqual([
      {
        readAt: profileReadAt,
        lastReadAt: profileReadAt,
        readCount: 1,
        description: 'Votre conseiller a consulté votre dossier : votre profil et vos contestations.',
        setId: null,
      },
      {
        readAt: setReadAt,
        lastReadAt: setReadAt,
        readCount: 1,
        description: 'Votre conseiller a consulté des suggestions de formations faites pour vous.',
        setId: set.id,
      },
    ]);
    expect(JSON.stringify(res.body.fileReads)).not.toContain('c-001');
  });

  it("deletes the person's reads with their erasure, and counts them in subject.erased", async () => {
    await syncSeeker(t, 'js-erased');
    await syncSeeker(t, 'js-kept');
    await get(counselor, '/v1/job-seekers/js-erased');
    clock.advance(CONSULTATION_WINDOW_MS + 1);
    await get(counselor, '/v1/job-seekers/js-erased');
    await get(counselor, '/v1/job-seekers/js-kept');
    const admin = await t.tokenFor('admin', 'ops-1');

    expect((await eraseJobSeeker(t, admin, 'js-erased')).status).toBe(204);

    expect((await traced()).map((read) => read.seekerId)).toEqual(['js-kept']);
    const [erased] = await t.container.decisionLog.decisionLog.listEvents({
      types: ['subject.erased'],
      limit: 10,
    });
    expect(erased?.payload).toMatchObject({ erased: { fileReads: 2 } });
  });

  it('fails a read whose trace cannot be written: no read leaves untraced', async () => {
    await t.container.db.schema.renameTable('file_reads', 'file_reads_away');
    try {
      const res = await get(counselor, '/v1/job-seekers/js-1');
      expect(res.status).toBeGreaterThanOrEqual(500);
      expect(res.body.profile).toBeUndefined();
      expect(res.body.targetOccupations).toBeUndefined();
    } finally {
      await t.container.db.schema.renameTable('file_reads_away', 'file_reads');
    }
  });
});
