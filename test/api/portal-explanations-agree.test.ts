import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobSeekerInput } from '../../src/job-seekers/job-seeker.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import {
  aWorkflowSeeker,
  createAndPublish,
  seedCatalog,
  syncSeeker,
  WORKFLOW_CATALOG,
  WORKFLOW_START,
} from '../support/workflow.ts';

/**
 * What the portal tells a job seeker about the facts the model used must be the values of the feature
 * row stored with the suggestion, in French: checked over generated people, through the API.
 */

interface DataUsed {
  label: string;
  value: string;
  source: string;
}

const DAY = 24 * 3_600_000;
const FRENCH_NUMBER = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 2 });

/** People around Lyon aiming at the workflow catalog's occupation, with any values the sync may send. */
const aSeeker: fc.Arbitrary<JobSeekerInput> = fc
  .record({
    educationLevel: fc.integer({ min: 4, max: 8 }),
    yearsExperience: fc.integer({ min: 0, max: 400 }).map((tenths) => tenths / 10),
    monthsUnemployed: fc.integer({ min: 0, max: 120 }),
    mobilityRadiusKm: fc.integer({ min: 100, max: 1000 }).map((tenths) => tenths / 10),
    remoteOk: fc.boolean(),
  })
  .map((fields) => aWorkflowSeeker(fields));

describe('the facts a job seeker is told agree with the feature row the model stored', () => {
  // Set by each run: the sync some days before the suggestion, which the months without a job count.
  let now = WORKFLOW_START;
  let t: TestApp;
  let counselor: string;
  let run = 0;

  beforeAll(async () => {
    t = await startTestApp({ now: () => now });
    counselor = await t.tokenFor('counselor', 'c-001');
    await seedCatalog(t);
  });
  afterAll(() => t.close());

  it('states the level, the experience, the months without a job, the mobility radius and the course’s rate the model used, with their sources, numbers written in French', async () => {
    await fc.assert(
      fc.asyncProperty(aSeeker, fc.integer({ min: 0, max: 100 }), async (seeker, daysSinceSync) => {
        run += 1;
        const seekerId = `js-agree-${run}`;
        now = new Date(WORKFLOW_START.getTime() - daysSinceSync * DAY);
        await syncSeeker(t, seekerId, seeker);
        now = WORKFLOW_START;
        const set = await createAndPublish(t, counselor, seekerId);
        const token = await t.tokenFor('job_seeker', seekerId);
        for (const item of set.items) {
          const res = await t.http
            .get(`/v1/me/recommendations/${item.itemId}/explanation`)
            .auth(token, { type: 'bearer' });
          expect(res.status).toBe(200);
          const dataUsed = res.body.dataUsed as DataUsed[];
          const told = (label: string) => dataUsed.find((entry) => entry.label === label)?.value;
          const modelSaw = (feature: string) =>
            item.attributions.find((a) => a.feature === feature)?.value ?? NaN;
          const exitLevel = WORKFLOW_CATALOG[item.course.id]?.exitLevel ?? NaN;

          expect(told('Niveau de diplôme')).toMatch(
            new RegExp(`^niveau ${exitLevel - modelSaw('levelGap')}\\b`),
          );
          expect(told('Années d’expérience')).toBe(FRENCH_NUMBER.format(modelSaw('yearsExperience')));
          const months = told('Mois sans emploi') ?? '';
          expect(months).toMatch(new RegExp(`^${modelSaw('monthsUnemployed')}\\b`));
          // « 1 mois écoulé », « 2 mois écoulés »: the participle agrees with the count.
          for (const [, count, plural] of months.matchAll(/(\d+) mois écoulé(s?)/g)) {
            expect(plural, months).toBe(Number(count) >= 2 ? 's' : '');
          }
          expect(told('Rayon de mobilité')).toBe(`${FRENCH_NUMBER.format(seeker.mobilityRadiusKm)} km`);
          // The course's side of the row comes from the catalog, and the person is told so, with its rate.
          const fromCatalog = dataUsed.filter((entry) => /catalogue des formations/.test(entry.source));
          expect(fromCatalog.map((entry) => entry.label)).toContain(
            'Taux de retour à l’emploi de la formation',
          );
          expect(told('Taux de retour à l’emploi de la formation')).toBe(
            modelSaw('employmentRateMissing') === 1
              ? 'non connu'
              : `${Math.round(modelSaw('employmentRate') * 100)} % des anciens stagiaires en emploi six mois après la formation`,
          );
          for (const { value } of dataUsed) expect(value).not.toMatch(/\d\.\d/);
        }
      }),
      // Beside the generated ones, the person synced a month before, with a radius in tenths.
      { numRuns: 3, examples: [[aWorkflowSeeker({ mobilityRadiusKm: 12.5, yearsExperience: 2.5 }), 33]] },
    );
  });
});
