import { formatFrenchNumber, formatFrenchPercent } from '../shared/french-number.ts';
import { formatFrenchWeeks } from '../shared/french-weeks.ts';
import {
  type ExplanationFacts,
  FEATURES,
  type FeatureDefinition,
  type FeatureKind,
  type UnknownPlace,
  WEEKS_WHEN_NO_SESSION,
} from './features.ts';
import type { ModelManifest } from './manifest.ts';

/** One feature's part in a score, as stored with a suggestion and shown to counselors. */
export interface Attribution {
  feature: string;
  /** French label from the manifest. */
  label: string;
  /** The feature's value for this person and course. */
  value: number;
  /** Additive contribution in logit space relative to the feature's baseline. */
  contribution: number;
}

/** An attribution with its value in the words the counselor's text states it with (see {@link describeAttributionValues}). */
export interface WordedAttribution extends Attribution {
  valueText: string;
}

/**
 * The two texts of a suggestion, one for the counselor and one for the job seeker, and its attributions
 * with their values in the counselor's words.
 */
export interface SuggestionExplanation {
  counselorText: string;
  jobSeekerText: string;
  jobSeekerReasons: JobSeekerReason[];
  attributions: WordedAttribution[];
}

/** Contributions smaller than this (in logit) are too small to be worth a sentence. */
export const NEGLIGIBLE_CONTRIBUTION = 0.05;
const MAX_REASONS_FOR = 3;
const MAX_REASONS_AGAINST = 2;

const KINDS: ReadonlyMap<string, FeatureKind> = new Map(
  FEATURES.map((feature) => [feature.name, feature.kind]),
);

/** Features about the person alone: no reason why one course rather than another (see `personOnly`). */
const PERSON_ONLY: ReadonlySet<string> = new Set(
  (FEATURES as readonly FeatureDefinition[])
    .filter((feature) => feature.personOnly === true)
    .map((feature) => feature.name),
);

/** Yes-or-no features whose positive phrase states the value 0 (see `positivePhraseAtZero`). */
const POSITIVE_AT_ZERO: ReadonlySet<string> = new Set(
  (FEATURES as readonly FeatureDefinition[])
    .filter((feature) => feature.positivePhraseAtZero === true)
    .map((feature) => feature.name),
);

/** Which values each phrase is true of, by feature, where the feature says (see `phrasesTrueOf`). */
const PHRASES_TRUE_OF: ReadonlyMap<string, NonNullable<FeatureDefinition['phrasesTrueOf']>> = new Map(
  (FEATURES as readonly FeatureDefinition[]).flatMap((feature) =>
    feature.phrasesTrueOf === undefined ? [] : [[feature.name, feature.phrasesTrueOf] as const],
  ),
);

/**
 * Features whose value in this row was filled in for lack of a fact, or rests on one that was: the
 * distance and whether it is within reach when a place is unknown (the mobility radius stands in), the
 * rate when the course's rate is unknown (the flag says so; a fixed share stands in). What the model
 * made of them is not a fact about the course.
 */
function listStandIns(attributions: readonly Attribution[], unknownPlace: UnknownPlace | null): Set<string> {
  const standIns = new Set<string>();
  if (unknownPlace !== null) {
    standIns.add('distanceKm');
    standIns.add('withinMobility');
  }
  if (attributions.some((a) => a.feature === 'employmentRateMissing' && a.value === 1)) {
    standIns.add('employmentRate');
  }
  return standIns;
}

/** Features whose value in words is told whatever it weighs, taking no reason's place (see `alwaysTold`). */
const ALWAYS_TOLD: ReadonlySet<string> = new Set(
  (FEATURES as readonly FeatureDefinition[])
    .filter((feature) => feature.alwaysTold === true)
    .map((feature) => feature.name),
);

/** The words that state each feature's value whatever it weighs, where the feature has some (see `valueInWordsFr`). */
const VALUE_IN_WORDS: ReadonlyMap<string, NonNullable<FeatureDefinition['valueInWordsFr']>> = new Map(
  (FEATURES as readonly FeatureDefinition[]).flatMap((feature) =>
    feature.valueInWordsFr === undefined ? [] : [[feature.name, feature.valueInWordsFr] as const],
  ),
);

