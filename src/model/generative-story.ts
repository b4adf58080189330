import { FEATURE_NAMES, type FeatureName } from './features.ts';

/** Sensitive attributes of a synthetic person: generated for group evaluation, never a model input. */
export interface SensitiveAttributes {
  ageBand: AgeBand;
  sex: Sex;
  disability: boolean;
}

export const AGE_BANDS = ['under-26', '26-49', '50-plus'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];
export const SEXES = ['female', 'male'] as const;
export type Sex = (typeof SEXES)[number];

/**
 * The true effects (in logit space) behind the synthetic outcome "back in employment within 6 months
 * of the course". One table drives both the simulation and the model card, so the two agree.
 */
export const TRUE_EFFECTS = {
  base: -0.85,
  exactOccupation: 1.1,
  sameDomain: 0.5,
  /** Peak of the inverted U in skills coverage, reached at 0.5. */
  skillsPeak: 0.8,
  /** Multiplies ln(1 + km / 10). */
  distanceLog: -0.45,
  outsideMobility: -0.6,
  remoteAccessible: 0.2,
  /** Per level of gap upwards, up to two levels. */
  levelUp: 0.25,
  /** Per level of gap downwards (over-qualification). */
  levelDown: 0.15,
  prerequisiteMissing: -1.0,
  /** Multiplies ln(hours / 150), clamped to ±1.5. */
  durationLog: 0.35,
  /** When the session starts before the person is available. */
  startsTooEarly: -0.8,
  /** Per week of waiting, up to 40 weeks. */
  perWeekToStart: -0.03,
  funded: 0.3,
  certifying: 0.45,
  /** Per standard deviation of hidden course quality; the published rate is a noisy reflection of it. */
  courseQuality: 0.9,
  /** Per month unemployed, up to 24 months. */
  perMonthUnemployed: -0.04,
  /** Per year of experience, up to 12 years. */
  perYearExperience: 0.05,
  /** Direct effects the model cannot see: they stand for labour-market discrimination. */
  age50Plus: -0.3,
  disability: -0.25,
} as const;

/**
 * Returns the true logit of a good outcome for a pair, from the pair's *true* feature row (computed
 * by the features module on complete data), the course's hidden quality and the person's sensitive
 * attributes.
 */
export function computeTrueLogit(
  trueRow: ArrayLike<number>,
  courseQuality: number,
  sensitive: SensitiveAttributes,
): number {
  const value = (name: FeatureName): number => trueRow[FEATURE_NAMES.indexOf(name)] ?? 0;
  const e = TRUE_EFFECTS;
  const match = value('occupationMatch');
  const skills = value('skillsCoverage');
  const gap = value('levelGap');
  const weeks = value('weeksToStart');
  let logit = e.base;
  logit += match === 2 ? e.exactOccupation : match === 1 ? e.sameDomain : 0;
  logit += e.skillsPeak * 4 * skills * (1 - skills);
  logit += e.distanceLog * Math.log1p(value('distanceKm') / 10);
  logit += value('withinMobility') === 1 ? 0 : e.outsideMobility;
  logit += value('remoteAccessible') * e.remoteAccessible;
  logit += gap >= 0 ? e.levelUp * Math.min(gap, 2) : e.levelDown * gap;
  logit += value('prerequisiteMet') === 1 ? 0 : e.prerequisiteMissing;
  logit += e.durationLog * Math.max(-1.5, Math.min(1.5, Math.log(value('durationHours') / 150)));
  logit += weeks < 0 ? e.startsTooEarly : e.perWeekToStart * Math.min(weeks, 40);
  logit += value('funded') * e.funded + value('certifying') * e.certifying;
  logit += e.courseQuality * courseQuality;
  logit += e.perMonthUnemployed * Math.min(value('monthsUnemployed'), 24);
  logit += e.perYearExperience * Math.min(value('yearsExperience'), 12);
  logit += sensitive.ageBand === '50-plus' ? e.age50Plus : 0;
  logit += sensitive.disability ? e.disability : 0;
  return logit;
}

/** Returns the generative story as Markdown, for the model card. */
export function describeGenerativeStory(): string {
  const e = TRUE_EFFECTS;
  return [
    'Every number below is an effect in logit space on the chance of being back in employment within',
    'six months of the course. The outcome of each (person, course) pair is one Bernoulli draw.',
    '',
    '**People.** An age band (under 26: 22 %, 26–49: 55 %, 50 and over: 23 %), a sex (half and half)',
    'and a disability flag (9 %) are drawn first. They shape the profile the model sees: years of',
    'experience grow with the age band; months unemployed are longer for people aged 50 and over',
    '(×1.7) and for disabled people (×1.4); disabled people and people aged 50 and over declare a',
    'smaller mobility radius; target occupations are drawn with different weights for women and men',
    '(care, personal assistance and administration more often for women; building, logistics,',
    'mechanics and IT more often for men). 6 % of people have no known coordinates (commune only).',
    '',
    '**Courses.** Ten ROME domains, eleven cities; modality in person 60 %, hybrid 28 %, remote 12 %;',
    'a hidden quality q ~ N(0, 1); the published return-to-employment rate is sigmoid(0.2 + 0.8 q +',
    'noise) and is missing for 25 % of courses; 3 % of in-person or hybrid courses have no coordinates.',
    '',
    '**Candidates.** Each person gets candidate courses among those a counselor would consider (held',
    'within 150 km of home, or remote, each remote course with probability 0.3): half drawn from their',
    'target domains, the rest at random.',
    '',
    `**Outcome.** logit = base (${e.base})`,
    `- occupation: exact ROME code +${e.exactOccupation}, same domain +${e.sameDomain};`,
    `- skills coverage s: +${e.skillsPeak} × 4 s (1 − s) (an inverted U: some overlap helps, full overlap teaches little);`,
    `- distance d (true distance, even when the model only sees the fallback): ${e.distanceLog} × ln(1 + d / 10); outside the mobility radius ${e.outsideMobility};`,
    `- remote-accessible +${e.remoteAccessible};`,
    `- level gap g: +${e.levelUp} per level up to two levels, −${e.levelDown} per level below zero;`,
    `- prerequisite not met ${e.prerequisiteMissing};`,
    `- duration h: +${e.durationLog} × ln(h / 150), clamped to ±1.5 before weighting;`,
    `- weeks to start w: ${e.startsTooEarly} when the session starts before the person is available, else ${e.perWeekToStart} per week (capped at 40);`,
    `- funded +${e.funded}, certifying +${e.certifying};`,
    `- hidden course quality +${e.courseQuality} × q (the model sees it only through the published rate);`,
    `- months unemployed ${e.perMonthUnemployed} per month (capped at 24), years of experience +${e.perYearExperience} per year (capped at 12);`,
    `- **direct effects the model cannot see**: aged 50 and over ${e.age50Plus}, disability ${e.disability}. They stand`,
    '  for labour-market discrimination, so that outcome rates differ by group beyond what the features explain.',
  ].join('\n');
}
