import { DEFAULT_TOP_K } from '../recommendations/suggestion-count.ts';
import type { AdditiveModel } from './additive-model.ts';
import { formatNumber, labelBin } from './bin-labels.ts';
import type { ServedDriftReference } from './drift-reference.ts';
import type { EbmOptions } from './ebm.ts';
import { FEATURE_TEXTS } from './feature-texts.ts';
import { FEATURES } from './features.ts';
import { describeGenerativeStory } from './generative-story.ts';
import {
  type GroupEvaluation,
  PARITY_WARNING_RATIO,
  STRONG_SUGGESTION_THRESHOLD,
} from './group-evaluation.ts';
import type { ModelManifest } from './manifest.ts';
import type { CalibrationBin } from './metrics.ts';
import type { PopulationOptions } from './synthetic-population.ts';

/** Facts of a training run that the model card reports. */
export interface TrainingSummary {
  rounds: number;
  bestRound: number;
  validationLogLoss: number;
  trainingRows: number;
  validationRows: number;
  holdoutRows: number;
  /** People on each side of the split, as drawn: the card's shares are counted from these. */
  trainingPeople: number;
  validationPeople: number;
  holdoutPeople: number;
  /** AUC of the simulation's true probabilities on the holdout: the ceiling any model could reach. */
  oracleAuc: number;
}

/** What the card is written from. */
export interface ModelCardInput {
  manifest: ModelManifest;
  sha256: string;
  model: AdditiveModel;
  summary: TrainingSummary;
  calibration: CalibrationBin[];
  groups: GroupEvaluation[];
  /** What the manifest's drift reference was computed from. */
  driftReference: ServedDriftReference;
  options: { population: PopulationOptions; ebm: EbmOptions };
  shapePlotName: (feature: string) => string;
}

/**
 * Renders MODEL_CARD.md: identity, intended use and limits, data minimisation, data and method,
 * holdout performance and calibration, every shape function, figures per synthetic group, and how
 * to monitor the model. Written for the counselors' managers and for an auditor (AI Act Art. 11, 13
 * and Annex IV), so it states facts and definitions rather than claims.
 */
export function renderModelCard(input: ModelCardInput): string {
  return [
    renderIdentity(input),
    renderIntendedUse(),
    renderLimits(input),
    renderDataMinimisation(),
    renderTrainingData(input),
    renderFeatures(input),
    renderMethod(input),
    renderPerformance(input),
    renderShapes(input),
    renderGroups(input),
    renderExplanations(input),
    renderMonitoring(input),
  ].join('\n\n');
}

function renderIdentity({ manifest, sha256, options }: ModelCardInput): string {
  return [
    `# Model card — ${manifest.name} ${manifest.version}`,
    '',
    manifest.description,
    '',
    '| | |',
    '|---|---|',
    `| Model | \`${manifest.name}\`, version \`${manifest.version}\` |`,
    `| File | \`model.onnx\`, SHA-256 \`${sha256}\` |`,
    `| Format | ONNX, IR version 8, opset 17 (default domain only) |`,
    `| Input | \`${manifest.input}\`: float32 [N, ${manifest.features.length}], features in the order of section 5 |`,
    `| Outputs | \`${manifest.outputs.score}\`: float32 [N], probability of a good outcome; \`${manifest.outputs.contributions ?? '—'}\`: float32 [N, ${manifest.features.length}], each feature's additive term in logit space relative to its baseline |`,
    `| Attribution | ${manifest.attributionMethod}: logit(score) = intercept (${formatNumber4(manifest.intercept ?? Number.NaN)}) + Σ contributions, exactly |`,
    '| Algorithm | Explainable boosting machine (additive model of per-feature shape functions), trained in TypeScript |',
    `| Training data | Synthetic population only, seed ${options.population.seed} |`,
    '| Reproduce | `npm run train -- --out models` (same seed and options → byte-identical `model.onnx`) |',
    '| Provider | Aiguillage project team |',
  ].join('\n');
}