/**
 * What the job seeker is told of a reason: a phrase of the way it weighs, true of its value, or the
 * value itself in words, true of any value and so silent on the way it weighs.
 */
interface ToldReason {
  text: string;
  /** The text states the value, not how it weighs: it is told as a fact, neither for nor against. */
  asFact: boolean;
}

/**
 * What the job seeker is told of a reason, or undefined for nothing: never a feature of the person
 * alone, nor a value filled in for lack of a fact (the phrases would state it as known); for a
 * yes-or-no feature only the phrase that states the value it has; for a feature that says which values
 * its phrases are true of, the phrase of the way it weighs only of those (never « commence bientôt » of
 * a session 40 weeks away, nor « près de chez vous » of 38 km or of a course followed at a distance), and
 * otherwise its value in words, which is true of any value (« la formation a lieu à 38 km de chez vous, à
 * vol d’oiseau ») and told as a fact: it says nothing of the way the value weighs, and « parce que la
 * formation dure 1 540 heures » would say that a long course is an asset. A model whose shape, baselines
 * or sampled attribution weigh a value the other way than its phrase says is thus told by the fact, not
 * by a false phrase; the counselor reads the number and its sign.
 */
function phraseToTell(
  attribution: Attribution,
  standIns: ReadonlySet<string>,
  phrases: ReadonlyMap<string, { positivePhraseFr?: string; negativePhraseFr?: string }>,
  facts: ExplanationFacts,
): ToldReason | undefined {
  const { feature, value, contribution } = attribution;
  if (PERSON_ONLY.has(feature) || standIns.has(feature)) return undefined;
  const phrase =
    contribution > 0 ? phrases.get(feature)?.positivePhraseFr : phrases.get(feature)?.negativePhraseFr;
  const trueOf = PHRASES_TRUE_OF.get(feature);
  if (
    trueOf !== undefined &&
    !(contribution > 0 ? trueOf.positive(value, facts) : trueOf.negative(value, facts))
  ) {
    const words = VALUE_IN_WORDS.get(feature)?.(value, facts);
    return words === undefined ? undefined : { text: words, asFact: true };
  }
  if (phrase === undefined) return undefined;
  if (KINDS.get(feature) !== 'binary') return { text: phrase, asFact: false };
  const statedByPositive = POSITIVE_AT_ZERO.has(feature) ? 0 : 1;
  return contribution > 0 === (value === statedByPositive) ? { text: phrase, asFact: false } : undefined;
}

/** Pairs feature values with their contributions and labels, largest |contribution| first (ties keep manifest order). */
export function rankAttributions(
  manifest: ModelManifest,
  values: ArrayLike<number>,
  contributions: ArrayLike<number>,
): Attribution[] {
  if (values.length !== manifest.features.length || contributions.length !== manifest.features.length) {
    throw new RangeError(`expected ${manifest.features.length} values and contributions`);
  }
  return manifest.features
    .map((feature, f) => ({
      feature: feature.name,
      label: feature.labelFr,
      value: values[f] ?? 0,
      contribution: contributions[f] ?? 0,
    }))
    .map((attribution, order) => ({ attribution, order }))
    .sort(
      (a, b) =>
        Math.abs(b.attribution.contribution) - Math.abs(a.attribution.contribution) || a.order - b.order,
    )
    .map(({ attribution }) => attribution);
}

/**
 * Each attribution with its value in the words a counselor reads: a level or a share in words or as a
 * percentage (« métier exact », « 90 % »), a yes-or-no feature as « oui » or « non », the weeks to the
 * start in days or weeks, any other number as a French reader writes it. A value filled in for lack of
 * a fact is told as unknown, not as the value the model was given in its place, and a share of skills
 * held as none listed where the catalog lists none. The counselor's text states the values of its
 * reasons in these words.
 */
