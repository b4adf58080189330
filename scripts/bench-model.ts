import path from 'node:path';
import { Command } from 'commander';
import { type CourseBatch, createCourseBatch } from '../src/courses/course-table.ts';
import { computeFeatureMatrix } from '../src/model/features.ts';
import { readModelFolder } from '../src/model/model-folder.ts';
import { DEFAULT_POPULATION_OPTIONS, generatePopulation } from '../src/model/synthetic-population.ts';
import { OnnxScorer } from '../src/scoring/onnx-scorer.ts';
import { selectTopScores } from '../src/scoring/select-top-scores.ts';
import { parseCount } from './bench-cli.ts';

/** Targets of issue 3: the scorer within 1.5× of the raw run, sampled attributions within 5× of one scoring. */
const SCORER_TARGET = 1.5;
const SAMPLED_TARGET = 5;
const TOP_K = 10;
const SIZES = [1, 1_000, 10_000] as const;

const program = new Command()
  .name('npm run bench:model --')
  .description(
    'Time the raw ONNX run against the scorer end to end (features, run, top-k, attributions), ' +
      'and the model-agnostic attributions of the top 10 against one 10,000-row scoring',
  )
  .option('--model <folder>', 'model folder', path.join('models', 'aiguillage-ebm-1.1.0'))
  .option(
    '--repetitions <n>',
    'timed runs per measure at 10,000 rows (more for smaller sizes)',
    parseCount,
    30,
  )
  .option('--warmup <n>', 'untimed runs before each measure', parseCount, 5)
  .parse();
const options = program.opts<{ model: string; repetitions: number; warmup: number }>();

const loaded = await readModelFolder(options.model);
const scorer = await OnnxScorer.create(loaded);
// The same graph registered without its contributions output: attribute() then takes the sampled
// Shapley path, so both paths are timed on one model.
const agnostic = await OnnxScorer.create({
  ...loaded,
  manifest: {
    ...loaded.manifest,
    outputs: { score: loaded.manifest.outputs.score },
    attributionMethod: 'sampled-shapley',
  },
});

const population = generatePopulation({
  ...DEFAULT_POPULATION_OPTIONS,
  seekerCount: 1,
  courseCount: Math.max(...SIZES),
  candidatesPerSeeker: 1,
});
const seeker = population.seekers[0];
if (seeker === undefined) throw new Error('the synthetic population has no job seeker');
const profile = seeker.profile;
const referenceDate = population.referenceDate;
const allCourses = population.courses.map((synthetic) => synthetic.course);
const featureCount = scorer.manifest.features.length;

interface Row {
  rows: number;
  rawMs: number;
  scorerMs: number;
}

const results: Row[] = [];
for (const size of SIZES) {
  const courses = createCourseBatch(allCourses.slice(0, size));
  const matrix = writeMatrix(courses);
  const raw = () => scorer.scoreMatrix(matrix, size);
  // As buildSuggestions does it: rows kept for the top k only, then the top k and their attributions.
  const endToEnd = async () => {
    const scored = await scorer.scoreCourses(profile, courses, referenceDate, { keepBest: TOP_K });
    await scorer.attribute(profile, selectTopScores(scored.scores, TOP_K), referenceDate);
  };
  const repetitions = options.repetitions * (size >= 10_000 ? 1 : size >= 1_000 ? 3 : 10);
  const [rawMs, scorerMs] = await timeSideBySide([raw, endToEnd], repetitions, options.warmup);
  results.push({ rows: size, rawMs, scorerMs });
}

