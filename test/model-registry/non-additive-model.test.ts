import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCourseBatch } from '../../src/courses/course-table.ts';
import { FEATURE_NAMES } from '../../src/model/features.ts';
import { OnnxScorer } from '../../src/scoring/onnx-scorer.ts';
import { aCourse, aJobSeeker } from '../support/builders.ts';
import { createModelsDir, writeMlpModelFolder } from './support/model-folders.ts';

const REFERENCE = new Date('2027-01-04T00:00:00Z');

function toLogit(p: number): number {
  return Math.log(p / (1 - p));
}

/** The fixture the registry and API tests rely on for the model-agnostic path. */
describe('the small non-additive test model', () => {
  let modelsDir: { dir: string; remove(): Promise<void> };
  let scorer: OnnxScorer;

  beforeAll(async () => {
    modelsDir = await createModelsDir();
    const mlp = await writeMlpModelFolder(modelsDir.dir);
    scorer = await OnnxScorer.load(path.join(modelsDir.dir, mlp.folder), mlp.sha256);
  });
  afterAll(async () => {
    await scorer.close();
    await modelsDir.remove();
  });

  it('has no contributions output, so its manifest asks for sampled attributions', () => {
    expect(scorer.manifest.outputs).toEqual({ score: 'probability' });
    expect(scorer.manifest.attributionMethod).toBe('sampled-shapley');
  });

  it('is not additive: two features changed together move the logit by more than each alone', async () => {
    const baseline = Float32Array.from(scorer.manifest.features, (feature) => feature.baseline);
    const occupation = FEATURE_NAMES.indexOf('occupationMatch');
    const months = FEATURE_NAMES.indexOf('monthsUnemployed');
    const rows = new Float32Array(baseline.length * 4);
    for (let r = 0; r < 4; r += 1) rows.set(baseline, r * baseline.length);
    rows[baseline.length + occupation] = 2;
    rows[2 * baseline.length + months] = 24;
    rows[3 * baseline.length + occupation] = 2;
    rows[3 * baseline.length + months] = 24;
    const [base, one, other, both] = Array.from((await scorer.scoreMatrix(rows, 4)).scores, toLogit);
    const interaction = (both ?? 0) - (one ?? 0) - (other ?? 0) + (base ?? 0);
    expect(Math.abs(interaction)).toBeGreaterThan(0.05);
  });

  it('gets sampled attributions whose orderings disagree, hence a non-zero error estimate', async () => {
    const courses = createCourseBatch([
      { id: 'c-1', ...aCourse() },
      { id: 'c-2', ...aCourse({ targetOccupations: ['K2503'], durationHours: 300, funded: false }) },
    ]);
    const scored = await scorer.scoreCourses(aJobSeeker(), courses, REFERENCE);
    expect(scored.scores.every((row) => row.contributions === null)).toBe(true);
    const attributed = await scorer.attribute(aJobSeeker(), scored.scores, REFERENCE);
    expect(attributed.method).toMatchObject({ method: 'sampled-shapley', samples: 32 });
    expect(attributed.method.errorEstimate).toBeGreaterThan(0);
    expect(attributed.method.errorEstimate).toBeLessThan(0.5);
  });
});
