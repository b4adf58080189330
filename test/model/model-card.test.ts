import { describe, expect, it } from 'vitest';
import { FEATURE_NAMES } from '../../src/model/features.ts';
import { generatePopulation } from '../../src/model/synthetic-population.ts';
import { nameShapePlot, trainModel } from '../../src/model/train-model.ts';
import { splitPopulation } from '../../src/model/training-data.ts';
import { SMALL_TRAIN_OPTIONS } from './support/small-model.ts';

const trained = trainModel(SMALL_TRAIN_OPTIONS);
const card = trained.card;

describe('the model card', () => {
  it('identifies the model by name, version and the SHA-256 of model.onnx', () => {
    expect(card).toContain(`# Model card — aiguillage-ebm ${SMALL_TRAIN_OPTIONS.version}`);
    expect(card).toContain(trained.sha256);
  });

  it('states the intended use, the out-of-scope uses and the limits', () => {
    expect(card).toContain('## 1. Intended use');
    expect(card).toContain('must not be used to');
    expect(card).toContain('Never an automatic decision');
    expect(card).toContain('## 2. Known limits');
    expect(card).toContain('Synthetic data only');
  });

  it('says what the model does not see and why', () => {
    expect(card).toContain('## 3. Data minimisation');
    expect(card).toMatch(/does not see\*\*, by design: age .* sex .* disability/s);
  });

  it('reports the holdout AUC and log loss of the manifest, and a ten-row calibration table', () => {
    expect(card).toContain(`| AUC | ${trained.manifest.metrics.holdoutAuc.toFixed(4)} |`);
    expect(card).toContain(`| Log loss | ${trained.manifest.metrics.holdoutLogLoss.toFixed(4)} |`);
    const calibrationRows = card
      .split('\n')
      .filter((line) => /^\| (10|[1-9]) \| \d+ \| [\d.]+ % \| [\d.]+ % \|$/.test(line));
    expect(calibrationRows).toHaveLength(10);
  });

  it('shows every shape function as a table and links its plot', () => {
    for (const name of FEATURE_NAMES) {
      expect(card).toContain(`(${nameShapePlot(name)})`);
    }
    expect(card.match(/\| Bin \| Contribution \(logit\) \| Training rows \|/g)).toHaveLength(
      FEATURE_NAMES.length,
    );
  });

  it('reports outcome and top-10 suggestion rates for every synthetic group', () => {
    for (const group of ['under-26', '26-49', '50-plus', 'female', 'male', 'disability', 'no disability']) {
      expect(card).toMatch(new RegExp(`\\| (ageBand|sex|disability) \\| ${group} \\| \\d+ \\|`));
    }
    expect(trained.groups).toHaveLength(7);
  });

  it('gives each side of the split its pairs, its people and their share of people as measured', () => {
    const split = splitPopulation(generatePopulation(SMALL_TRAIN_OPTIONS.population));
    const everyone = SMALL_TRAIN_OPTIONS.population.seekerCount;
    const side = (name: 'train' | 'validation' | 'holdout') => {
      const people = split.people[name].length;
      return `${split[name].rowCount} pairs, ${people} people (${((people / everyone) * 100).toFixed(1)} %`;
    };
    expect(card).toContain(`training ${side('train')} of people);`);
    expect(card).toContain(`validation ${side('validation')}, early stopping);`);
    expect(card).toContain(`holdout ${side('holdout')}, every figure below).`);
  });

  it('tells the generative story with the effects that drive the outcome', () => {
    expect(card).toContain('## 4. Training data and generative story');
    expect(card).toContain('exact ROME code +1.1');
    expect(card).toContain('direct effects the model cannot see');
  });
});
