import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { computeDriftStats } from '../../src/audit/drift-stats.ts';
import type { ScoredEvent } from '../../src/audit/personal-part.ts';
import { FEATURE_COUNT, FEATURE_NAMES } from '../../src/model/features.ts';
import { formatJson } from '../../src/model/format-json.ts';
import { buildServingCatalog, suggestAsServed } from '../../src/model/group-evaluation.ts';
import {
  CARD_FILE,
  MANIFEST_FILE,
  MODEL_FILE,
  ModelFolderExistsError,
  readModelFolder,
  writeModelFolder,
} from '../../src/model/model-folder.ts';
import { generatePopulation } from '../../src/model/synthetic-population.ts';
import {
  DEFAULT_TRAIN_OPTIONS,
  nameShapePlot,
  type TrainedModel,
  trainModel,
} from '../../src/model/train-model.ts';
import { splitPopulation } from '../../src/model/training-data.ts';
import { SHIPPED_MODEL_FOLDER, SMALL_TRAIN_OPTIONS } from './support/small-model.ts';

const first = trainModel(SMALL_TRAIN_OPTIONS);
const temporaryFolders: string[] = [];
let shipped: TrainedModel | undefined;

/** The shipped model, trained once for the tests that need it (about 15 s). */
function trainShipped(): TrainedModel {
  shipped ??= trainModel(DEFAULT_TRAIN_OPTIONS);
  return shipped;
}

afterAll(async () => {
  await Promise.all(temporaryFolders.map((folder) => rm(folder, { recursive: true, force: true })));
});

/**
 * A card without its split sentence. The shipped card gives the configured shares there and stays as
 * registered; cards rendered now give the measured ones (record 0012, erratum).
 */
function omitSplit(card: string): string {
  return card.replace(/one appears on two sides: .*?every figure below\)\./s, 'one appears on two sides: …');
}

