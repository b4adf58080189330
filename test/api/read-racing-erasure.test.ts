import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewFileRead, ReadFrom } from '../../src/file-reads/file-read-store.ts';
import type { TestApp } from '../support/test-app.ts';
import { aWorkflowSeeker, createSet, eraseJobSeeker, syncSeeker } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/**
 * A read of a person's file allowed just before the person is erased (by an admin, or as an idle
 * profile by the daily purge, in another request): its trace no longer has a file to point to. The
 * read is answered as one made after the erasure (404, or an empty list), never 500, and nothing is
 * sent untraced.
 */
describe("a read of a person's file racing the person's erasure", () => {
  let t: TestApp;
  let counselor: string;
  let admin: string;
  let store: { record: (read: NewFileRead, from?: ReadFrom) => Promise<boolean> };
  let original: (read: NewFileRead, from?: ReadFrom) => Promise<boolean>;

  beforeAll(async () => {
    ({ t, counselor } = await startWorkflowApp());
    admin = await t.tokenFor('admin', 'ops-1');
    // The trace shared by every service that answers reads of people's files.
    const service = t.container.services.jobSeekers as unknown as {
      deps: { reads: { deps: { store: typeof store } } };
    };
    store = service.deps.reads.deps.store;
    original = store.record.bind(store);
  });
  afterAll(() => t.close());

  /**
   * Runs `read` with the person erased right before its trace is written; with `reEnrol`, enrolled
   * again at once, as the case-management system may (`reEnrol=true`).
   */
  async function readWhileErased(seekerId: string, path: string, { reEnrol = false } = {}) {
    store.record = async (read, from) => {
      const erased = await eraseJobSeeker(t, admin, seekerId);
      expect(erased.status).toBe(204);
      if (reEnrol) await syncSeeker(t, seekerId, aWorkflowSeeker(), { reEnrol: true });
      return original(read, from);
    };
    try {
      return await t.http.get(path).auth(counselor, { type: 'bearer' });
    } finally {
      store.record = original;
    }
  }

  it('answers the file 404, as for a person erased before the read', async () => {
    await syncSeeker(t, 'js-race-file');
    const res = await readWhileErased('js-race-file', '/v1/job-seekers/js-race-file');
    expect(res.status).toBe(404);
    expect(await t.container.db('file_reads').where({ seeker_id: 'js-race-file' })).toEqual([]);
  });

  it('answers the file 404 when the read would have joined a consultation the erasure deleted', async () => {
    for (const reEnrol of [false, true]) {
      // Enrolled (again, after the first round's erasure) and read once: the next read would join it.
      await syncSeeker(t, 'js-race-joined', aWorkflowSeeker(), { reEnrol: true });
      expect(
        (await t.http.get('/v1/job-seekers/js-race-joined').auth(counselor, { type: 'bearer' })).status,
      ).toBe(200);
      const res = await readWhileErased('js-race-joined', '/v1/job-seekers/js-race-joined', { reEnrol });
      expect(res.status).toBe(404);
      expect(await t.container.db('file_reads').where({ seeker_id: 'js-race-joined' })).toEqual([]);
    }
  });

  it('answers a set 404, and its answers 404', async () => {
    for (const [seekerId, suffix] of [
      ['js-race-set', ''],
      ['js-race-answers', '/feedback'],
    ] as const) {
      await syncSeeker(t, seekerId);
      const { set } = await createSet(t, counselor, seekerId, { limit: 1 });
      const res = await readWhileErased(seekerId, `/v1/recommendations/${set.id}${suffix}`);
      expect(res.status, suffix).toBe(404);
    }
  });

  it('answers the list of the person’s sets empty', async () => {
    await syncSeeker(t, 'js-race-list');
    await createSet(t, counselor, 'js-race-list', { limit: 1 });
    const res = await readWhileErased('js-race-list', '/v1/recommendations?seekerId=js-race-list');
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([]);
  });

  describe('erased and enrolled again before the trace is written', () => {
    it('answers the file 404, and traces nothing against the new enrolment', async () => {
      await syncSeeker(t, 'js-return-file');
      const res = await readWhileErased('js-return-file', '/v1/job-seekers/js-return-file', {
        reEnrol: true,
      });
      expect(res.status).toBe(404);
      expect(await t.container.db('file_reads').where({ seeker_id: 'js-return-file' })).toEqual([]);
    });

    it('answers a set of the erased file 404, and its answers 404, tracing nothing', async () => {
      for (const [seekerId, suffix] of [
        ['js-return-set', ''],
        ['js-return-answers', '/feedback'],
      ] as const) {
        await syncSeeker(t, seekerId);
        const { set } = await createSet(t, counselor, seekerId, { limit: 1 });
        const res = await readWhileErased(seekerId, `/v1/recommendations/${set.id}${suffix}`, {
          reEnrol: true,
        });
        expect(res.status, suffix).toBe(404);
        expect(await t.container.db('file_reads').where({ seeker_id: seekerId })).toEqual([]);
      }
    });

    it('answers the list of the erased file’s sets empty, tracing nothing', async () => {
      await syncSeeker(t, 'js-return-list');
      await createSet(t, counselor, 'js-return-list', { limit: 1 });
      const res = await readWhileErased('js-return-list', '/v1/recommendations?seekerId=js-return-list', {
        reEnrol: true,
      });
      expect(res.status).toBe(200);
      expect(res.body.items).toEqual([]);
      expect(await t.container.db('file_reads').where({ seeker_id: 'js-return-list' })).toEqual([]);
    });
  });
});
