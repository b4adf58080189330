import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Course } from '../../src/courses/course.ts';
import { type CourseBatch, createCourseBatch } from '../../src/courses/course-table.ts';
import { FEATURE_NAMES, type FeatureName } from '../../src/model/features.ts';
import { buildSuggestions } from '../../src/recommendations/build-suggestions.ts';
import { OnnxScorer } from '../../src/scoring/onnx-scorer.ts';
import type { Scorer } from '../../src/scoring/scorer.ts';
import { selectTopScores } from '../../src/scoring/select-top-scores.ts';
import { SHIPPED_MODEL_FOLDER, SHIPPED_MODEL_SHA256 } from '../model/support/small-model.ts';
import { aCourse, aJobSeeker } from '../support/builders.ts';

const REFERENCE = new Date('2027-01-04T00:00:00Z');
/** Synced the day of the suggestions. */
const SEEKER = { ...aJobSeeker(), updatedAt: REFERENCE.toISOString() };

/** Candidates in id order, as the catalog gives them, with scores spread by duration and rate. */
const CANDIDATES: CourseBatch<Course> = createCourseBatch(
  Array.from({ length: 40 }, (_, i) => ({
    id: `c-${String(i).padStart(2, '0')}`,
    updatedAt: '2026-11-01T00:00:00.000Z',
    ...aCourse({
      title: `Formation ${i}`,
      durationHours: 35 + ((i * 37) % 400),
      returnToEmploymentRate: (i % 10) / 10,
    }),
  })),
);