describe('trainModel', () => {
  it('gives byte-identical model.onnx, manifest and card for the same seed', () => {
    const second = trainModel(SMALL_TRAIN_OPTIONS);
    expect(Buffer.from(second.onnx).equals(Buffer.from(first.onnx))).toBe(true);
    expect(second.sha256).toBe(first.sha256);
    expect(formatJson(second.manifest)).toBe(formatJson(first.manifest));
    expect(second.card).toBe(first.card);
  });

  it('gives another model for another seed', () => {
    const other = trainModel({
      ...SMALL_TRAIN_OPTIONS,
      population: { ...SMALL_TRAIN_OPTIONS.population, seed: SMALL_TRAIN_OPTIONS.population.seed + 1 },
    });
    expect(other.sha256).not.toBe(first.sha256);
  });

  it('writes a folder the loader reads back under the same hash, with a plot per feature', async () => {
    const out = await mkdtemp(join(tmpdir(), 'aiguillage-model-'));
    temporaryFolders.push(out);
    const folder = await writeModelFolder(out, first);
    expect(folder).toBe(join(out, 'aiguillage-ebm-0.0.0-test'));
    const loaded = await readModelFolder(folder, first.sha256);
    expect(loaded.manifest).toEqual(first.manifest);
    const files = await readdir(folder);
    expect(files).toEqual(
      expect.arrayContaining([MODEL_FILE, MANIFEST_FILE, CARD_FILE, ...FEATURE_NAMES.map(nameShapePlot)]),
    );
    const svg = await readFile(join(folder, nameShapePlot('distanceKm')), 'utf8');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg.trimEnd()).toMatch(/<\/svg>$/);
  });

  it('refuses to write over a model folder that exists, leaving its files as they were', async () => {
    const out = await mkdtemp(join(tmpdir(), 'aiguillage-model-'));
    temporaryFolders.push(out);
    const folder = await writeModelFolder(out, first);

    await expect(writeModelFolder(out, { ...first, card: 'another card\n' })).rejects.toThrow(
      ModelFolderExistsError,
    );
    expect(await readFile(join(folder, CARD_FILE), 'utf8')).toBe(first.card);
    expect((await readModelFolder(folder, first.sha256)).sha256).toBe(first.sha256);
  });

  it('reaches a useful holdout AUC even on a small population', () => {
    expect(first.manifest.metrics.holdoutAuc).toBeGreaterThan(0.7);
  });

  it('reproduces the shipped model folder exactly with the default options, save the split the shipped card gives as configured', async () => {
    const fresh = trainShipped();
    const shipped = await readModelFolder(SHIPPED_MODEL_FOLDER);
    expect(shipped.sha256).toBe(fresh.sha256);
    expect(Buffer.from(shipped.onnx).equals(Buffer.from(fresh.onnx))).toBe(true);
    expect(await readFile(join(SHIPPED_MODEL_FOLDER, MANIFEST_FILE), 'utf8')).toBe(
      formatJson(fresh.manifest),
    );
    expect(omitSplit(await readFile(join(SHIPPED_MODEL_FOLDER, CARD_FILE), 'utf8'))).toBe(
      omitSplit(fresh.card),
    );
    expect(fresh.card).toContain('holdout 9808 pairs, 1226 people (15.3 %, every figure below)');
    for (const attachment of fresh.attachments) {
      expect(await readFile(join(SHIPPED_MODEL_FOLDER, attachment.fileName), 'utf8')).toBe(
        attachment.content,
      );
    }
  }, 120_000);

  it('gives a drift reference its own holdout people match: suggested as the service would, no feature drifts', async () => {
    const trained = trainShipped();
    const population = generatePopulation(DEFAULT_TRAIN_OPTIONS.population);
    const catalog = buildServingCatalog(population);
    // As the service logs them: one recommendation.generated per person, a vector per suggested course.
    const events: ScoredEvent[] = splitPopulation(population).people.holdout.map((person) => {
      const { rows, courseIndexes } = suggestAsServed(trained.model, population, catalog, person);
      const featureVectors = courseIndexes.map((_, i) => ({
        features: Array.from(rows.subarray(i * FEATURE_COUNT, (i + 1) * FEATURE_COUNT)),
      }));
      return {
        type: 'recommendation.generated',
        subject: `P${person}`,
        occurredAt: '2026-11-23T12:00:00.000Z',
        payload: { setId: `S${person}`, model: { id: 'shipped' } },
        personal: JSON.stringify({ featureVectors }),
      };
    });
    const reference = {
      modelId: 'shipped',
      modelVersion: trained.manifest.version,
      active: true,
      recalledAt: null,
      distributions: trained.manifest.referenceDistributions,
    };
    const report = await computeDriftStats(
      events,
      new Map([['shipped', reference]]),
      async (sealed) => ({ status: 'readable', value: JSON.parse(sealed) }),
      1,
    );
    const levels = report.models[0]?.features.map((feature) => [feature.feature, feature.level]);
    expect(levels).toEqual(FEATURE_NAMES.map((name) => [name, 'stable']));
    expect(trained.manifest.referenceDescription).toMatch(/hard filters.*10 best/s);
  }, 120_000);

  it('evaluates the groups on the suggestions the service would make, and flags those below the 0.8 level', () => {
    const { groups, card } = trainShipped();
    const underTwentySix = groups.find((row) => row.group === 'under-26');
    expect(underTwentySix?.strongSuggestionRatio).toBeCloseTo(0.76, 2);
    const everyone = groups.filter((row) => row.attribute === 'sex');
    const without = everyone.reduce((sum, row) => sum + row.peopleWithoutCandidate, 0);
    const people = everyone.reduce((sum, row) => sum + row.people, 0);
    expect(without / people).toBeCloseTo(0.13, 2);
    expect(card).not.toContain('whole catalog');
    expect(card).toMatch(/\| ageBand \| under-26 \|.*\| 0\.76 ⚠ \|/);
    expect(card).toContain('**Below the 0.8 warning level:** ageBand under-26 (0.76)');
    expect(card).toMatch(/No suggestion at all for some people.*13\.0 % of the holdout people/s);
  }, 120_000);
});
