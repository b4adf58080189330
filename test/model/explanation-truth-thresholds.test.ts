import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { explainSuggestion, rankAttributions } from '../../src/model/explanations.ts';
import {
  type ExplanationFacts,
  FEATURE_NAMES,
  FEATURES,
  type FeatureDefinition,
  type FeatureName,
  findExplanationFacts,
  PHRASE_THRESHOLDS,
} from '../../src/model/features.ts';
import { parseModelManifest } from '../../src/model/manifest.ts';
import { MANIFEST_FILE } from '../../src/model/model-folder.ts';
import { aCourse, aJobSeeker } from '../support/builders.ts';
import { knownFacts } from './support/explanation-facts.ts';
import { SHIPPED_MODEL_FOLDER } from './support/small-model.ts';

const manifest = parseModelManifest(
  JSON.parse(await readFile(join(SHIPPED_MODEL_FOLDER, MANIFEST_FILE), 'utf8')),
);
const phraseOf = (name: FeatureName, sign: 'positive' | 'negative') => {
  const feature = manifest.features.find((candidate) => candidate.name === name);
  return sign === 'positive' ? feature?.positivePhraseFr : feature?.negativePhraseFr;
};

/**
 * What the job seeker is told of the features given, each weighing its contribution at its value. The
 * duration, told whatever it weighs, is left out unless given, so that each case reads its own features.
 */
function explain(
  weighed: Partial<Record<FeatureName, { value: number; contribution: number }>>,
  facts: Partial<ExplanationFacts> = {},
) {
  const values = FEATURE_NAMES.map((feature) => weighed[feature]?.value ?? 0);
  const contributions = FEATURE_NAMES.map((feature) => weighed[feature]?.contribution ?? 0);
  const attributions = rankAttributions(manifest, values, contributions).filter(
    (a) => weighed.durationHours !== undefined || a.feature !== 'durationHours',
  );
  return explainSuggestion(manifest, 0.5, attributions, knownFacts(facts));
}

/** What the job seeker is told of one feature weighing `contribution` at `value`, alone. */
function toldOf(
  name: FeatureName,
  value: number,
  contribution: number,
  facts: Partial<ExplanationFacts> = {},
): string[] {
  return explain({ [name]: { value, contribution } }, facts).jobSeekerReasons.map((reason) =>
    reason.text.replace(WAY_IT_WEIGHED, ''),
  );
}

/** The brackets after a fact that say which way and how much it weighed. */
const WAY_IT_WEIGHED = / \(cela a (beaucoup |un peu )?compté (en faveur de|contre) cette formation\)$/;

/** The sentences of the job seeker's summary that tell reasons for and against the course. */
function reasonSentences(summary: string): string {
  return summary
    .split(/(?<=\.) (?=[A-ZÀ])/)
    .filter((sentence) => sentence.includes('parce que') || sentence.startsWith('Points à voir'))
    .join(' ');
}