describe('buildSuggestions', () => {
  let scorer: OnnxScorer;

  beforeAll(async () => {
    scorer = await OnnxScorer.load(SHIPPED_MODEL_FOLDER, SHIPPED_MODEL_SHA256);
  });
  afterAll(async () => {
    await scorer.close();
  });

  it('suggests the best courses, each with the course the model scored for it', async () => {
    const every = await scorer.scoreCourses(aJobSeeker(), CANDIDATES, REFERENCE);
    const best = selectTopScores(every.scores, 5);

    const { items } = await buildSuggestions(scorer, SEEKER, CANDIDATES, REFERENCE, 5);

    expect(items.map((item) => item.course.id)).toEqual(best.map((row) => row.courseId));
    expect(items.map((item) => item.course.title)).toEqual(
      best.map((row) => CANDIDATES.courses.find((course) => course.id === row.courseId)?.title),
    );
    expect(items.map((item) => item.score)).toEqual(best.map((row) => row.score));
  });

  it('refuses rows whose position does not hold the course they name', async () => {
    // A scorer that reports every row at the mirrored position: always a candidate, never its own.
    const shifted: Scorer = {
      model: scorer.model,
      manifest: scorer.manifest,
      scoreCourses: async (...args) => {
        const result = await scorer.scoreCourses(...args);
        const mirrored = (index: number) => CANDIDATES.courses.length - 1 - index;
        return { ...result, scores: result.scores.map((row) => ({ ...row, index: mirrored(row.index) })) };
      },
      attribute: (...args) => scorer.attribute(...args),
      close: async () => {},
    };

    await expect(buildSuggestions(shifted, SEEKER, CANDIDATES, REFERENCE, 5)).rejects.toThrow(
      /scored an unknown course/,
    );
  });

  it('never suggests a course whose score is not a probability: a model scoring up to 2 gives only its scores up to 1', async () => {
    // A model registered before outputs were checked, scoring twice the probability.
    const doubling: Scorer = {
      model: scorer.model,
      manifest: scorer.manifest,
      scoreCourses: async (...args) => {
        const result = await scorer.scoreCourses(args[0], args[1], args[2]);
        return { ...result, scores: result.scores.map((row) => ({ ...row, score: row.score * 2 })) };
      },
      attribute: (...args) => scorer.attribute(...args),
      close: async () => {},
    };
    const doubled = (await doubling.scoreCourses(SEEKER, CANDIDATES, REFERENCE)).scores;
    const usable = doubled.filter((row) => row.score <= 1);
    expect(usable.length).toBeGreaterThan(0);
    expect(usable.length).toBeLessThan(doubled.length);

    const { items } = await buildSuggestions(doubling, SEEKER, CANDIDATES, REFERENCE, 40);

    expect(items.map((item) => item.course.id).sort()).toEqual(usable.map((row) => row.courseId).sort());
    for (const item of items) expect(item.score).toBeLessThanOrEqual(1);
  });

  it('counts a session starting a day before the person is available against the course, and never tells it as starting when they are', async () => {
    const person = { ...SEEKER, availableFrom: '2027-01-11' };
    const courses = createCourseBatch(
      ['2027-01-10', '2027-01-11'].map((day, i) => ({
        id: `c-${i}`,
        updatedAt: '2026-11-01T00:00:00.000Z',
        ...aCourse({ nextSessionStart: day }),
      })),
    );
    const { items } = await buildSuggestions(scorer, person, courses, REFERENCE, 2);
    const weeksOf = (courseId: string) =>
      items
        .find((item) => item.course.id === courseId)
        ?.attributions.find((attribution) => attribution.feature === 'weeksToStart');
    expect(weeksOf('c-0')?.value).toBeCloseTo(-1 / 7, 6);
    expect(weeksOf('c-0')?.contribution).toBeLessThan(0);
    expect(weeksOf('c-1')?.value).toBe(0);
    expect(weeksOf('c-1')?.contribution).toBeGreaterThan(0);
    const early = items.find((item) => item.course.id === 'c-0');
    expect(early?.seekerExplanation.summary).not.toContain('commence bientôt');
  });

  /** The shipped scorer, but for a model that weighs `feature` by `contribution` on every course. */
  const weighing = (feature: FeatureName, contribution: number): Scorer => ({
    model: scorer.model,
    manifest: scorer.manifest,
    scoreCourses: (...args) => scorer.scoreCourses(...args),
    attribute: async (...args) => {
      const result = await scorer.attribute(...args);
      const f = FEATURE_NAMES.indexOf(feature);
      return {
        ...result,
        rows: result.rows.map((row) => ({
          ...row,
          contributions: row.contributions.map((c, i) => (i === f ? contribution : c)),
        })),
      };
    },
    close: async () => {},
  });

  it('tells the person and the counselor that the catalog lists no skill for a course whose entry lists none', async () => {
    const courses = createCourseBatch([
      { id: 'c-0', updatedAt: '2026-11-01T00:00:00.000Z', ...aCourse({ skills: [] }) },
    ]);
    const { items } = await buildSuggestions(weighing('skillsCoverage', -0.4), SEEKER, courses, REFERENCE, 1);
    expect(items[0]?.seekerExplanation.reasons.map((reason) => reason.text)).toContain(
      'le catalogue n’indique pas les compétences que la formation enseigne (cela a compté contre cette formation)',
    );
    expect(items[0]?.counselorExplanation).toContain(
      'Compétences déjà acquises = aucune compétence listée au catalogue (−0,40)',
    );
  });

  it('never tells a person a course within the distance they said they can travel as far from home', async () => {
    // About 35 km north of the person's home in Lyon, which they can travel 40 km from.
    const courses = createCourseBatch([
      {
        id: 'c-0',
        updatedAt: '2026-11-01T00:00:00.000Z',
        ...aCourse({ location: { lat: 46.079, lon: 4.8357 } }),
      },
    ]);
    const person = { ...SEEKER, mobilityRadiusKm: 40 };
    const { items } = await buildSuggestions(weighing('distanceKm', -0.4), person, courses, REFERENCE, 1);
    const texts = items[0]?.seekerExplanation.reasons.map((reason) => reason.text);
    expect(texts).toContain(
      'la formation a lieu à 35 km de chez vous, à vol d’oiseau, dans le rayon de 40 km que vous avez indiqué ' +
        '(cela a compté contre cette formation)',
    );
    expect(texts).not.toContain('la formation a lieu loin de chez vous');
  });

  it('scores months unemployed counted on from the profile’s last sync', async () => {
    const syncedLongAgo = { ...SEEKER, monthsUnemployed: 2, updatedAt: '2024-01-04T00:00:00.000Z' };
    const { items } = await buildSuggestions(scorer, syncedLongAgo, CANDIDATES, REFERENCE, 1);
    const months = items[0]?.attributions.find((attribution) => attribution.feature === 'monthsUnemployed');
    expect(months?.value).toBe(38);
  });
});