// Where the scorer's time goes at 10,000 rows, beside the run itself.
const everyCourse = createCourseBatch(allCourses);
const fullMatrix = writeMatrix(everyCourse);
const fullScoring = await agnostic.scoreCourses(profile, everyCourse, referenceDate);
const [featuresMs, selectMs] = await timeSideBySide(
  [async () => writeMatrix(everyCourse), async () => selectTopScores(fullScoring.scores, TOP_K)],
  options.repetitions,
  options.warmup,
);
const top = selectTopScores(fullScoring.scores, TOP_K);
let method = '';
const [oneScoringMs, sampledMs] = await timeSideBySide(
  [
    () => agnostic.scoreMatrix(fullMatrix, allCourses.length),
    async () => {
      const attributed = await agnostic.attribute(profile, top, referenceDate);
      method = `${attributed.method.method}, ${attributed.method.samples} orderings, error ≤ ${attributed.method.errorEstimate?.toFixed(4)}`;
    },
  ],
  options.repetitions,
  options.warmup,
);

const line = (cells: string[]) =>
  `${cells.map((cell, i) => (i === 0 ? cell.padEnd(8) : cell.padStart(14))).join('')}\n`;
const out: string[] = [
  `Model ${loaded.manifest.name} ${loaded.manifest.version} (${featureCount} features), medians over ${options.repetitions}+ runs after ${options.warmup} warm-up runs\n`,
  '\nScoring one job seeker against N courses\n',
  line(['rows', 'session.run', 'scorer e2e', 'ratio']),
  ...results.map((row) =>
    line([
      row.rows.toLocaleString('en'),
      `${formatMs(row.rawMs)}`,
      `${formatMs(row.scorerMs)}`,
      `${(row.scorerMs / row.rawMs).toFixed(2)}×`,
    ]),
  ),
];
const at10k = results.at(-1);
const scorerRatio = at10k === undefined ? Number.NaN : at10k.scorerMs / at10k.rawMs;
const sampledRatio = sampledMs / oneScoringMs;
out.push(
  `  (scorer e2e = features into one Float32Array + session.run + top ${TOP_K} rows + exact attributions)\n`,
  `  at 10,000 rows: writing the features ${formatMs(featuresMs)}, selecting the top ${TOP_K} of every row ${formatMs(selectMs)}\n`,
  `\nModel-agnostic attributions of the top ${TOP_K} (${method})\n`,
  `  one 10,000-row session.run ${formatMs(oneScoringMs)}, sampled attributions ${formatMs(sampledMs)}\n`,
  '  (the shipped graph without its contributions output; being additive, every ordering agrees: error 0)\n',
  '\nTargets\n',
  `  scorer e2e / session.run at 10,000 rows: ${scorerRatio.toFixed(2)}× (target ≤ ${SCORER_TARGET}×) ${verdict(scorerRatio, SCORER_TARGET)}\n`,
  `  sampled top ${TOP_K} / one 10,000-row run: ${sampledRatio.toFixed(2)}× (target ≤ ${SAMPLED_TARGET}×) ${verdict(sampledRatio, SAMPLED_TARGET)}\n`,
);
process.stdout.write(out.join(''));
await scorer.close();
await agnostic.close();

/** The feature matrix of a batch, as the scorer computes it. */
function writeMatrix({ table, rows }: CourseBatch): Float32Array {
  return computeFeatureMatrix(profile, referenceDate, table, rows);
}

/**
 * Times two tasks `repetitions` times after a warm-up, alternating them within each repetition so
 * that both see the same machine state; returns each one's median in milliseconds.
 */
async function timeSideBySide(
  [first, second]: readonly [() => Promise<unknown>, () => Promise<unknown>],
  repetitions: number,
  warmup: number,
): Promise<[number, number]> {
  for (let i = 0; i < warmup; i += 1) {
    await first();
    await second();
  }
  const firstMs: number[] = [];
  const secondMs: number[] = [];
  for (let i = 0; i < repetitions; i += 1) {
    firstMs.push(await timeOnce(first));
    secondMs.push(await timeOnce(second));
  }
  return [median(firstMs), median(secondMs)];
}

async function timeOnce(task: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await task();
  return performance.now() - started;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
}

function formatMs(ms: number): string {
  return ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(2)} ms`;
}

function verdict(ratio: number, target: number): string {
  return ratio <= target ? 'met' : 'MISSED';
}