describe('the words a job seeker reads of a feature’s value', () => {
  it('say the course builds well on the person’s skills only when they hold half of them or more, and the share otherwise', () => {
    const well = phraseOf('skillsCoverage', 'positive');
    expect(toldOf('skillsCoverage', 0.6, 0.4)).toEqual([well]);
    expect(toldOf('skillsCoverage', Math.fround(0.2), 0.4)).toEqual([
      'vous avez déjà 20 % des compétences que la formation enseigne',
    ]);
    expect(toldOf('skillsCoverage', 0.1, -0.4)).toEqual([phraseOf('skillsCoverage', 'negative')]);
    expect(toldOf('skillsCoverage', 0.4, -0.4)).toEqual([
      'vous avez déjà 40 % des compétences que la formation enseigne',
    ]);
  });

  it('tell a course whose catalog entry lists no skill as such, never that it builds little or not at all on the person’s skills', () => {
    for (const contribution of [0.4, -0.4]) {
      expect(toldOf('skillsCoverage', 0, contribution, { courseSkillCount: 0 })).toEqual([
        'le catalogue n’indique pas les compétences que la formation enseigne',
      ]);
    }
    expect(toldOf('skillsCoverage', 0, -0.4)).toEqual([phraseOf('skillsCoverage', 'negative')]);
    expect(toldOf('skillsCoverage', 0, 0.4)).toEqual([
      'la formation ne s’appuie sur aucune des compétences que vous avez déjà',
    ]);
  });

  it('never call a course 38 km away near the person’s home, whatever its weight, but give its distance in whole km', () => {
    expect(toldOf('distanceKm', Math.fround(38.27), 0.4)).toEqual([
      'la formation a lieu à 38 km de chez vous, à vol d’oiseau, au-delà du rayon de 30 km que vous avez indiqué',
    ]);
    expect(toldOf('distanceKm', 12, 0.4)).toEqual([phraseOf('distanceKm', 'positive')]);
    expect(toldOf('distanceKm', 0, 0.4)).toEqual([phraseOf('distanceKm', 'positive')]);
  });

  it('call a course far from home only from 30 km, and give a distance short of it as it is', () => {
    expect(toldOf('distanceKm', Math.fround(21.6), -0.4)).toEqual([
      'la formation a lieu à 22 km de chez vous, à vol d’oiseau, dans le rayon de 30 km que vous avez indiqué',
    ]);
    expect(toldOf('distanceKm', 45, -0.4)).toEqual([phraseOf('distanceKm', 'negative')]);
  });

  it('never call a course within the distance the person said they can travel far from home, but give both', () => {
    expect(toldOf('distanceKm', 35, -0.4, { mobilityRadiusKm: 40 })).toEqual([
      'la formation a lieu à 35 km de chez vous, à vol d’oiseau, dans le rayon de 40 km que vous avez indiqué',
    ]);
    expect(toldOf('distanceKm', Math.fround(39.8), -0.4, { mobilityRadiusKm: 40 })).toEqual([
      'la formation a lieu à 40 km de chez vous, à vol d’oiseau, à la limite du rayon de 40 km que vous avez indiqué',
    ]);
    expect(toldOf('distanceKm', 45, -0.4, { mobilityRadiusKm: 40 })).toEqual([
      phraseOf('distanceKm', 'negative'),
    ]);
  });

  it('never call a course beyond the distance the person said they can travel near their home, but give both', () => {
    expect(toldOf('distanceKm', 12, 0.4, { mobilityRadiusKm: 5 })).toEqual([
      'la formation a lieu à 12 km de chez vous, à vol d’oiseau, au-delà du rayon de 5 km que vous avez indiqué',
    ]);
    expect(toldOf('distanceKm', 4, 0.4, { mobilityRadiusKm: 5 })).toEqual([
      phraseOf('distanceKm', 'positive'),
    ]);
    expect(toldOf('distanceKm', 0, 0.4, { mobilityRadiusKm: 0 })).toEqual([
      phraseOf('distanceKm', 'positive'),
    ]);
  });

  it('say many or few past trainees found a job only of 60 % or more and 30 % or fewer, and the percentage between', () => {
    expect(toldOf('employmentRate', Math.fround(0.45), 0.4)).toEqual([
      '45 % des anciens stagiaires de cette formation avaient un emploi six mois après la formation',
    ]);
    expect(toldOf('employmentRate', Math.fround(0.38), -0.4)).toEqual([
      '38 % des anciens stagiaires de cette formation avaient un emploi six mois après la formation',
    ]);
    expect(toldOf('employmentRate', Math.fround(0.7), 0.4)).toEqual([phraseOf('employmentRate', 'positive')]);
    expect(toldOf('employmentRate', Math.fround(0.3), -0.4)).toEqual([
      phraseOf('employmentRate', 'negative'),
    ]);
    expect(toldOf('employmentRate', Math.fround(0.2), -0.4)).toEqual([
      phraseOf('employmentRate', 'negative'),
    ]);
  });

  it('never call a session 40 weeks away soon, and tell when it starts instead', () => {
    const told = toldOf('weeksToStart', 40, 0.4);
    expect(told).not.toContain(phraseOf('weeksToStart', 'positive'));
    expect(told).toEqual([
      'la prochaine session commence 40 semaines après le jour de cette suggestion ou, si elle est plus ' +
        'tardive, après votre date de disponibilité',
    ]);
    expect(toldOf('weeksToStart', 3, 0.4)).toEqual([phraseOf('weeksToStart', 'positive')]);
  });

  it('tell a session starting on the day the person is available as starting that very day, never 0 days after it', () => {
    const sameDay =
      'la prochaine session commence le jour même de cette suggestion ou, si elle est plus tardive, de votre date de disponibilité';
    expect(toldOf('weeksToStart', 0, -0.4)).toEqual([sameDay]);
    expect(toldOf('weeksToStart', Math.fround(1 / 7), -0.4)).toEqual([
      'la prochaine session commence 1 jour après le jour de cette suggestion ou, si elle est plus tardive, ' +
        'après votre date de disponibilité',
    ]);
  });

  it('never call a session starting in 10 weeks too late, and tell when it starts instead', () => {
    expect(toldOf('weeksToStart', Math.fround(70 / 7 + 2 / 7), -0.4)).toEqual([
      'la prochaine session commence environ 10 semaines après le jour de cette suggestion ou, si elle est ' +
        'plus tardive, après votre date de disponibilité',
    ]);
    expect(toldOf('weeksToStart', 20, -0.4)).toEqual([phraseOf('weeksToStart', 'negative')]);
  });

  it('tell the course’s duration in hours, never that the duration is an asset or a drawback', () => {
    for (const contribution of [0.4, -0.4]) {
      expect(toldOf('durationHours', 1200, contribution)).toEqual(['la formation dure 1\u202f200 heures']);
      expect(toldOf('durationHours', 35, contribution)).toEqual(['la formation dure 35 heures']);
    }
  });

  it('tell the course’s duration as a fact apart, with which way it weighed, never as a reason the course is suggested nor as a point to discuss', () => {
    for (const [contribution, direction, way] of [
      [0.4, 'for', 'en faveur de'],
      [-0.4, 'against', 'contre'],
    ] as const) {
      const hours = `la formation dure 1\u202f540 heures (cela a compté ${way} cette formation)`;
      const alone = explain({ durationHours: { value: 1540, contribution } });
      expect(alone.jobSeekerReasons).toEqual([{ direction, text: hours, weight: 'moderate', fact: true }]);
      expect(alone.jobSeekerText).toBe(
        `Votre conseiller a retenu cette formation pour vous. À savoir : ${hours}.`,
      );
      // Beside reasons that do say which way they weigh, and heavier than some of them.
      const among = explain({
        occupationMatch: { value: 2, contribution: 0.6 },
        durationHours: { value: 1540, contribution },
        funded: { value: 1, contribution: 0.1 },
        certifying: { value: 0, contribution: -0.1 },
      });
      expect(among.jobSeekerText).toBe(
        'Cette formation vous est proposée surtout parce que la formation correspond au métier que vous visez ' +
          'et la formation est financée pour les demandeurs d’emploi. Points à voir avec votre conseiller : la ' +
          `formation ne mène pas à une certification reconnue. À savoir : ${hours}.`,
      );
      expect(reasonSentences(among.jobSeekerText)).not.toContain('dure');
      expect(among.jobSeekerReasons.map((reason) => [reason.direction, reason.fact])).toEqual([
        ['for', false],
        ['for', false],
        ['against', false],
        [direction, true],
      ]);
    }
  });

  it('tell the course’s duration whatever it weighs, beside the three reasons for and two against that weighed most, taking none of their places', () => {
    // A course whose duration weighed less than three reasons for it: the fourth, still told.
    const fourth = explain({
      occupationMatch: { value: 2, contribution: 0.9 },
      skillsCoverage: { value: 0.6, contribution: 0.56 },
      employmentRate: { value: Math.fround(0.7), contribution: 0.5 },
      durationHours: { value: 1540, contribution: 0.47 },
      funded: { value: 1, contribution: 0.3 },
      certifying: { value: 0, contribution: -0.4 },
      weeksToStart: { value: 20, contribution: -0.3 },
    });
    expect(fourth.jobSeekerReasons.map((reason) => reason.text)).toEqual([
      phraseOf('occupationMatch', 'positive'),
      phraseOf('skillsCoverage', 'positive'),
      phraseOf('employmentRate', 'positive'),
      phraseOf('certifying', 'negative'),
      phraseOf('weeksToStart', 'negative'),
      'la formation dure 1\u202f540 heures (cela a compté en faveur de cette formation)',
    ]);
    // Weighing nothing, it is still told; the reasons keep their places.
    const weightless = explain({
      occupationMatch: { value: 2, contribution: 0.9 },
      durationHours: { value: 35, contribution: 0 },
    });
    expect(weightless.jobSeekerText).toBe(
      'Cette formation vous est proposée surtout parce que la formation correspond au métier que vous visez. ' +
        'À savoir : la formation dure 35 heures.',
    );
  });

  it('tell every value given in words where no phrase is true of it as a fact, apart from the reasons, saying which way and how much it weighed', () => {
    const cases: Array<[FeatureName, number, number, Partial<ExplanationFacts>?]> = [
      ['skillsCoverage', Math.fround(0.4), 0.4],
      ['skillsCoverage', 0, -0.4, { courseSkillCount: 0 }],
      ['distanceKm', Math.fround(38.27), 0.4],
      ['distanceKm', Math.fround(21.6), -0.4],
      ['employmentRate', Math.fround(0.45), 0.4],
      ['weeksToStart', 40, 0.4],
      ['weeksToStart', 10, -0.4],
      ['occupationMatch', 1, 0.4],
      ['occupationMatch', 1, -0.4],
      ['levelGap', 2, 0.4],
      ['durationHours', 400, -0.4],
    ];
    for (const [name, value, contribution, facts] of cases) {
      const { jobSeekerReasons, jobSeekerText } = explain({ [name]: { value, contribution } }, facts);
      // Told as a fact, with the way it weighed: the sign of its contribution.
      expect(
        jobSeekerReasons.map((reason) => [reason.direction, reason.fact]),
        name,
      ).toEqual([[contribution > 0 ? 'for' : 'against', true]]);
      const [fact] = jobSeekerReasons;
      expect(fact?.text, name).toMatch(WAY_IT_WEIGHED);
      expect(jobSeekerText, name).toBe(
        `Votre conseiller a retenu cette formation pour vous. À savoir : ${fact?.text}.`,
      );
    }
  });

  it('tell a course followed at a distance only as such, never as near the person’s home, whether their home is known or not', () => {
    const remote = aCourse({ modality: 'remote', location: null, city: null });
    const homes = [aJobSeeker({ remoteOk: true }), aJobSeeker({ location: null, remoteOk: true })];
    for (const person of homes) {
      const facts = findExplanationFacts(person, remote);
      // The remote course is the one whose distance is known without a home: 0 km.
      expect(facts).toMatchObject({ unknownPlace: null, courseRemoteOnly: true });
      for (const [contribution, direction, way] of [
        [0.4, 'for', 'en faveur de'],
        [-0.4, 'against', 'contre'],
      ] as const) {
        const remoteFact = `la formation se suit à distance (cela a compté ${way} cette formation)`;
        const { jobSeekerReasons, jobSeekerText } = explain(
          {
            occupationMatch: { value: 2, contribution: 0.6 },
            distanceKm: { value: 0, contribution },
            withinMobility: { value: 1, contribution: 0.3 },
          },
          facts,
        );
        expect(jobSeekerReasons).toEqual([
          {
            direction: 'for',
            text: 'la formation correspond au métier que vous visez',
            weight: 'strong',
            fact: false,
          },
          { direction, text: remoteFact, weight: 'moderate', fact: true },
        ]);
        expect(jobSeekerText).toBe(
          'Cette formation vous est proposée surtout parce que la formation correspond au métier que vous visez. ' +
            `À savoir : ${remoteFact}.`,
        );
        expect(jobSeekerText).not.toMatch(/chez vous|vous déplacer/);
      }
    }
  });

  it('still call a course held near the person’s home so, hybrid ones included', () => {
    const hybrid = aCourse({ modality: 'hybrid', location: { lat: 45.8, lon: 4.85 } });
    const facts = findExplanationFacts(aJobSeeker({ remoteOk: true }), hybrid);
    expect(facts.courseRemoteOnly).toBe(false);
    const { jobSeekerReasons, jobSeekerText } = explain(
      { distanceKm: { value: 4, contribution: 0.4 } },
      facts,
    );
    expect(jobSeekerReasons).toEqual([
      { direction: 'for', text: phraseOf('distanceKm', 'positive'), weight: 'moderate', fact: false },
    ]);
    expect(jobSeekerText).toBe(
      'Cette formation vous est proposée surtout parce que la formation a lieu près de chez vous ou à distance.',
    );
  });

  it('tell a course of the same occupational domain as such, neither as the occupation sought nor as a distant one', () => {
    expect(toldOf('occupationMatch', 1, 0.4)).toEqual([
      'la formation mène à un métier du même domaine professionnel qu’un métier que vous visez',
    ]);
    expect(toldOf('occupationMatch', 1, -0.4)).toEqual([
      'la formation mène à un métier du même domaine professionnel qu’un métier que vous visez',
    ]);
  });
});

