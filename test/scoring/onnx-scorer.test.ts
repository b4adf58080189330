import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCourseTable, createCourseBatch } from '../../src/courses/course-table.ts';
import { sigmoid } from '../../src/model/additive-model.ts';
import { FEATURE_COUNT } from '../../src/model/features.ts';
import { ManifestError } from '../../src/model/manifest.ts';
import { ModelIntegrityError, readModelFolder } from '../../src/model/model-folder.ts';
import { OnnxScorer } from '../../src/scoring/onnx-scorer.ts';
import { selectTopScores } from '../../src/scoring/select-top-scores.ts';
import { SHIPPED_MODEL_FOLDER, SHIPPED_MODEL_SHA256 } from '../model/support/small-model.ts';
import { aCourse, aJobSeeker } from '../support/builders.ts';
import { computeFeatures } from '../support/features.ts';

const REFERENCE = new Date('2027-01-04T00:00:00Z');

const someCourses = () =>
  createCourseBatch([
    { id: 'c-exact', ...aCourse() },
    { id: 'c-remote', ...aCourse({ modality: 'remote', location: null, city: null }) },
    { id: 'c-far', ...aCourse({ targetOccupations: ['M1805'], location: { lat: 48.8566, lon: 2.3522 } }) },
    { id: 'c-unknown-rate', ...aCourse({ returnToEmploymentRate: null, nextSessionStart: null }) },
  ]);

/** The shipped model registered as if it had no `contributions` output: attributions are sampled. */
async function loadWithoutContributions(): Promise<OnnxScorer> {
  const loaded = await readModelFolder(SHIPPED_MODEL_FOLDER, SHIPPED_MODEL_SHA256);
  const manifest = {
    ...loaded.manifest,
    outputs: { score: 'score' },
    attributionMethod: 'sampled-shapley' as const,
  };
  return OnnxScorer.create({ ...loaded, manifest });
}

