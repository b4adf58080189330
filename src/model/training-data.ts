import { createRandom } from '../shared/random.ts';
import type { Dataset } from './ebm.ts';
import { createFeatureWriter, FEATURE_COUNT, type FeatureWriter } from './features.ts';
import { buildCatalogTable, type SyntheticPair, type SyntheticPopulation } from './synthetic-population.ts';

/** The three disjoint parts of a population, split by person so no one sits on two sides. */
export interface DataSplit {
  train: Dataset;
  validation: Dataset;
  holdout: Dataset;
  /** The pairs behind the holdout rows, in row order (for group evaluation). */
  holdoutPairs: SyntheticPair[];
  /** The people (positions in `population.seekers`) of each side. */
  people: Record<Side, number[]>;
}

type Side = 'train' | 'validation' | 'holdout';

const VALIDATION_SHARE = 0.15;
const HOLDOUT_SHARE = 0.15;

/**
 * Splits the population's pairs by person (70 % train, 15 % validation for early stopping,
 * 15 % holdout for the card) and computes their feature rows with the serving features module.
 * Each person is drawn to a side with those chances, so the shares that come out are near them, not
 * equal: the card counts them from `people`.
 */
export function splitPopulation(population: SyntheticPopulation): DataSplit {
  const random = createRandom(population.options.seed ^ 0x5eed5);
  const side = population.seekers.map((): Side => {
    const u = random.next();
    return u < HOLDOUT_SHARE ? 'holdout' : u < HOLDOUT_SHARE + VALIDATION_SHARE ? 'validation' : 'train';
  });
  const pick = (name: Side) => population.pairs.filter((pair) => side[pair.seekerIndex] === name);
  const peopleOf = (name: Side) => side.flatMap((s, index) => (s === name ? [index] : []));
  const holdoutPairs = pick('holdout');
  return {
    train: buildDataset(population, pick('train')),
    validation: buildDataset(population, pick('validation')),
    holdout: buildDataset(population, holdoutPairs),
    holdoutPairs,
    people: { train: peopleOf('train'), validation: peopleOf('validation'), holdout: peopleOf('holdout') },
  };
}

/** Returns the feature matrix and outcomes of the given pairs, as the model sees them. */
export function buildDataset(population: SyntheticPopulation, pairs: readonly SyntheticPair[]): Dataset {
  const rows = new Float32Array(pairs.length * FEATURE_COUNT);
  const labels = new Uint8Array(pairs.length);
  const table = buildCatalogTable(population.courses);
  // Pairs come person by person: one writer per person met.
  let writer: { seekerIndex: number; writeRow: FeatureWriter } | undefined;
  pairs.forEach((pair, i) => {
    const seeker = population.seekers[pair.seekerIndex];
    if (seeker === undefined || !(pair.courseIndex >= 0 && pair.courseIndex < table.size)) {
      throw new RangeError(`pair ${i} points outside the population`);
    }
    if (writer?.seekerIndex !== pair.seekerIndex) {
      writer = {
        seekerIndex: pair.seekerIndex,
        writeRow: createFeatureWriter(seeker.profile, population.referenceDate, table),
      };
    }
    writer.writeRow(pair.courseIndex, rows, i * FEATURE_COUNT);
    labels[i] = pair.outcome;
  });
  return { rows, rowCount: pairs.length, labels };
}