export function describeAttributionValues(
  attributions: readonly Attribution[],
  /** What the words rest on besides the feature row (see `findExplanationFacts`). */
  facts: ExplanationFacts,
): WordedAttribution[] {
  const standIns = listStandIns(attributions, facts.unknownPlace);
  // Member by member: a spread of each attribution cost more than its words.
  return attributions.map((a) => ({
    feature: a.feature,
    label: a.label,
    value: a.value,
    contribution: a.contribution,
    valueText: standIns.has(a.feature) ? describeStandIn(a, facts.unknownPlace) : formatValue(a, facts),
  }));
}

/**
 * Writes the counselor's text: the estimated chance, then the main reasons for and against with
 * the person's value in words (see {@link describeAttributionValues}) and the contribution in logit
 * points, against the manifest's baselines, said in words a counselor reads.
 */
export function writeCounselorExplanation(
  score: number,
  attributions: readonly Attribution[],
  /** What the texts rest on besides the feature row (see `findExplanationFacts`). */
  facts: ExplanationFacts,
): string {
  return writeCounselorText(score, describeAttributionValues(attributions, facts));
}

function writeCounselorText(score: number, attributions: readonly WordedAttribution[]): string {
  const { reasonsFor, reasonsAgainst } = selectReasons(attributions);
  const describe = (a: WordedAttribution) => `${a.label} = ${a.valueText} (${formatSigned(a.contribution)})`;
  const parts = [`Chance estimée de retour à l’emploi à 6 mois : ${formatFrenchPercent(score)}.`];
  parts.push(
    reasonsFor.length === 0
      ? 'Aucun facteur favorable marquant.'
      : `Pour : ${reasonsFor.map(describe).join(' ; ')}.`,
  );
  parts.push(
    reasonsAgainst.length === 0
      ? 'Aucun facteur défavorable marquant.'
      : `Contre : ${reasonsAgainst.map(describe).join(' ; ')}.`,
  );
  // The figures are logit points: not percentage points, which a counselor would otherwise read.
  parts.push(
    'Entre parenthèses, ce que chaque facteur ajoute à la chance estimée ou lui retire, par rapport au ' +
      'profil de référence du modèle, sur l’échelle interne du modèle (ce ne sont pas des points de pourcentage).',
  );
  return parts.join(' ');
}

/**
 * A value filled in for lack of a fact, in words: the rate as unknown, the distance as unknown with the
 * place missing and the radius counted in its place, reaching it as supposed. Never a « ; », which
 * separates the reasons of the list the words go in.
 */
function describeStandIn(attribution: Attribution, unknownPlace: UnknownPlace | null): string {
  if (attribution.feature === 'distanceKm') {
    const missing = unknownPlace === 'course' ? 'lieu de la formation non connu' : 'domicile non connu';
    return `inconnue (${missing} — comptée au rayon de mobilité : ${formatFrenchNumber(attribution.value)} km)`;
  }
  if (attribution.feature === 'withinMobility') return 'supposé, distance inconnue';
  return 'inconnu';
}

/** One plain-language reason for the job seeker, with a rough weight instead of a number. */
export interface JobSeekerReason {
  /**
   * Which way it weighed: `for` and `against` by the sign of its contribution, `neutral` for a fact
   * that weighed next to nothing (the duration, told whatever it weighs).
   */
  direction: 'for' | 'against' | 'neutral';
  /**
   * A phrase of the way the feature weighs, true of the person's value; or, for a fact (`fact`), the
   * value in words (« la formation dure 1 540 heures ») followed by which way and how much it weighed
   * (« (cela a un peu compté contre cette formation) ») unless it weighed next to nothing.
   */
  text: string;
  /** Told as a fact after « À savoir », where no phrase of the way it weighs is true of the value. */
  fact: boolean;
  /** How much it weighed in the suggestion, whichever way. */
  weight: 'strong' | 'moderate' | 'slight';
}

/** Contributions (in logit) from which a reason is told as strong or moderate. */
const STRONG_CONTRIBUTION = 0.5;
const MODERATE_CONTRIBUTION = 0.2;

