import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { computeSha256, MODEL_FILE } from '../../../src/model/model-folder.ts';
import { DEFAULT_POPULATION_OPTIONS } from '../../../src/model/synthetic-population.ts';
import { DEFAULT_TRAIN_OPTIONS, type TrainModelOptions } from '../../../src/model/train-model.ts';

/** A population small enough to train in a couple of seconds, for tests that need a real model. */
export const SMALL_TRAIN_OPTIONS: TrainModelOptions = {
  ...DEFAULT_TRAIN_OPTIONS,
  version: '0.0.0-test',
  population: { ...DEFAULT_POPULATION_OPTIONS, seed: 7, seekerCount: 1200, courseCount: 120 },
};

/** The model folder shipped in the repository. */
export const SHIPPED_MODEL_FOLDER = fileURLToPath(
  new URL('../../../models/aiguillage-ebm-1.1.0', import.meta.url),
);

/**
 * The model shipped before 1.1.0, kept in the repository as it was registered: deployments that still
 * have it active load it from there, with its registered hashes.
 */
export const PREVIOUS_SHIPPED_MODEL_FOLDER = fileURLToPath(
  new URL('../../../models/aiguillage-ebm-1.0.0', import.meta.url),
);

/** The hash of the shipped model's ONNX file, as the registry checks it. */
export const SHIPPED_MODEL_SHA256 = computeSha256(
  new Uint8Array(await readFile(join(SHIPPED_MODEL_FOLDER, MODEL_FILE))),
);
