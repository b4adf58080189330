import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KnexJobSeekerStore } from '../../src/job-seekers/knex-job-seeker-store.ts';
import type { TestApp } from '../support/test-app.ts';
import { act, approveAfterReading, createSet, decideAll, putSettings, readSet } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/**
 * Two counselors may read a set awaiting its second review; one of them approves or returns it, or
 * its counselor discards it, while the other is still reading. That other's action once answered 404
 * "was not found" for a set they had just read, as if it had never been: they are told instead that
 * it no longer awaits a second review, and where the next ones are, without its new status (the
 * person is not theirs). A counselor who never read it learns nothing: 404, as before.
 */
describe('a second review acted on by someone else while another reviewer read the set', () => {
  let t: TestApp;
  let counselor: string;
  let firstReader: string;
  let secondReader: string;
  let stranger: string;

  beforeAll(async () => {
    let otherCounselor: string;
    ({ t, counselor, otherCounselor } = await startWorkflowApp());
    firstReader = otherCounselor;
    secondReader = await t.tokenFor('counselor', 'c-003');
    stranger = await t.tokenFor('counselor', 'c-004');
    await putSettings(t, { secondReviewRate: 1 });
  });
  afterAll(() => t.close());

  async function handOn(): Promise<{ setId: string; etag: string }> {
    const { set } = await createSet(t, counselor, 'js-1', { limit: 1 });
    const decided = await decideAll(t, counselor, set.id);
    const handed = await act(t, counselor, set.id, 'publish', decided.etag, {
      message: 'Voici mes propositions.',
    });
    expect(handed.body.status).toBe('awaiting_second_review');
    return { setId: set.id, etag: String(handed.headers.etag) };
  }

  it('tells a reader whose approval comes after another reviewer’s that the set no longer awaits them', async () => {
    const { setId } = await handOn();
    const { etag } = await readSet(t, secondReader, setId);
    expect((await approveAfterReading(t, firstReader, setId)).status).toBe(200);

    const late = await act(t, secondReader, setId, 'second-review', etag, { decision: 'approve' });
    expect(late.status).toBe(409);
    expect(late.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(late.body.type).toMatch(/second-review-over$/);
    expect(late.body.detail).toMatch(/no longer awaits a second review/);
    expect(late.body.detail).toMatch(/queue=second_review/);
    expect(late.body.setStatus).toBeUndefined();
  });

  it('tells a reader the same when the set’s counselor discarded it meanwhile', async () => {
    const { setId, etag: counselorEtag } = await handOn();
    const { etag } = await readSet(t, secondReader, setId);
    expect(
      (await act(t, counselor, setId, 'discard', counselorEtag, { reason: 'La personne a trouvé un emploi' }))
        .status,
    ).toBe(200);
    const late = await act(t, secondReader, setId, 'second-review', etag, {
      decision: 'return',
      comment: 'À revoir',
    });
    expect(late.status).toBe(409);
    expect(late.body.type).toMatch(/second-review-over$/);
  });

  /**
   * Runs `meanwhile` once, committed after the next action's first look at the set (its caseload
   * read outside any transaction) and before its transaction: two tabs, or two API processes.
   */
  async function withCommitBetween<T>(meanwhile: () => Promise<unknown>, action: () => PromiseLike<T>) {
    const jobSeekers = KnexJobSeekerStore.prototype;
    const original = jobSeekers.findStanding;
    let armed = true;
    jobSeekers.findStanding = async function (this: KnexJobSeekerStore, id, trx) {
      const found = await original.call(this, id, trx);
      if (armed && trx === undefined) {
        armed = false;
        await meanwhile();
      }
      return found;
    };
    try {
      return await action();
    } finally {
      jobSeekers.findStanding = original;
    }
  }

  it('tells a reader whose approval was on its way when another reviewer’s committed that the set no longer awaits them, not to read it again', async () => {
    const { setId } = await handOn();
    const { etag } = await readSet(t, secondReader, setId);
    await readSet(t, firstReader, setId);
    const late = await withCommitBetween(
      async () => expect((await approveAfterReading(t, firstReader, setId)).status).toBe(200),
      () => act(t, secondReader, setId, 'second-review', etag, { decision: 'approve' }),
    );
    expect(late.status).toBe(409);
    expect(late.body.type).toMatch(/second-review-over$/);
    expect(late.body.detail).toMatch(/queue=second_review/);
  });

  it('tells a reviewer whose second tab returned the set while the first tab’s return was on its way that their return was kept', async () => {
    const { setId } = await handOn();
    const { etag } = await readSet(t, firstReader, setId);
    const body = { decision: 'return', comment: 'Une formation plus proche existe.' };
    const late = await withCommitBetween(
      async () => expect((await act(t, firstReader, setId, 'second-review', etag, body)).status).toBe(200),
      () => act(t, firstReader, setId, 'second-review', etag, body),
    );
    expect(late.status).toBe(409);
    expect(late.body.type).toMatch(/second-review-over$/);
    expect(late.body.detail).toMatch(/you returned it yourself .* and your return was kept/);
  });

  it('answers 404 to a counselor who never read the set, as for a missing set', async () => {
    const { setId, etag } = await handOn();
    expect((await approveAfterReading(t, firstReader, setId)).status).toBe(200);
    const res = await act(t, stranger, setId, 'second-review', etag, { decision: 'approve' });
    expect(res.status).toBe(404);
  });
});