/**
 * The main reasons for and against a course, in the manifest's plain French phrases: what the
 * weighting applied to the person amounts to, without a score or a weight in numbers (CRPA L311-3-1).
 * Features about the person alone are left out: they weigh the same on every course, so they are no
 * reason for this one, and their phrases ("votre expérience est encore limitée") would read as a
 * judgement. So is a value filled in for lack of a fact; a phrase not true of the value gives way to the
 * value in words (see {@link phraseToTell}), which is told as a fact (`fact`), apart from the reasons, with
 * which way and how much it weighed (its `direction` by the sign, `neutral` only when it weighed next to
 * nothing): the main reasons stay those that weighed most, and the person learns the weighting of each.
 * A feature told whatever it weighs (the duration, see `alwaysTold`) is told as a fact besides them,
 * taking none of their places. The reasons for come first, then those against, then the facts, each
 * heaviest first.
 */
function listJobSeekerReasons(
  manifest: ModelManifest,
  attributions: readonly Attribution[],
  facts: ExplanationFacts,
): JobSeekerReason[] {
  const phrases = new Map(manifest.features.map((feature) => [feature.name, feature]));
  const standIns = listStandIns(attributions, facts.unknownPlace);
  const told = new Map<Attribution, ToldReason>();
  for (const attribution of attributions) {
    const reason = phraseToTell(attribution, standIns, phrases, facts);
    if (reason !== undefined) told.set(attribution, reason);
  }
  const { reasonsFor, reasonsAgainst } = selectReasons(
    [...told.keys()].filter((a) => !ALWAYS_TOLD.has(a.feature)),
  );
  const weightOf = (a: Attribution): JobSeekerReason['weight'] => {
    const size = Math.abs(a.contribution);
    return size >= STRONG_CONTRIBUTION ? 'strong' : size >= MODERATE_CONTRIBUTION ? 'moderate' : 'slight';
  };
  const reasonOf = (a: Attribution): JobSeekerReason => {
    const { text, asFact } = told.get(a) ?? { text: '', asFact: true };
    const weight = weightOf(a);
    if (!asFact) return { direction: a.contribution > 0 ? 'for' : 'against', text, weight, fact: false };
    if (Math.abs(a.contribution) < NEGLIGIBLE_CONTRIBUTION) {
      return { direction: 'neutral', text, weight, fact: true };
    }
    const direction = a.contribution > 0 ? 'for' : 'against';
    return { direction, text: `${text} (${describeFactWeight(direction, weight)})`, weight, fact: true };
  };
  const alwaysTold = [...told.keys()].filter((a) => ALWAYS_TOLD.has(a.feature));
  const selected = [...reasonsFor, ...reasonsAgainst, ...alwaysTold];
  const byWeight = [...selected].sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));
  return [
    ...selected.filter((a) => told.get(a)?.asFact === false),
    ...byWeight.filter((a) => told.get(a)?.asFact === true),
  ].map(reasonOf);
}

/**
 * Which way and how much a fact weighed, in the person's words: what the weighting applied to their
 * situation amounts to (CRPA L311-3-1), said of this course alone, not of such values in general.
 */
function describeFactWeight(direction: 'for' | 'against', weight: JobSeekerReason['weight']): string {
  const much = weight === 'strong' ? 'beaucoup ' : weight === 'slight' ? 'un peu ' : '';
  const way = direction === 'for' ? 'en faveur de cette formation' : 'contre cette formation';
  return `cela a ${much}compté ${way}`;
}

/** Writes both texts of one suggestion, and its attributions' values in words. */
export function explainSuggestion(
  manifest: ModelManifest,
  score: number,
  attributions: readonly Attribution[],
  /** What the texts rest on besides the feature row (see `findExplanationFacts`). */
  facts: ExplanationFacts,
): SuggestionExplanation {
  const jobSeekerReasons = listJobSeekerReasons(manifest, attributions, facts);
  // Once: the counselor's text and the attributions kept with the suggestion read the same words.
  const worded = describeAttributionValues(attributions, facts);
  return {
    counselorText: writeCounselorText(score, worded),
    jobSeekerText: writeJobSeekerText(jobSeekerReasons),
    jobSeekerReasons,
    attributions: worded,
  };
}

