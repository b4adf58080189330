import { Command, InvalidArgumentError } from 'commander';
import { ModelFolderExistsError, writeModelFolder } from '../src/model/model-folder.ts';
import { DEFAULT_TRAIN_OPTIONS, trainModel } from '../src/model/train-model.ts';

const program = new Command()
  .name('npm run train --')
  .showHelpAfterError('(npm run train -- --help for usage)')
  .description(
    'Train the explainable boosting machine on the synthetic population and write its model folder',
  )
  .requiredOption('--out <dir>', 'folder to write <name>-<version>/ into')
  .option('--name <name>', 'model name', DEFAULT_TRAIN_OPTIONS.name)
  .option('--model-version <version>', 'model version', DEFAULT_TRAIN_OPTIONS.version)
  .option('--seed <n>', 'population seed', parseInteger, DEFAULT_TRAIN_OPTIONS.population.seed)
  .option(
    '--seekers <n>',
    'synthetic job seekers',
    parseInteger,
    DEFAULT_TRAIN_OPTIONS.population.seekerCount,
  )
  .option('--courses <n>', 'synthetic courses', parseInteger, DEFAULT_TRAIN_OPTIONS.population.courseCount)
  .parse();

const options = program.opts<{
  out: string;
  name: string;
  modelVersion: string;
  seed: number;
  seekers: number;
  courses: number;
}>();

const started = performance.now();
const trained = trainModel({
  ...DEFAULT_TRAIN_OPTIONS,
  name: options.name,
  version: options.modelVersion,
  population: {
    ...DEFAULT_TRAIN_OPTIONS.population,
    seed: options.seed,
    seekerCount: options.seekers,
    courseCount: options.courses,
  },
});
const folder = await writeModelFolder(options.out, trained).catch((error: unknown) => {
  if (!(error instanceof ModelFolderExistsError)) throw error;
  console.error(error.message);
  process.exit(1);
});
const seconds = ((performance.now() - started) / 1000).toFixed(1);
process.stdout.write(
  `${folder}: holdout AUC ${trained.manifest.metrics.holdoutAuc.toFixed(4)}, ` +
    `log loss ${trained.manifest.metrics.holdoutLogLoss.toFixed(4)}, ` +
    `${trained.summary.bestRound}/${trained.summary.rounds} rounds, sha256 ${trained.sha256}, ${seconds} s\n`,
);

function parseInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) {
    throw new InvalidArgumentError('must be a non-negative integer');
  }
  return parsed;
}