describe('the truth thresholds of the phrases', () => {
  const features = FEATURES as readonly FeatureDefinition[];

  it('are set for every continuous feature a job seeker may be told of, with words for the values between', () => {
    for (const feature of features) {
      if (feature.kind !== 'continuous' || feature.personOnly === true) continue;
      expect(feature.phrasesTrueOf, feature.name).toBeDefined();
      expect(feature.valueInWordsFr, feature.name).toBeDefined();
    }
  });

  it('never make both phrases of a feature true of one value', () => {
    const cases = [
      knownFacts(),
      knownFacts({ courseSkillCount: 0 }),
      knownFacts({ mobilityRadiusKm: 5 }),
      knownFacts({ mobilityRadiusKm: 80 }),
      knownFacts({ courseRemoteOnly: true }),
    ];
    for (const feature of features) {
      const trueOf = feature.phrasesTrueOf;
      if (trueOf === undefined) continue;
      for (const facts of cases) {
        for (let value = -20; value <= 80; value += 0.05) {
          expect(
            trueOf.positive(value, facts) && trueOf.negative(value, facts),
            `${feature.name} at ${value}`,
          ).toBe(false);
        }
      }
    }
  });

  it('leave a gap between the two phrases of each continuous feature', () => {
    const t = PHRASE_THRESHOLDS;
    expect(t.skillsLittleCoveredUpTo).toBeLessThan(t.skillsWellCoveredFrom);
    expect(t.nearUpToKm).toBeLessThan(t.farFromKm);
    expect(t.fewBackInWorkUpTo).toBeLessThan(t.manyBackInWorkFrom);
    expect(t.soonUpToWeeks).toBeLessThan(t.lateFromWeeks);
  });
});
