import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Course } from '../../src/courses/course.ts';
import { type CourseBatch, createCourseBatch } from '../../src/courses/course-table.ts';
import { buildSuggestions } from '../../src/recommendations/build-suggestions.ts';
import { OnnxScorer } from '../../src/scoring/onnx-scorer.ts';
import type { Scorer } from '../../src/scoring/scorer.ts';
import { selectTopScores } from '../../src/scoring/select-top-scores.ts';
import { SHIPPED_MODEL_FOLDER, SHIPPED_MODEL_SHA256 } from '../model/support/small-model.ts';
import { aCourse, aJobSeeker } from '../support/builders.ts';

const REFERENCE = new Date('2027-01-04T00:00:00Z');

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

    const { items } = await buildSuggestions(scorer, aJobSeeker(), CANDIDATES, REFERENCE, 5);

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

    await expect(buildSuggestions(shifted, aJobSeeker(), CANDIDATES, REFERENCE, 5)).rejects.toThrow(
      /scored an unknown course/,
    );
  });
});