function renderIntendedUse(): string {
  return [
    '## 1. Intended use',
    '',
    '- **Purpose.** Help an employment counselor find vocational training courses worth discussing with a job',
    '  seeker on their caseload. For one person, the model ranks catalog courses by the estimated chance of',
    '  being back in employment within six months of the course, and says why, feature by feature.',
    '- **Users.** Counselors, through their case-management tool. Job seekers never see a raw score: they only',
    '  see courses a counselor approved, item by item, with a plain-language explanation.',
    '- **Human oversight.** Every suggestion is pending until a counselor approves or rejects it (with a',
    '  reason); there is no "approve all"; the counselor can add courses the model did not suggest; an',
    '  administrator can switch the model off (kill switch) and a job seeker can object, and the manual path',
    '  (catalog search) keeps working in both cases.',
    '- **Regulatory frame.** A high-risk system under the EU AI Act (Annex III 3(a), access to vocational',
    '  training; 5(a), public assistance services). Decisions stay human (GDPR Art. 22); each output is',
    '  explained with the parameters applied to the person (AI Act Art. 86, French CRPA L311-3-1).',
    '',
    '**Out of scope — the model must not be used to:**',
    '- decide, refuse or condition access to a training course, to funding or to any allowance;',
    "- assess a person's employability, rank or compare job seekers with one another, or target controls;",
    "- replace the counselor's interview with the person, or run without the review step;",
    '- score people or courses outside the French vocational-training setting it was designed for.',
  ].join('\n');
}

function renderLimits({ groups }: ModelCardInput): string {
  const over = groups
    .filter((row) => row.top10MeanPredicted - row.top10MeanTrue > 0.05)
    .map(
      (row) =>
        `${row.group} (predicted ${percent(row.top10MeanPredicted)}, true ${percent(row.top10MeanTrue)})`,
    );
  return [
    '## 2. Known limits',
    '',
    '- **Synthetic data only.** Every figure in this card describes a simulation (section 4), not the real',
    '  labour market. Before any use with real people the model must be retrained or validated on real,',
    '  representative outcomes, this evaluation re-run, and the data-protection impact assessment updated.',
    '- **Observational outcome.** The label is what happened after people followed a course; it is not a causal',
    '  effect of the course, and people who did not follow a course are not represented.',
    "- **Fallbacks hide uncertainty.** Unknown coordinates give a distance equal to the person's mobility",
    '  radius (the course counts as reachable); an unknown return-to-employment rate is imputed (0.5) with a',
    '  flag; a course without a planned session counts as starting in 52 weeks. Counselors should check these.',
    '- **Additive, no interactions.** Each feature acts on its own; combined effects (for example distance',
    '  only mattering for in-person courses) are not modelled. Values outside the training range get the',
    '  contribution of the first or last bin.',
    `- **Unequal accuracy across groups.** The model does not see age, sex or disability, and in the simulation`,
    '  people aged 50 and over and disabled people face a penalty the features do not explain. The model',
    '  therefore over-estimates their chances: counselors must not read a score as an equal chance for',
    `  everyone.${over.length === 0 ? '' : ` Mean top-10 figures where the over-estimate exceeds 5 points: ${over.join('; ')}.`}`,
    ...renderParityLimit(groups),
    ...renderNoCandidateLimit(groups),
  ].join('\n');
}

/** The groups whose strong-suggestion ratio falls below the warning level, named in the limits. */
function renderParityLimit(groups: readonly GroupEvaluation[]): string[] {
  const below = listBelowParity(groups);
  if (below.length === 0) return [];
  return [
    `- **Unequal strong suggestions (below the ${formatNumber(PARITY_WARNING_RATIO)} warning level).** ${below
      .map(
        (row) =>
          `${row.attribute} ${row.group}: ${percent(row.strongSuggestionRate)} of people get a top-10 suggestion predicted at ${percent(STRONG_SUGGESTION_THRESHOLD)} or more, ratio ${formatRatio(row.strongSuggestionRatio)}`,
      )
      .join('; ')} (section 9). Counselors should look beyond the first suggestions for these people.`,
  ];
}

/** People the hard filters leave without any course: no suggestion at all, said in the limits. */
function renderNoCandidateLimit(groups: readonly GroupEvaluation[]): string[] {
  const everyone = groups.filter((row) => row.attribute === 'sex');
  const people = everyone.reduce((sum, row) => sum + row.people, 0);
  const without = everyone.reduce((sum, row) => sum + row.peopleWithoutCandidate, 0);
  if (without === 0) return [];
  return [
    "- **No suggestion at all for some people.** The service's hard filters (section 9) leave no course for",
    `  ${percent(without / Math.max(people, 1))} of the holdout people (${without} of ${people}); per group in section 9. They must be`,
    '  helped through the manual path (catalog search), and an empty set does not mean that no course fits.',
  ];
}

