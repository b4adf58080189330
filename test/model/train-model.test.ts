import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FEATURE_NAMES } from '../../src/model/features.ts';
import { formatJson } from '../../src/model/format-json.ts';
import {
  CARD_FILE,
  MANIFEST_FILE,
  MODEL_FILE,
  readModelFolder,
  writeModelFolder,
} from '../../src/model/model-folder.ts';
import { DEFAULT_TRAIN_OPTIONS, nameShapePlot, trainModel } from '../../src/model/train-model.ts';
import { SHIPPED_MODEL_FOLDER, SMALL_TRAIN_OPTIONS } from './support/small-model.ts';

const first = trainModel(SMALL_TRAIN_OPTIONS);
const temporaryFolders: string[] = [];

afterAll(async () => {
  await Promise.all(temporaryFolders.map((folder) => rm(folder, { recursive: true, force: true })));
});

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

  it('reaches a useful holdout AUC even on a small population', () => {
    expect(first.manifest.metrics.holdoutAuc).toBeGreaterThan(0.7);
  });

  it('reproduces the shipped model folder exactly with the default options', async () => {
    const fresh = trainModel(DEFAULT_TRAIN_OPTIONS);
    const shipped = await readModelFolder(SHIPPED_MODEL_FOLDER);
    expect(shipped.sha256).toBe(fresh.sha256);
    expect(Buffer.from(shipped.onnx).equals(Buffer.from(fresh.onnx))).toBe(true);
    expect(await readFile(join(SHIPPED_MODEL_FOLDER, MANIFEST_FILE), 'utf8')).toBe(
      formatJson(fresh.manifest),
    );
    expect(await readFile(join(SHIPPED_MODEL_FOLDER, CARD_FILE), 'utf8')).toBe(fresh.card);
    for (const attachment of fresh.attachments) {
      expect(await readFile(join(SHIPPED_MODEL_FOLDER, attachment.fileName), 'utf8')).toBe(
        attachment.content,
      );
    }
  }, 120_000);
});
