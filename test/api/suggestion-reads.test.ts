import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordStatements } from '../support/query-plans.ts';
import type { TestApp } from '../support/test-app.ts';
import { TEST_ENGINE } from '../support/test-database.ts';
import { requestSet, syncSeeker } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/**
 * What a suggestion reads again under the log's lock is what its checks need there: the person's
 * caseload and objection (the set holds the profile read before the scoring), and the model's
 * recall, not its manifest (parsed when the model was loaded).
 */
describe('the reads of a suggestion', () => {
  let t: TestApp;
  let counselor: string;

  beforeAll(async () => {
    ({ t, counselor } = await startWorkflowApp());
  });
  afterAll(() => t.close());

  /** The statements that `work` sent to the database, without their quotes. */
  async function statementsOf(work: () => Promise<unknown>): Promise<string[]> {
    return (await recordStatements(t.container.db, work)).map(({ sql }) => sql.replace(/["`]/g, ''));
  }

  it('reads the person’s whole profile once and, locked, only their enrolment, caseload and objection', async () => {
    await syncSeeker(t, 'js-read-once');

    const statements = await statementsOf(async () => {
      expect((await requestSet(t, counselor, 'js-read-once')).status).toBe(201);
    });

    // Locked on PostgreSQL by `for update`; on SQLite by the transaction's write lock.
    const lock = TEST_ENGINE === 'postgres' ? ' for update' : '';
    expect(statements.filter((sql) => /\bfrom job_seekers\b/.test(sql))).toEqual([
      expect.stringMatching(/^select \* from job_seekers where id = /),
      expect.stringMatching(
        new RegExp(
          `^select id, enrolment_id, created_at, counselor_id, ai_objection from job_seekers where id = \\S+ limit \\S+${lock}$`,
        ),
      ),
    ]);
  });

  it('checks the model’s recall without reading its manifest', async () => {
    await syncSeeker(t, 'js-model-recall-read');

    const statements = await statementsOf(async () => {
      expect((await requestSet(t, counselor, 'js-model-recall-read')).status).toBe(201);
    });

    const ofModel = statements.filter((sql) => /\bfrom models\b/.test(sql));
    expect(ofModel).toContainEqual(expect.stringMatching(/^select recalled_at from models where id = /));
    expect(ofModel.filter((sql) => sql.startsWith('select * ') || /\bmanifest\b/.test(sql))).toEqual([]);
  });
});
