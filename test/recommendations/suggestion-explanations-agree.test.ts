import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Course, type CourseInput, isFollowableRemotely } from '../../src/courses/course.ts';
import { createCourseBatch } from '../../src/courses/course-table.ts';
import type { JobSeekerInput } from '../../src/job-seekers/job-seeker.ts';
import { NEGLIGIBLE_CONTRIBUTION } from '../../src/model/explanations.ts';
import {
  type ExplanationFacts,
  FEATURE_NAMES,
  FEATURES,
  type FeatureDefinition,
  findExplanationFacts,
} from '../../src/model/features.ts';
import { buildSuggestions } from '../../src/recommendations/build-suggestions.ts';
import type { RecommendationItem } from '../../src/recommendations/recommendation.ts';
import { OnnxScorer } from '../../src/scoring/onnx-scorer.ts';
import { SHIPPED_MODEL_FOLDER, SHIPPED_MODEL_SHA256 } from '../model/support/small-model.ts';
import { aCourse, aJobSeeker } from '../support/builders.ts';

/**
 * What a job seeker and a counselor are told about a suggestion must agree with what the shipped model
 * stored for it, for any person and course: checked over generated people and catalogs, not examples.
 */

const REFERENCE = new Date('2027-01-04T09:00:00Z');
const OCCUPATIONS = ['J1501', 'J1502', 'J1301', 'M1805', 'M1607', 'K1302'];
const SKILLS = ['accueil', 'hygiene', 'soins', 'bureautique', 'java', 'sql'];
const LYON = { lat: 45.764, lon: 4.8357 };

const aDay = (min: number, max: number) =>
  fc
    .integer({ min, max })
    .map((days) => new Date(REFERENCE.getTime() + days * 86_400_000).toISOString().slice(0, 10));
const nearLyon = fc.record({
  lat: fc.integer({ min: -40_000, max: 40_000 }).map((d) => LYON.lat + d / 100_000),
  lon: fc.integer({ min: -60_000, max: 60_000 }).map((d) => LYON.lon + d / 100_000),
});

const aSeeker: fc.Arbitrary<JobSeekerInput> = fc
  .record({
    targetOccupations: fc.subarray(OCCUPATIONS, { minLength: 1, maxLength: 2 }),
    educationLevel: fc.integer({ min: 3, max: 8 }),
    skills: fc.subarray(SKILLS),
    yearsExperience: fc.integer({ min: 0, max: 35 }),
    monthsUnemployed: fc.integer({ min: 0, max: 60 }),
    location: fc.option(nearLyon, { nil: null }),
    mobilityRadiusKm: fc.integer({ min: 5, max: 80 }),
    remoteOk: fc.boolean(),
    availableFrom: fc.option(aDay(-30, 120), { nil: null }),
  })
  .map((fields) => aJobSeeker(fields));

/** A course the hard filters would let through for `seeker`: its entry level is within theirs. */
const aCourseFor = (seeker: JobSeekerInput): fc.Arbitrary<CourseInput> =>
  fc
    .record({
      targetOccupations: fc.subarray(OCCUPATIONS, { minLength: 1, maxLength: 2 }),
      skills: fc.subarray(SKILLS),
      exitLevel: fc.integer({ min: 3, max: 8 }),
      prerequisiteLevel: fc.integer({ min: 3, max: seeker.educationLevel }),
      durationHours: fc.integer({ min: 20, max: 2000 }),
      modality: fc.constantFrom('in_person', 'remote', 'hybrid' as const),
      location: fc.option(nearLyon, { nil: null, freq: 6 }),
      nextSessionStart: fc.option(aDay(1, 400), { nil: null, freq: 6 }),
      funded: fc.boolean(),
      certifying: fc.boolean(),
      returnToEmploymentRate: fc.option(
        fc.integer({ min: 0, max: 100 }).map((p) => p / 100),
        { nil: null, freq: 4 },
      ),
    })
    .map(({ modality, location, ...fields }) =>
      aCourse({ ...fields, modality, location: modality === 'remote' ? null : location }),
    );