function listBelowParity(groups: readonly GroupEvaluation[]): GroupEvaluation[] {
  return groups.filter((row) => row.strongSuggestionRatio < PARITY_WARNING_RATIO);
}

function renderDataMinimisation(): string {
  return [
    '## 3. Data minimisation',
    '',
    "The model sees only the 15 features of section 5, computed from the person's minimal profile (target",
    'occupations, education level, skills, years of experience, months unemployed, location, mobility',
    'radius, remote acceptance, availability date) and from the course.',
    '',
    '**It does not see**, by design: age or date of birth, sex or gender, nationality or origin, health or',
    'disability, family situation, name, exact address (only a distance is derived), commune code, free-text',
    'comments, the counselor, or past suggestions and feedback. These attributes are not needed to judge',
    "whether a course fits a person's plan, and using them would expose people to discrimination (GDPR",
    'Art. 5(1)(c) and 9; French non-discrimination law, Penal Code Art. 225-1).',
    '',
    '**Proxies remain and are measured.** Years of experience correlates with age, target occupation with sex,',
    'mobility radius and months unemployed with disability and age. Section 9 reports outcomes and',
    'suggestions per group so that any indirect effect is visible. The sensitive attributes used there exist',
    'only in the synthetic population, for this evaluation, and are never a model input.',
  ].join('\n');
}

function renderTrainingData({ options, summary }: ModelCardInput): string {
  const p = options.population;
  const everyone = summary.trainingPeople + summary.validationPeople + summary.holdoutPeople;
  return [
    '## 4. Training data and generative story',
    '',
    `${p.seekerCount} synthetic job seekers, ${p.courseCount} synthetic courses and ${p.candidatesPerSeeker} candidate`,
    `courses per person, observed on ${p.referenceDate} (seed ${p.seed}). Pairs are split **by person** so no`,
    `one appears on two sides: training ${describeSplitSide(summary.trainingRows, summary.trainingPeople, everyone, ' of people')};`,
    `validation ${describeSplitSide(summary.validationRows, summary.validationPeople, everyone, ', early stopping')};`,
    `holdout ${describeSplitSide(summary.holdoutRows, summary.holdoutPeople, everyone, ', every figure below')}. The model is trained on features computed by the same module the API`,
    'uses to serve it (`src/model/features.ts`), so training and serving cannot drift apart.',
    '',
    describeGenerativeStory(),
  ].join('\n');
}

/**
 * One side of the split as it came out: each person is drawn to a side at random, so its share of the
 * people is counted, not taken from the configured share.
 */
function describeSplitSide(pairs: number, people: number, everyone: number, use: string): string {
  return `${pairs} pairs, ${people} people (${percent(people / Math.max(everyone, 1))}${use})`;
}