describe('OnnxScorer', () => {
  let scorer: OnnxScorer;

  beforeAll(async () => {
    scorer = await OnnxScorer.load(SHIPPED_MODEL_FOLDER, SHIPPED_MODEL_SHA256);
  });

  afterAll(async () => {
    await scorer.close();
  });

  it('names the model it scores with, by name, version and hash', () => {
    expect(scorer.model).toEqual({ name: 'aiguillage-ebm', version: '1.1.0', sha256: SHIPPED_MODEL_SHA256 });
  });

  it('scores one person against several courses in one batch, in the order given', async () => {
    const person = aJobSeeker();
    const result = await scorer.scoreCourses(person, someCourses(), REFERENCE);
    expect(result.model).toEqual(scorer.model);
    expect(result.attributionMethod).toBe('exact-additive');
    expect(result.scores.map((score) => score.courseId)).toEqual([
      'c-exact',
      'c-remote',
      'c-far',
      'c-unknown-rate',
    ]);
    for (const [i, course] of someCourses().courses.entries()) {
      const scored = result.scores[i];
      expect(scored?.score).toBeGreaterThan(0);
      expect(scored?.score).toBeLessThan(1);
      expect(scored?.features).toEqual(Array.from(computeFeatures(person, course, REFERENCE)));
      expect(scored?.contributions).toHaveLength(FEATURE_COUNT);
    }
  });

  it('returns contributions that add up to the score with the intercept', async () => {
    const result = await scorer.scoreCourses(aJobSeeker(), someCourses(), REFERENCE);
    for (const scored of result.scores) {
      const logit = (scored.contributions ?? []).reduce(
        (sum, value) => sum + value,
        scorer.manifest.intercept ?? 0,
      );
      expect(scored.score).toBeCloseTo(sigmoid(logit), 5);
    }
  });

  it('ranks an exact-occupation course nearby above an unrelated course far away', async () => {
    const result = await scorer.scoreCourses(aJobSeeker(), someCourses(), REFERENCE);
    const byId = new Map(result.scores.map((score) => [score.courseId, score.score]));
    expect(byId.get('c-exact')).toBeGreaterThan(byId.get('c-far') ?? 1);
  });

  it('answers an empty list without running the model', async () => {
    const result = await scorer.scoreCourses(aJobSeeker(), createCourseBatch([]), REFERENCE);
    expect(result.scores).toEqual([]);
  });

  it('scores hundreds of courses in one run', async () => {
    const courses = Array.from({ length: 500 }, (_, i) => ({
      id: `c-${i}`,
      ...aCourse({ durationHours: 35 + i }),
    }));
    const result = await scorer.scoreCourses(aJobSeeker(), createCourseBatch(courses), REFERENCE);
    expect(result.scores).toHaveLength(500);
    expect(new Set(result.scores.map((score) => score.score)).size).toBeGreaterThan(1);
  });

  it('keeps only the rows of the best courses when asked, unchanged and in the order given', async () => {
    const courses = Array.from({ length: 300 }, (_, i) => ({
      id: `c-${String(i).padStart(3, '0')}`,
      ...aCourse({ durationHours: 35 + ((i * 37) % 300), returnToEmploymentRate: (i % 10) / 10 }),
    }));
    const every = await scorer.scoreCourses(aJobSeeker(), createCourseBatch(courses), REFERENCE);
    const best = await scorer.scoreCourses(aJobSeeker(), createCourseBatch(courses), REFERENCE, {
      keepBest: 10,
    });
    const expectedIds = selectTopScores(every.scores, 10).map((row) => row.courseId);
    expect(best.scores.map((row) => row.courseId)).toEqual(
      every.scores.map((row) => row.courseId).filter((id) => expectedIds.includes(id)),
    );
    expect(best.scores).toEqual(every.scores.filter((row) => expectedIds.includes(row.courseId)));
    expect(selectTopScores(best.scores, 10)).toEqual(selectTopScores(every.scores, 10));
  });

  it('gives each row the position of its course in the batch, kept rows too', async () => {
    const courses = Array.from({ length: 50 }, (_, i) => ({
      id: `c-${String(49 - i).padStart(2, '0')}`,
      ...aCourse({ durationHours: 35 + i * 11 }),
    }));
    const every = await scorer.scoreCourses(aJobSeeker(), createCourseBatch(courses), REFERENCE);
    expect(every.scores.map((row) => row.index)).toEqual(courses.map((_, i) => i));
    const best = await scorer.scoreCourses(aJobSeeker(), createCourseBatch(courses), REFERENCE, {
      keepBest: 5,
    });
    for (const row of best.scores) expect(courses[row.index]?.id).toBe(row.courseId);
    const attributed = await scorer.attribute(aJobSeeker(), best.scores, REFERENCE);
    expect(attributed.rows.map((row) => row.index)).toEqual(best.scores.map((row) => row.index));
    const plain = await loadWithoutContributions();
    try {
      const sampled = await plain.attribute(aJobSeeker(), best.scores, REFERENCE);
      expect(sampled.method.method).toBe('sampled-shapley');
      expect(sampled.rows.map((row) => row.index)).toEqual(best.scores.map((row) => row.index));
    } finally {
      await plain.close();
    }
  });

  it('scores the rows of a table the batch names, in the order of the batch', async () => {
    const courses = someCourses().courses;
    const table = buildCourseTable(courses);
    const picked = [courses[2], courses[0]].filter((course) => course !== undefined);
    const result = await scorer.scoreCourses(
      aJobSeeker(),
      { courses: picked, table, rows: Int32Array.of(2, 0) },
      REFERENCE,
    );
    const alone = await scorer.scoreCourses(aJobSeeker(), createCourseBatch(picked), REFERENCE);
    expect(result.scores.map((row) => row.courseId)).toEqual(['c-far', 'c-exact']);
    expect(result.scores).toEqual(alone.scores);
  });

  it('refuses a batch whose courses and rows differ in number, or a row the table does not hold', async () => {
    const { courses, table } = someCourses();
    await expect(
      scorer.scoreCourses(aJobSeeker(), { courses, table, rows: Int32Array.of(0) }, REFERENCE),
    ).rejects.toThrow(RangeError);
    await expect(
      scorer.scoreCourses(
        aJobSeeker(),
        { courses: courses.slice(0, 1), table, rows: Int32Array.of(4) },
        REFERENCE,
      ),
    ).rejects.toThrow(RangeError);
  });

  it('refuses a model folder whose bytes do not have the expected hash', async () => {
    await expect(OnnxScorer.load(SHIPPED_MODEL_FOLDER, '0'.repeat(64))).rejects.toThrow(ModelIntegrityError);
  });

  it('refuses a manifest whose features are not the ones this code computes', async () => {
    const loaded = await readModelFolder(SHIPPED_MODEL_FOLDER, SHIPPED_MODEL_SHA256);
    const features = [...loaded.manifest.features].reverse();
    await expect(
      OnnxScorer.create({ ...loaded, manifest: { ...loaded.manifest, features } }),
    ).rejects.toThrow(ManifestError);
  });

  it('refuses a manifest naming an output the graph does not have', async () => {
    const loaded = await readModelFolder(SHIPPED_MODEL_FOLDER, SHIPPED_MODEL_SHA256);
    const manifest = { ...loaded.manifest, outputs: { score: 'probability' } };
    await expect(OnnxScorer.create({ ...loaded, manifest })).rejects.toThrow('lacks probability');
  });

  it('hands back the exact contributions as attributions for the shipped model', async () => {
    const result = await scorer.scoreCourses(aJobSeeker(), someCourses(), REFERENCE);
    const attributed = await scorer.attribute(aJobSeeker(), result.scores, REFERENCE);
    expect(attributed.method).toEqual({ method: 'exact-additive' });
    expect(attributed.rows.map((row) => row.contributions)).toEqual(
      result.scores.map((score) => score.contributions),
    );
  });

  it('estimates the attributions of a batch in which a row’s exact contribution is not a number, and says so', async () => {
    const result = await scorer.scoreCourses(aJobSeeker(), someCourses(), REFERENCE);
    const [first, ...others] = result.scores;
    if (first?.contributions == null) throw new Error('exact contributions expected');
    const odd = {
      ...first,
      contributions: first.contributions.map((value, f) => (f === 0 ? Number.NaN : value)),
    };
    const attributed = await scorer.attribute(aJobSeeker(), [odd, ...others], REFERENCE);
    expect(attributed.method.method).toBe('sampled-shapley');
    for (const row of attributed.rows) expect(row.contributions.every(Number.isFinite)).toBe(true);
  });

  it('estimates the attributions of a batch in which a row’s exact contributions do not add up to its score, and says so', async () => {
    const result = await scorer.scoreCourses(aJobSeeker(), someCourses(), REFERENCE);
    const [first, ...others] = result.scores;
    if (first?.contributions == null) throw new Error('exact contributions expected');
    // A model additive on its reference rows but not on this one: its weights would be told as exact.
    const odd = {
      ...first,
      contributions: first.contributions.map((value, f) => (f === 0 ? value + 1 : value)),
    };
    const attributed = await scorer.attribute(aJobSeeker(), [odd, ...others], REFERENCE);
    expect(attributed.method.method).toBe('sampled-shapley');
    expect(attributed.rows[0]?.contributions[0]).not.toBeCloseTo(odd.contributions[0] ?? Number.NaN, 3);
  });

  it('samples Shapley values for a model without contributions, which match the exact ones of an additive model', async () => {
    const plain = await loadWithoutContributions();
    try {
      const exact = await scorer.scoreCourses(aJobSeeker(), someCourses(), REFERENCE);
      const scored = await plain.scoreCourses(aJobSeeker(), someCourses(), REFERENCE);
      const attributed = await plain.attribute(aJobSeeker(), scored.scores, REFERENCE);
      expect(attributed.method.method).toBe('sampled-shapley');
      expect(attributed.method.errorEstimate).toBeLessThan(1e-3);
      attributed.rows.forEach((row, i) => {
        row.contributions.forEach((value, f) => {
          expect(value).toBeCloseTo(exact.scores[i]?.contributions?.[f] ?? Number.NaN, 3);
        });
      });
    } finally {
      await plain.close();
    }
  });

  it('gives null contributions for a model registered without them', async () => {
    const plain = await loadWithoutContributions();
    try {
      const result = await plain.scoreCourses(aJobSeeker(), someCourses(), REFERENCE);
      expect(result.attributionMethod).toBe('sampled-shapley');
      expect(result.scores.every((score) => score.contributions === null)).toBe(true);
    } finally {
      await plain.close();
    }
  });
});