const aCase = aSeeker.chain((seeker) =>
  fc.record({
    seeker: fc.constant(seeker),
    courses: fc.array(aCourseFor(seeker), { minLength: 1, maxLength: 6 }),
  }),
);

describe('what people are told about a suggestion agrees with what the model stored', () => {
  let scorer: OnnxScorer;
  /** Each feature's phrases, as the manifest gives them to the job seeker. */
  let featureOfPhrase: Map<string, { feature: string; direction: 'for' | 'against' }>;

  beforeAll(async () => {
    scorer = await OnnxScorer.load(SHIPPED_MODEL_FOLDER, SHIPPED_MODEL_SHA256);
    featureOfPhrase = new Map<string, { feature: string; direction: 'for' | 'against' }>(
      scorer.manifest.features.flatMap((feature) => [
        [feature.positivePhraseFr, { feature: feature.name, direction: 'for' }],
        [feature.negativePhraseFr, { feature: feature.name, direction: 'against' }],
      ]),
    );
  });
  afterAll(async () => {
    await scorer.close();
  });

  async function suggest(seeker: JobSeekerInput, inputs: CourseInput[]) {
    const courses: Course[] = inputs.map((course, i) => ({
      ...course,
      id: `C-${i}`,
      updatedAt: '2026-12-01T00:00:00.000Z',
    }));
    const profile = { ...seeker, updatedAt: REFERENCE.toISOString() };
    const { items } = await buildSuggestions(scorer, profile, createCourseBatch(courses), REFERENCE, 10);
    return items.map((item) => {
      const course = courses.find((c) => c.id === item.course.id) as Course;
      return { item, course, facts: findExplanationFacts(seeker, course) };
    });
  }

  /**
   * The feature whose value in words (`valueInWordsFr`) of its stored value is `text`: the words a job
   * seeker reads where no phrase is true of the value, either way it weighs.
   */
  function featureOfValueInWords(item: RecommendationItem, text: string, facts: ExplanationFacts) {
    const feature = (FEATURES as readonly FeatureDefinition[]).find((candidate) => {
      const value = item.attributions.find((a) => a.feature === candidate.name)?.value;
      return value !== undefined && candidate.valueInWordsFr?.(value, facts) === text;
    });
    return feature === undefined ? undefined : feature.name;
  }

  /** The brackets after a fact that say which way and how much it weighed. */
  const WAY_IT_WEIGHED = / \(cela a (beaucoup |un peu )?compté (en faveur de|contre) cette formation\)$/;

  /**
   * The stored contribution and value of the feature behind each reason the job seeker is told: a reason
   * for or against is a manifest phrase of that way, a fact a value in words, then in brackets the way it
   * weighed (`text` is the words without them, `summaryText` with them).
   */
  function toldReasons(item: RecommendationItem, facts: ExplanationFacts) {
    return item.seekerExplanation.reasons.map((reason) => {
      const inWords = reason.fact === true;
      const words = inWords ? reason.text.replace(WAY_IT_WEIGHED, '') : reason.text;
      const phrase = inWords
        ? featureOfValueInWords(item, words, facts)
        : featureOfPhrase.get(reason.text)?.feature;
      if (phrase === undefined) throw new Error(`a reason in no feature's words: ${reason.text}`);
      if (!inWords) expect(featureOfPhrase.get(reason.text)?.direction).toBe(reason.direction);
      const index = FEATURE_NAMES.indexOf(phrase as (typeof FEATURE_NAMES)[number]);
      const attribution = item.attributions.find((a) => a.feature === phrase);
      if (attribution === undefined) throw new Error(`no attribution for ${phrase}`);
      // The attribution's value is the very value of the stored feature row.
      expect(attribution.value).toBe(item.features?.[index]);
      return {
        ...reason,
        text: words,
        summaryText: reason.text,
        inWords,
        feature: phrase,
        value: attribution.value,
        contribution: attribution.contribution,
      };
    });
  }

  it('names as helping only what the stored attributions count for, as weighing against only what they count against, heaviest first', async () => {
    await fc.assert(
      fc.asyncProperty(aCase, async ({ seeker, courses }) => {
        for (const { item, facts } of await suggest(seeker, courses)) {
          const reasons = toldReasons(item, facts);
          for (const reason of reasons) {
            if (reason.direction === 'for')
              expect(reason.contribution).toBeGreaterThanOrEqual(NEGLIGIBLE_CONTRIBUTION);
            else if (reason.direction === 'against')
              expect(reason.contribution).toBeLessThanOrEqual(-NEGLIGIBLE_CONTRIBUTION);
            // Only a fact that weighed next to nothing is told with no way: the duration, told whatever
            // it weighs.
            else {
              expect(reason.feature).toBe('durationHours');
              expect(Math.abs(reason.contribution)).toBeLessThan(NEGLIGIBLE_CONTRIBUTION);
            }
            // A fact says in words which way it weighed, as its direction does.
            if (reason.inWords && reason.direction !== 'neutral') {
              const way = reason.direction === 'for' ? 'en faveur de' : 'contre';
              expect(reason.summaryText).toMatch(new RegExp(`compté ${way} cette formation\\)$`));
            }
            const size = Math.abs(reason.contribution);
            expect(reason.weight).toBe(size >= 0.5 ? 'strong' : size >= 0.2 ? 'moderate' : 'slight');
          }
          // For, against, then the facts: the order of the summary's sentences.
          const sectionOf = (r: (typeof reasons)[number]) => (r.inWords ? 'fact' : r.direction);
          const order = ['for', 'against', 'fact'];
          const directions = reasons.map((r) => order.indexOf(sectionOf(r)));
          expect(directions).toEqual([...directions].sort((a, b) => a - b));
          for (const section of order) {
            const sizes = reasons
              .filter((r) => sectionOf(r) === section)
              .map((r) => Math.abs(r.contribution));
            expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
          }
          // The list's short text says these reasons, in this order, each in the sentence of its way: a
          // fact never as a reason the course is suggested nor as a point to discuss.
          const { summary } = item.seekerExplanation;
          const opening: Record<string, string> = {
            for: 'Cette formation vous est proposée surtout parce que ',
            against: 'Points à voir avec votre conseiller : ',
            fact: 'À savoir : ',
          };
          let from = 0;
          for (const reason of reasons) {
            const at = summary.indexOf(reason.summaryText, from);
            expect(at).toBeGreaterThanOrEqual(from);
            const sentenceStart = Math.max(
              ...Object.values(opening).map((start) => summary.lastIndexOf(start, at)),
            );
            expect(summary.startsWith(opening[sectionOf(reason)] ?? '', sentenceStart), summary).toBe(true);
            from = at + reason.summaryText.length;
          }
        }
      }),
      { numRuns: 100 },
    );
  });

  it('tells the job seeker only phrases that are true of the course and of them', async () => {
    await fc.assert(
      fc.asyncProperty(aCase, async ({ seeker, courses }) => {
        for (const { item, course, facts } of await suggest(seeker, courses)) {
          for (const reason of toldReasons(item, facts)) {
            const told = `${reason.feature} ${reason.direction} (${reason.value}): ${reason.text}`;
            const remotely = isFollowableRemotely(course.modality);
            if (reason.inWords) {
              // A value in words is true of any value; those of a session or of the rate need one.
              const fact: Record<string, boolean> = {
                // « se suit à distance » of a course followed at a distance only, and of no other.
                distanceKm:
                  (course.modality === 'remote') === (reason.text === 'la formation se suit à distance'),
                weeksToStart: course.nextSessionStart !== null || reason.text.startsWith('aucune session'),
                employmentRate: course.returnToEmploymentRate !== null,
                // The share of skills held needs skills listed; « le catalogue n’indique pas » needs none.
                skillsCoverage: course.skills.length > 0 !== reason.text.startsWith('le catalogue'),
              };
              expect(fact[reason.feature] ?? true, told).toBe(true);
              continue;
            }
            const truth: Record<string, boolean> = {
              'remoteAccessible for': remotely && seeker.remoteOk,
              'remoteAccessible against': !remotely,
              'levelGap for': reason.value >= 1,
              // Within the thresholds a counselor defends: « bientôt » within 8 weeks, « trop tard »
              // from 16, « près de chez vous » up to 15 km and within the person's radius, « loin » from
              // 30 and beyond it, « s’appuie bien » from half the skills taught, « peu » up to a quarter
              // (of skills listed), « beaucoup » from 60 %, « peu » up to 30 %.
              'weeksToStart for': course.nextSessionStart !== null && reason.value >= 0 && reason.value <= 8,
              'weeksToStart against':
                course.nextSessionStart === null || reason.value < 0 || reason.value >= 16,
              // Neither « près de chez vous » nor « loin » of a course followed at a distance only, nor
              // that it lies in or out of the zone the person can travel: it has no place.
              'distanceKm for':
                course.modality !== 'remote' && reason.value <= 15 && reason.value <= seeker.mobilityRadiusKm,
              'distanceKm against':
                course.modality !== 'remote' && reason.value >= 30 && reason.value > seeker.mobilityRadiusKm,
              'withinMobility for': course.modality !== 'remote',
              'withinMobility against': course.modality !== 'remote',
              'skillsCoverage for': course.skills.length > 0 && reason.value >= 0.5,
              'skillsCoverage against': course.skills.length > 0 && reason.value <= 0.25,
              'occupationMatch for': reason.value >= 1,
              'funded for': course.funded,
              'funded against': !course.funded,
              'certifying for': course.certifying,
              'certifying against': !course.certifying,
              'employmentRate for': (course.returnToEmploymentRate ?? 0) >= 0.6,
              'employmentRate against':
                course.returnToEmploymentRate !== null && course.returnToEmploymentRate <= 0.3,
              'employmentRateMissing for': course.returnToEmploymentRate !== null,
              'employmentRateMissing against': course.returnToEmploymentRate === null,
              'prerequisiteMet for': course.prerequisiteLevel <= seeker.educationLevel,
            };
            expect(truth[`${reason.feature} ${reason.direction}`] ?? true, told).toBe(true);
          }
        }
      }),
      { numRuns: 100 },
    );
  });

  it('gives the counselor each reason with the stored value in its stored words and the sign of its stored contribution', async () => {
    await fc.assert(
      fc.asyncProperty(aCase, async ({ seeker, courses }) => {
        for (const { item } of await suggest(seeker, courses)) {
          const text = item.counselorExplanation;
          // The text's shape first: a changed wording must fail here, not leave nothing to check.
          expect(text).toMatch(/(Pour : .*\.|Aucun facteur favorable marquant\.) /);
          expect(text).toMatch(/(Contre : .*\.|Aucun facteur défavorable marquant\.) Entre parenthèses/);
          const pour = /Pour : (.*?)\. (?:Contre|Aucun facteur défavorable)/.exec(text)?.[1] ?? '';
          const contre = /Contre : (.*?)\. Entre parenthèses/.exec(text)?.[1] ?? '';
          for (const [part, sign] of [
            [pour, '+'],
            [contre, '−'],
          ] as const) {
            // Entries end with their contribution in brackets.
            for (const entry of part === '' ? [] : part.split(/(?<=\)) ; /)) {
              const label = entry.slice(0, entry.indexOf(' = '));
              const attribution = item.attributions.find((a) => a.label === label);
              expect(attribution, entry).toBeDefined();
              // The value in the words kept with the attribution, which counselors read beside the number.
              expect(entry.startsWith(`${label} = ${attribution?.valueText} (`), entry).toBe(true);
              const stated = /\(([+−])(\d+,\d\d)\)$/.exec(entry);
              expect(stated?.[1], entry).toBe(sign);
              expect(Number(stated?.[2]?.replace(',', '.')), entry).toBeCloseTo(
                Math.abs(attribution?.contribution ?? 0),
                2,
              );
            }
          }
        }
      }),
      { numRuns: 100 },
    );
  });
});
