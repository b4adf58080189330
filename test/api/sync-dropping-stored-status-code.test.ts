import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import { aWorkflowSeeker, syncSeeker } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const SEEKER = 'js-stored-before';

/**
 * A profile stored before the sync refused status codes may still hold one (`rqth`), never read
 * out. A sync rewriting that profile without it changes the stored skills, and its
 * `job_seeker.upserted` event, the auditor's record of which fields a sync changed, says so, without
 * naming the code.
 */
describe('a sync dropping a status code stored before the check', () => {
  let t: TestApp;
  beforeAll(async () => {
    ({ t } = await startWorkflowApp());
    await syncSeeker(t, SEEKER, aWorkflowSeeker({ skills: ['accueil'] }));
    // Written straight into the table, as a version without the sync's check stored it.
    await t.container
      .db('job_seekers')
      .where({ id: SEEKER })
      .update({ skills: JSON.stringify(['accueil', 'rqth']) });
  });
  afterAll(() => t.close());

  it('logs that the skills changed, without naming the code', async () => {
    await syncSeeker(t, SEEKER, aWorkflowSeeker({ skills: ['accueil'] }));
    const row = await t.container.db('job_seekers').where({ id: SEEKER }).first('skills');
    expect(JSON.parse(String(row?.skills))).toEqual(['accueil']);
    const events = await t.container.decisionLog.decisionLog.listEvents({ types: ['job_seeker.upserted'] });
    const last = events.at(-1);
    expect(last?.payload).toMatchObject({ created: false, changedFields: ['skills'] });
    expect(JSON.stringify(last)).not.toMatch(/rqth/);
  });
});