function renderFeatures({ manifest }: ModelCardInput): string {
  const rows = FEATURES.map((feature, f) => {
    const baseline = manifest.features[f]?.baseline ?? 0;
    return `| ${f} | \`${feature.name}\` | ${FEATURE_TEXTS[feature.name].labelFr} | ${feature.definition} | ${formatNumber(baseline)} |`;
  });
  return [
    '## 5. Features',
    '',
    'Column order of the input matrix. The baseline is the training median; every contribution is measured',
    'against it, so a feature at its baseline contributes exactly 0.',
    '',
    '| # | Name | Label (fr) | Definition | Baseline |',
    '|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

function renderMethod({ options, summary }: ModelCardInput): string {
  const e = options.ebm;
  return [
    '## 6. Method',
    '',
    'An explainable boosting machine: logit(p) = intercept + Σ_f s_f(x_f), one shape function s_f per feature,',
    "each a step function on the feature's bins.",
    '',
    `- Bins: one per distinct value for features with at most ${e.maxBins} values, else ${e.maxBins} quantile bins of the training data.`,
    `- Cyclic boosting on logistic loss: each round visits every feature once and fits a ${e.maxLeaves}-leaf tree on`,
    `  that feature's bins to the gradients (Newton step, L2 ${e.l2}, at least ${e.minSamplesLeaf} rows per leaf),`,
    `  scaled by the learning rate ${e.learningRate}.`,
    `- Early stopping on the validation people: ${summary.rounds} rounds run, the shapes of round ${summary.bestRound}`,
    `  kept (validation log loss ${formatNumber4(summary.validationLogLoss)}; patience ${e.patience} rounds).`,
    '- Each shape is centred on the training data, then re-expressed relative to the baseline bin and stored',
    '  in float32, which is exactly what the ONNX graph computes.',
    `- Monotone by policy: ${listMonotone()}, through weighted pool-adjacent-violators on the learned shape.`,
    '  Without it the model learns that very long experience lowers the chance, because experience stands in',
    '  for age (section 4): a person would then be told that their experience counts against them.',
    '- No pairwise interactions (every contribution stays a function of one feature), no randomness.',
  ].join('\n');
}

function renderPerformance({ manifest, summary, calibration }: ModelCardInput): string {
  const m = manifest.metrics;
  return [
    '## 7. Performance on the holdout people',
    '',
    '| Metric | Value |',
    '|---|---|',
    `| AUC | ${formatNumber4(m.holdoutAuc)} |`,
    `| Log loss | ${formatNumber4(m.holdoutLogLoss)} |`,
    `| Brier score | ${formatNumber4(m.holdoutBrier ?? Number.NaN)} |`,
    `| Share of good outcomes | ${percent(m.holdoutPositiveRate ?? Number.NaN)} |`,
    `| Pairs | ${m.holdoutRows ?? summary.holdoutRows} |`,
    `| AUC of the true simulated probabilities (ceiling) | ${formatNumber4(summary.oracleAuc)} |`,
    '',
    '**Calibration** (holdout pairs sorted by predicted chance, cut into ten equal groups):',
    '',
    '| Decile | Pairs | Mean predicted | Observed rate |',
    '|---|---|---|---|',
    ...calibration.map(
      (bin) =>
        `| ${bin.decile} | ${bin.count} | ${percent(bin.meanPredicted)} | ${percent(bin.observedRate)} |`,
    ),
  ].join('\n');
}

function renderShapes({ model, shapePlotName }: ModelCardInput): string {
  const sections = FEATURES.map((feature, f) => {
    const term = model.terms[f];
    if (term === undefined) {
      throw new RangeError(`the model has no term for feature ${feature.name}`);
    }
    const rows = Array.from(term.contributions, (value, bin) => {
      const share = term.trainingShares[bin] ?? 0;
      return `| ${labelBin(term.edges, bin, feature.kind)} | ${signed(value)} | ${percent(share)} |`;
    });
    return [
      `### 8.${f + 1} ${feature.name} — ${FEATURE_TEXTS[feature.name].labelEn}`,
      '',
      `![Shape function of ${feature.name}](${shapePlotName(feature.name)})`,
      '',
      `Baseline ${formatNumber(term.baseline)}.`,
      '',
      '| Bin | Contribution (logit) | Training rows |',
      '|---|---|---|',
      ...rows,
    ].join('\n');
  });
  return [
    [
      '## 8. Shape functions',
      '',
      'For each feature: the contribution to the logit of each bin, relative to the baseline, and the share of',
      'training rows in the bin. "≤ x" bins hold values above the previous bin\'s bound and up to x. A',
      'contribution of +0.4 multiplies the odds of a good outcome by about 1.5; −0.4 divides them by 1.5.',
    ].join('\n'),
    ...sections,
  ].join('\n\n');
}

function renderGroups({ groups }: ModelCardInput): string {
  const below = listBelowParity(groups);
  return [
    '## 9. Outcomes and suggestions per synthetic group',
    '',
    'Computed on the holdout people after scoring (the model never sees these attributes). For the top-10',
    "figures, every holdout person gets what the service would give them: the service's own hard filters",
    "(`candidateFilterFor` and the catalog snapshot's `selectCandidates`: next session after the reference",
    'date, entry level met, within the mobility radius or followable remotely when the person accepts it)',
    `leave the courses the person could follow; those are scored and the ${DEFAULT_TOP_K} best kept (fewer when fewer`,
    'are left, none when none is).',
    '',
    "- *Observed rate*: share of the group's candidate pairs with a good outcome. *Mean predicted*: the",
    "  model's mean chance on the same pairs (equal to the observed rate when the model is calibrated for the group).",
    '- *No course*: people of the group for whom the hard filters leave no course at all, who get no',
    '  suggestion (and their share of the group).',
    "- *Top-10 predicted* / *top-10 true*: mean predicted and mean true (simulated) chance of the group's",
    '  suggestions, over the people who get some. A gap means the suggestions are less good for the group than',
    '  the model believes.',
    "- *Top-10 suggestion rate*: share of the group's people (those with no course included) with at least one",
    `  top-10 suggestion predicted at ${percent(STRONG_SUGGESTION_THRESHOLD)} or more; *ratio*: that rate over the best group's for the same`,
    `  attribute (1 = parity; below ${formatNumber(PARITY_WARNING_RATIO)} is the usual warning threshold, flagged ⚠).`,
    '',
    '| Attribute | Group | People | No course | Pairs | Observed rate | Mean predicted | Top-10 predicted | Top-10 true | Top-10 suggestion rate | Ratio |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...groups.map(
      (row) =>
        `| ${row.attribute} | ${row.group} | ${row.people} | ${row.peopleWithoutCandidate} (${percent(row.noCandidateRate)}) | ${row.pairs} | ${percent(row.observedRate)} | ${percent(row.meanPredicted)} | ${percent(row.top10MeanPredicted)} | ${percent(row.top10MeanTrue)} | ${percent(row.strongSuggestionRate)} | ${formatRatio(row.strongSuggestionRatio)}${row.strongSuggestionRatio < PARITY_WARNING_RATIO ? ' ⚠' : ''} |`,
    ),
    '',
    below.length === 0
      ? `No group falls below the ${formatNumber(PARITY_WARNING_RATIO)} warning level.`
      : `**Below the ${formatNumber(PARITY_WARNING_RATIO)} warning level:** ${below.map((row) => `${row.attribute} ${row.group} (${formatRatio(row.strongSuggestionRatio)})`).join(', ')}. See section 2.`,
    '',
    'Reading: differences in observed rates come from the simulation (profiles that differ by group, and the',
    'direct penalties of section 4). Differences between *predicted* and *true* show what the model cannot',
    'correct for without seeing the attribute; they are reported, not hidden, and are a reason for the',
    'human review of every suggestion.',
  ].join('\n');
}

function renderExplanations({ manifest }: ModelCardInput): string {
  return [
    '## 10. Explanations',
    '',
    `The ONNX graph returns, for every scored course, each feature's contribution (attribution method`,
    `\`${manifest.attributionMethod}\`). They are exact: logit(score) = ${formatNumber4(manifest.intercept ?? Number.NaN)} + Σ contributions, up to float32`,
    "rounding, and each is the shape-function value of the person's bin minus that of the baseline's bin.",
    'They are stored with each suggestion, never recomputed. Counselors see the main contributions with',
    'numbers; job seekers see the plain-language phrases of the manifest (one for a positive, one for a',
    'negative contribution per feature), never a raw score.',
  ].join('\n');
}

function renderMonitoring({ driftReference }: ModelCardInput): string {
  return [
    '## 11. Monitoring and change',
    '',
    '- `manifest.json` holds a reference distribution per feature (bin edges and shares, `referenceDistributions`;',
    '  `referenceDescription` says what it is). The service compares the feature vectors it logs with each set',
    '  (one per suggested course) with it: population stability index, investigate above 0.1, act above 0.25.',
    `  The reference is made of the same kind of vectors: the ${driftReference.vectors} suggestions the service would`,
    `  give the ${driftReference.people} training people (the hard filters of section 9, then the ${driftReference.topK} best). It is`,
    '  not the training candidates of section 8 (any course within 150 km, already started, above the',
    "  person's level, poorly scored), which the service never logs: compared with those, people like the",
    '  training ones would read as drift.',
    '- Oversight figures per counselor and per model (approval, rejection and addition rates, time per',
    '  decision) show whether the review is real; a model whose suggestions are approved without being read',
    '  should be questioned, not trusted more.',
    '- Any retraining produces a new version with a new card; the registry refuses a model whose SHA-256 or',
    '  feature list does not match its manifest, and every suggestion records the model version and hash.',
    '',
  ].join('\n');
}

function listMonotone(): string {
  const constrained = FEATURES.flatMap((feature) =>
    'monotone' in feature ? [`\`${feature.name}\` ${feature.monotone}`] : [],
  );
  return constrained.length === 0 ? 'no feature is constrained' : constrained.join(', ');
}

function percent(value: number): string {
  return Number.isFinite(value) ? `${(value * 100).toFixed(1)} %` : '—';
}

function signed(value: number): string {
  const text = value.toFixed(3);
  return value > 0 ? `+${text}` : text === '-0.000' ? '0.000' : text;
}

function formatRatio(value: number): string {
  return Number.isFinite(value) ? value.toFixed(2) : '—';
}

function formatNumber4(value: number): string {
  return Number.isFinite(value) ? value.toFixed(4) : '—';
}
