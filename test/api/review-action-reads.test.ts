import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordStatements } from '../support/query-plans.ts';
import type { TestApp } from '../support/test-app.ts';
import { TEST_ENGINE } from '../support/test-database.ts';
import {
  act,
  createAndPublish,
  createSet,
  decide,
  decideAll,
  putSettings,
  readSet,
  syncSeeker,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/**
 * What a review action reads of the person is what its checks use: whose caseload holds them (and,
 * for a publication, their row locked); never their profile.
 */
describe('the reads of a review action', () => {
  let t: TestApp;
  let counselor: string;
  let otherCounselor: string;

  beforeAll(async () => {
    ({ t, counselor, otherCounselor } = await startWorkflowApp());
  });
  afterAll(() => t.close());

  /** The reads of the person that `work` sent to the database, without their quotes. */
  async function personReadsOf(work: () => Promise<unknown>): Promise<string[]> {
    const statements = await recordStatements(t.container.db, work);
    return statements
      .map(({ sql }) => sql.replace(/["`]/g, ''))
      .filter((sql) => /\bfrom job_seekers\b/.test(sql));
  }

  const STANDING =
    '^select id, enrolment_id, created_at, counselor_id, ai_objection from job_seekers where id = \\S+ limit \\S+';
  // Locked on PostgreSQL by `for update`; on SQLite by the transaction's write lock.
  const locked = new RegExp(`${STANDING}${TEST_ENGINE === 'postgres' ? ' for update' : ''}$`);
  const unlocked = new RegExp(`${STANDING}$`);

  it('publishes a set reading, locked, only the person’s enrolment, caseload and objection', async () => {
    await syncSeeker(t, 'js-publish-reads');
    const { set } = await createSet(t, counselor, 'js-publish-reads');
    const { etag } = await decideAll(t, counselor, set.id, { approve: 1 });

    const reads = await personReadsOf(async () => {
      expect((await act(t, counselor, set.id, 'publish', etag)).status).toBe(200);
    });

    // Whose caseload, at the first look and again under the log's lock; then the person's row locked.
    expect(reads).toEqual([
      expect.stringMatching(unlocked),
      expect.stringMatching(unlocked),
      expect.stringMatching(locked),
    ]);
  });

  it('approves a second review reading, locked, only the person’s enrolment, caseload and objection', async () => {
    await putSettings(t, { secondReviewRate: 1 });
    try {
      await syncSeeker(t, 'js-second-review-reads');
      const handedOn = await createAndPublish(t, counselor, 'js-second-review-reads', { approve: 1 });
      expect(handedOn.status).toBe('awaiting_second_review');
      const { etag } = await readSet(t, otherCounselor, handedOn.id);

      const reads = await personReadsOf(async () => {
        const res = await act(t, otherCounselor, handedOn.id, 'second-review', etag, { decision: 'approve' });
        expect(res.status).toBe(200);
      });

      // The second reviewer holds no caseload of the person: nothing to read again under the log's lock.
      expect(reads).toEqual([expect.stringMatching(unlocked), expect.stringMatching(locked)]);
    } finally {
      await putSettings(t, {});
    }
  });

  it('decides an item reading only whose caseload holds the person', async () => {
    await syncSeeker(t, 'js-decision-reads');
    const { set } = await createSet(t, counselor, 'js-decision-reads');
    const { set: read, etag } = await readSet(t, counselor, set.id);
    const [item] = read.items;
    if (item === undefined) throw new Error('the set has no item');

    const reads = await personReadsOf(async () => {
      expect((await decide(t, counselor, set.id, item.itemId, etag, { decision: 'approve' })).status).toBe(
        200,
      );
    });

    expect(reads).toEqual([expect.stringMatching(unlocked), expect.stringMatching(unlocked)]);
  });
});
