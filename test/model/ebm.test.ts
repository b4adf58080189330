import { describe, expect, it } from 'vitest';
import { predictLogit, writeContributions } from '../../src/model/additive-model.ts';
import { findBin } from '../../src/model/binning.ts';
import { type Dataset, DEFAULT_EBM_OPTIONS, trainEbm } from '../../src/model/ebm.ts';
import { createRandom } from '../../src/shared/random.ts';

const NAMES = ['flag', 'level', 'noise'];
const FEATURES = NAMES.map((name) => ({ name }));

/** Outcomes driven by a flag (+1 logit) and a step at level 5 (+1.5 logit); the third column is noise. */
function makeDataset(seed: number, rowCount: number): Dataset {
  const random = createRandom(seed);
  const rows = new Float32Array(rowCount * NAMES.length);
  const labels = new Uint8Array(rowCount);
  for (let i = 0; i < rowCount; i += 1) {
    const flag = random.nextBoolean(0.5) ? 1 : 0;
    const level = random.nextUniform(0, 10);
    rows.set([flag, level, random.nextUniform(0, 1)], i * NAMES.length);
    const logit = -1.2 + flag + (level > 5 ? 1.5 : 0);
    labels[i] = random.next() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
  }
  return { rows, rowCount, labels };
}

const train = makeDataset(1, 20_000);
const validation = makeDataset(2, 5_000);
const result = trainEbm(FEATURES, train, validation);
const termOf = (name: string) => {
  const term = result.model.terms[NAMES.indexOf(name)];
  if (term === undefined) {
    throw new Error(`no term ${name}`);
  }
  return term;
};
const contributionAt = (name: string, value: number) => {
  const term = termOf(name);
  return term.contributions[findBin(term.edges, value)] ?? Number.NaN;
};

describe('trainEbm', () => {
  it('recovers the effect of a binary feature', () => {
    expect(contributionAt('flag', 1) - contributionAt('flag', 0)).toBeCloseTo(1, 0);
  });

  it('recovers a step in a continuous feature', () => {
    expect(contributionAt('level', 8) - contributionAt('level', 2)).toBeGreaterThan(1.2);
    expect(contributionAt('level', 8) - contributionAt('level', 2)).toBeLessThan(1.8);
    expect(Math.abs(contributionAt('level', 9) - contributionAt('level', 6))).toBeLessThan(0.3);
  });

  it('gives a pure-noise feature only small contributions', () => {
    const noise = Array.from(termOf('noise').contributions, Math.abs);
    expect(Math.max(...noise)).toBeLessThan(0.25);
  });

  it('stops early on the validation set, before the round limit', () => {
    expect(result.rounds).toBeLessThan(DEFAULT_EBM_OPTIONS.maxRounds);
    expect(result.bestRound).toBeLessThanOrEqual(result.rounds);
  });

  it("gives each feature's baseline bin a contribution of exactly zero", () => {
    for (const term of result.model.terms) {
      expect(term.contributions[findBin(term.edges, term.baseline)]).toBe(0);
    }
  });

  it('keeps logit = intercept + sum of contributions', () => {
    const contributions = new Float32Array(NAMES.length);
    for (let i = 0; i < 50; i += 1) {
      writeContributions(result.model, validation.rows, i * NAMES.length, contributions, 0);
      const sum = contributions.reduce((total, value) => total + value, result.model.intercept);
      expect(predictLogit(result.model, validation.rows, i * NAMES.length)).toBeCloseTo(sum, 10);
    }
  });

  it('keeps a shape constrained to increase from going down, even when the data say otherwise', () => {
    const decreasing = makeDataset(3, 8_000);
    for (let i = 0; i < decreasing.rowCount; i += 1) {
      // Flip the effect of the step: high levels now lower the chance.
      decreasing.labels[i] =
        (decreasing.rows[i * NAMES.length + 1] ?? 0) > 5 ? 0 : (decreasing.labels[i] ?? 0);
    }
    const constrained = trainEbm(
      [{ name: 'flag' }, { name: 'level', monotone: 'increasing' }, { name: 'noise' }],
      decreasing,
      validation,
    );
    const level = Array.from(constrained.model.terms[1]?.contributions ?? []);
    level.forEach((value, bin) => {
      expect(value).toBeGreaterThanOrEqual(level[bin - 1] ?? Number.NEGATIVE_INFINITY);
    });
  });

  it('is deterministic: the same data gives the same model', () => {
    const again = trainEbm(FEATURES, train, validation);
    expect(again.model.intercept).toBe(result.model.intercept);
    again.model.terms.forEach((term, f) => {
      expect(Array.from(term.contributions)).toEqual(Array.from(result.model.terms[f]?.contributions ?? []));
      expect(Array.from(term.edges)).toEqual(Array.from(result.model.terms[f]?.edges ?? []));
    });
  });
});
