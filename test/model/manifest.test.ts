import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FEATURE_NAMES } from '../../src/model/features.ts';
import {
  assertFeatureList,
  assertStorableTexts,
  ManifestError,
  parseModelManifest,
} from '../../src/model/manifest.ts';
import { MANIFEST_FILE } from '../../src/model/model-folder.ts';
import { SHIPPED_MODEL_FOLDER } from './support/small-model.ts';

const shippedJson: unknown = JSON.parse(await readFile(join(SHIPPED_MODEL_FOLDER, MANIFEST_FILE), 'utf8'));

/** A deep copy of the shipped manifest as plain JSON, to break on purpose. */
function aManifestJson(): Record<string, unknown> {
  return structuredClone(shippedJson) as Record<string, unknown>;
}

describe('parseModelManifest', () => {
  it('accepts the shipped manifest, with its features in the order the features module computes them', () => {
    const manifest = parseModelManifest(shippedJson);
    expect(manifest.name).toBe('aiguillage-ebm');
    expect(manifest.input).toBe('features');
    expect(manifest.outputs).toEqual({ score: 'score', contributions: 'contributions' });
    expect(manifest.attributionMethod).toBe('exact-additive');
    expect(manifest.features.map((feature) => feature.name)).toEqual(FEATURE_NAMES);
    expect(manifest.referenceDistributions.map((entry) => entry.feature)).toEqual(FEATURE_NAMES);
    expect(() => assertFeatureList(manifest, FEATURE_NAMES)).not.toThrow();
  });

  it('gives every feature French and English labels and both plain-language phrases', () => {
    for (const feature of parseModelManifest(shippedJson).features) {
      expect(feature.labelFr.length).toBeGreaterThan(3);
      expect(feature.labelEn.length).toBeGreaterThan(3);
      expect(feature.positivePhraseFr).not.toBe(feature.negativePhraseFr);
    }
  });

  it('gives reference distributions whose shares sum to one', () => {
    for (const entry of parseModelManifest(shippedJson).referenceDistributions) {
      expect(entry.shares.reduce((sum, share) => sum + share, 0)).toBeCloseTo(1, 4);
    }
  });

  it('refuses something that is not an object', () => {
    expect(() => parseModelManifest('manifest')).toThrow(ManifestError);
    expect(() => parseModelManifest(null)).toThrow(ManifestError);
  });

  it('refuses a missing name, pointing at it', () => {
    const json = aManifestJson();
    delete json.name;
    expect(() => parseModelManifest(json)).toThrow('manifest $.name: must be a non-empty string');
  });

  it('refuses a feature without its phrases', () => {
    const json = aManifestJson();
    const features = json.features as Array<Record<string, unknown>>;
    delete features[3]?.negativePhraseFr;
    expect(() => parseModelManifest(json)).toThrow('$.features[3].negativePhraseFr');
  });

  it('refuses a feature listed twice', () => {
    const json = aManifestJson();
    const features = json.features as unknown[];
    json.features = [...features, features[0]];
    expect(() => parseModelManifest(json)).toThrow('appears twice');
  });

  it('refuses exact-additive attribution without a contributions output or an intercept', () => {
    const withoutOutput = aManifestJson();
    withoutOutput.outputs = { score: 'score' };
    expect(() => parseModelManifest(withoutOutput)).toThrow('exact-additive needs');
    const withoutIntercept = aManifestJson();
    delete withoutIntercept.intercept;
    expect(() => parseModelManifest(withoutIntercept)).toThrow('exact-additive needs');
  });

  it('accepts a model without contributions when its attributions are to be sampled', () => {
    const json = aManifestJson();
    json.outputs = { score: 'probability' };
    json.attributionMethod = 'sampled-shapley';
    delete json.intercept;
    expect(parseModelManifest(json).outputs.contributions).toBeUndefined();
  });

  it('refuses reference distributions whose shares do not fit the edges', () => {
    const json = aManifestJson();
    const distributions = json.referenceDistributions as Array<Record<string, unknown>>;
    const first = distributions[0];
    if (first !== undefined) {
      first.shares = [1];
    }
    expect(() => parseModelManifest(json)).toThrow('$.referenceDistributions[0].shares');
  });

  it('refuses a non-finite metric', () => {
    const json = aManifestJson();
    json.metrics = { holdoutAuc: 'high', holdoutLogLoss: 0.5 };
    expect(() => parseModelManifest(json)).toThrow('$.metrics.holdoutAuc');
  });
});

describe('assertFeatureList', () => {
  it('refuses a manifest whose features come in another order', () => {
    const json = aManifestJson();
    json.features = [...(json.features as unknown[])].reverse();
    json.referenceDistributions = [...(json.referenceDistributions as unknown[])].reverse();
    expect(() => assertFeatureList(parseModelManifest(json), FEATURE_NAMES)).toThrow(ManifestError);
  });
});

describe('assertStorableTexts', () => {
  it('names the first text written that no engine stores, not a later one', () => {
    const manifest = parseModelManifest(aManifestJson());
    const [first, second] = manifest.features;
    if (first === undefined || second === undefined) throw new Error('two features');
    const odd = {
      ...manifest,
      features: [
        { ...first, labelFr: 'a\u0000b' },
        { ...second, labelEn: 'c\ud800d' },
        ...manifest.features.slice(2),
      ],
    };
    expect(() => assertStorableTexts(odd)).toThrow('$.features[0].labelFr');
  });
});
