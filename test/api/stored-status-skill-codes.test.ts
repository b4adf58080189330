import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aCourse } from '../support/builders.ts';
import type { TestApp } from '../support/test-app.ts';
import { aWorkflowSeeker, createSet, seedCatalog, syncSeeker } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/** Codes a sync refuses (422), as a profile stored before that check may still hold them. */
const STATUS_CODES = ['rqth', 'titre-de-sejour', 'casier-judiciaire'];
const SEEKER = 'js-stored-before';

/**
 * A person's skill codes naming a status or condition they hold are refused at sync, but profiles
 * stored before that check keep them until their next sync. From the moment this version runs, such
 * a code is never used (scored, shown to the counselor, exported to the person, kept in a set's
 * snapshot), and the next retention run removes it from the stored profile, logging how many codes
 * it removed and never which.
 */
describe('skill codes naming a status of the person, stored before the sync refused them', () => {
  let t: TestApp;
  let counselor: string;

  const storedSkills = async (): Promise<unknown> => {
    const row = await t.container.db('job_seekers').where({ id: SEEKER }).first('skills');
    return JSON.parse(String(row?.skills));
  };

  beforeAll(async () => {
    ({ t, counselor } = await startWorkflowApp());
    // A course teaching a skill spelled as the code: a held `rqth` would raise its skills coverage.
    await seedCatalog(t, { 'LYON-AS-RQTH': aCourse({ skills: ['accueil', ...STATUS_CODES] }) });
    await syncSeeker(t, SEEKER, aWorkflowSeeker({ skills: ['accueil'] }));
    // Written straight into the table, as a version without the sync's check stored it.
    await t.container
      .db('job_seekers')
      .where({ id: SEEKER })
      .update({ skills: JSON.stringify(['accueil', ...STATUS_CODES]) });
  });
  afterAll(() => t.close());

  it('is not scored: a suggestion made before any retention run reads the profile without it', async () => {
    const { set } = await createSet(t, counselor, SEEKER);
    const item = set.items.find((candidate) => candidate.course.id === 'LYON-AS-RQTH');
    const coverage = item?.attributions.find((attribution) => attribution.feature === 'skillsCoverage');
    // `accueil` alone of the course's four skills: 1/4, not 4/4.
    expect(coverage?.value).toBeCloseTo(0.25);
    const row = await t.container.db('recommendation_sets').where({ id: set.id }).first('profile_snapshot');
    expect(String(row?.profile_snapshot)).not.toMatch(/rqth|sejour|judiciaire/);
  });

  it('is not shown to the counselor nor given to the person in their data export', async () => {
    const profile = await t.http.get(`/v1/job-seekers/${SEEKER}`).auth(counselor, { type: 'bearer' });
    expect(profile.status).toBe(200);
    expect(profile.body.skills).toEqual(['accueil']);
    const own = await t.tokenFor('job_seeker', SEEKER);
    const data = await t.http.get('/v1/me/data').auth(own, { type: 'bearer' });
    expect(data.status).toBe(200);
    expect(JSON.stringify(data.body)).not.toMatch(/rqth|sejour|judiciaire/);
  });

  it('is removed from the stored profile by the next retention run, its last sync left as it was', async () => {
    const before = await t.container.db('job_seekers').where({ id: SEEKER }).first('updated_at');
    const report = await t.container.retention.purgeExpired();
    expect(report.purged.skillCodes).toBe(STATUS_CODES.length);
    expect(await storedSkills()).toEqual(['accueil']);
    const after = await t.container.db('job_seekers').where({ id: SEEKER }).first('updated_at');
    expect(after?.updated_at).toEqual(before?.updated_at);
  });

  it('logs how many codes the run removed, never which', async () => {
    const [event] = await t.container.decisionLog.decisionLog.listEvents({ types: ['retention.purged'] });
    expect(event?.payload).toMatchObject({ purged: { skillCodes: STATUS_CODES.length } });
    expect(event?.subject).toBeNull();
    expect(event?.personal).toBeNull();
    expect(JSON.stringify(event)).not.toMatch(/rqth|sejour|judiciaire/);
  });

  it('leaves a profile holding no such code as it was, and removes nothing at the next run', async () => {
    const report = await t.container.retention.purgeExpired();
    expect(report.purged.skillCodes).toBe(0);
    expect(await storedSkills()).toEqual(['accueil']);
    const js1 = await t.container.db('job_seekers').where({ id: 'js-1' }).first('skills');
    expect(JSON.parse(String(js1?.skills))).toEqual(aWorkflowSeeker().skills);
  });
});