/**
 * Writes the job seeker's text in plain French from the reasons' phrases: why the course was
 * suggested and what to discuss, with no score, no weight and no technical term; then, apart, the values
 * told as facts, each with which way it weighed (« À savoir : la formation dure 1 540 heures (cela a un
 * peu compté contre cette formation). »), never among the reasons: the only figures, where no phrase is
 * true of them.
 */
function writeJobSeekerText(reasons: readonly JobSeekerReason[]): string {
  const textsOf = (direction: JobSeekerReason['direction']) =>
    reasons.filter((r) => !r.fact && r.direction === direction).map((r) => r.text);
  const positive = textsOf('for');
  const negative = textsOf('against');
  const facts = reasons.filter((r) => r.fact).map((r) => r.text);
  const sentences: string[] = [];
  sentences.push(
    positive.length === 0
      ? 'Votre conseiller a retenu cette formation pour vous.'
      : `Cette formation vous est proposée surtout parce que ${joinFrench(positive)}.`,
  );
  if (negative.length > 0) {
    sentences.push(`Points à voir avec votre conseiller : ${joinFrench(negative)}.`);
  }
  if (facts.length > 0) sentences.push(`À savoir : ${joinFrench(facts)}.`);
  return sentences.join(' ');
}

function selectReasons<A extends Attribution>(
  attributions: readonly A[],
): {
  reasonsFor: A[];
  reasonsAgainst: A[];
} {
  const sorted = [...attributions].sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));
  return {
    reasonsFor: sorted.filter((a) => a.contribution >= NEGLIGIBLE_CONTRIBUTION).slice(0, MAX_REASONS_FOR),
    reasonsAgainst: sorted
      .filter((a) => a.contribution <= -NEGLIGIBLE_CONTRIBUTION)
      .slice(0, MAX_REASONS_AGAINST),
  };
}

function joinFrench(items: readonly string[]): string {
  if (items.length <= 1) {
    return items.join('');
  }
  return `${items.slice(0, -1).join(', ')} et ${items[items.length - 1]}`;
}

// Built once: constructing an Intl.NumberFormat costs far more than formatting with it.
const SIGNED_FORMAT = new Intl.NumberFormat('fr-FR', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/**
 * Values a counselor reads as words or percentages rather than as the model's codes: the match
 * level of the target occupation, the shares (0 to 1; of skills, none listed where the catalog lists
 * none), and the weeks to the start in days or whole weeks, with what a value below zero means.
 */
const VALUE_WORDS: ReadonlyMap<string, (value: number, facts: ExplanationFacts) => string> = new Map([
  [
    'occupationMatch',
    (value: number) => (value >= 2 ? 'métier exact' : value >= 1 ? 'même domaine' : 'aucune'),
  ],
  ['employmentRate', formatFrenchPercent],
  [
    'skillsCoverage',
    (value: number, facts: ExplanationFacts) =>
      facts.courseSkillCount === 0 ? 'aucune compétence listée au catalogue' : formatFrenchPercent(value),
  ],
  ['weeksToStart', describeWeeksToStart],
]);

/**
 * The weeks to the session's start; below zero, it starts before the person is available. The weeks
 * that stand for no planned session are also those of a session a year away: the words are true of both.
 */
function describeWeeksToStart(weeks: number): string {
  if (weeks === WEEKS_WHEN_NO_SESSION) {
    return `aucune session fixée, ou début dans un an environ (${formatFrenchWeeks(weeks)})`;
  }
  const span = formatFrenchWeeks(weeks);
  return weeks < 0 ? `début ${span} avant la disponibilité de la personne` : span;
}

function formatValue(attribution: Attribution, facts: ExplanationFacts): string {
  if (KINDS.get(attribution.feature) === 'binary') {
    return attribution.value === 1 ? 'oui' : 'non';
  }
  const words = VALUE_WORDS.get(attribution.feature);
  return words === undefined ? formatFrenchNumber(attribution.value) : words(attribution.value, facts);
}

function formatSigned(value: number): string {
  const text = SIGNED_FORMAT.format(Math.abs(value));
  return value < 0 ? `−${text}` : `+${text}`;
}
