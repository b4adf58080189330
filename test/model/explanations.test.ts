import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  describeAttributionValues,
  explainSuggestion,
  rankAttributions,
  writeCounselorExplanation,
} from '../../src/model/explanations.ts';
import {
  FEATURE_COUNT,
  FEATURE_NAMES,
  type FeatureName,
  WEEKS_WHEN_NO_SESSION,
} from '../../src/model/features.ts';
import { parseModelManifest } from '../../src/model/manifest.ts';
import { MANIFEST_FILE } from '../../src/model/model-folder.ts';
import { knownFacts } from './support/explanation-facts.ts';
import { SHIPPED_MODEL_FOLDER } from './support/small-model.ts';

const manifest = parseModelManifest(
  JSON.parse(await readFile(join(SHIPPED_MODEL_FOLDER, MANIFEST_FILE), 'utf8')),
);

/** The attributions of a row of the values and contributions given, 0 for the others. */
function attributionsFor(
  contributions: Partial<Record<FeatureName, number>>,
  values: Partial<Record<FeatureName, number>> = {},
) {
  const valueRow = FEATURE_NAMES.map((name) => values[name] ?? 0);
  const contributionRow = FEATURE_NAMES.map((name) => contributions[name] ?? 0);
  return rankAttributions(manifest, valueRow, contributionRow);
}

/** The attributions the job seeker's cases read: the duration, told whatever it weighs, left out unless given. */
function toldAttributionsFor(
  contributions: Partial<Record<FeatureName, number>>,
  values: Partial<Record<FeatureName, number>> = {},
) {
  const given = 'durationHours' in values || 'durationHours' in contributions;
  return attributionsFor(contributions, values).filter((a) => given || a.feature !== 'durationHours');
}

const MIXED = attributionsFor(
  { occupationMatch: 0.58, employmentRate: 0.84, funded: 0.02, distanceKm: -0.4, prerequisiteMet: -0.91 },
  { occupationMatch: 2, employmentRate: 0.78, distanceKm: 45.25, prerequisiteMet: 0, funded: 1 },
);

/** MIXED as the job seeker's cases read it (see `toldAttributionsFor`). */
const MIXED_TOLD = MIXED.filter((a) => a.feature !== 'durationHours');

describe('rankAttributions', () => {
  it('sorts by the size of the contribution and carries the French label and the value', () => {
    expect(MIXED.slice(0, 3).map((a) => a.feature)).toEqual([
      'prerequisiteMet',
      'employmentRate',
      'occupationMatch',
    ]);
    expect(MIXED[0]).toEqual({
      feature: 'prerequisiteMet',
      label: 'Niveau d’entrée atteint',
      value: 0,
      contribution: -0.91,
    });
    expect(MIXED).toHaveLength(FEATURE_COUNT);
  });

  it('refuses rows of the wrong length', () => {
    expect(() => rankAttributions(manifest, [1, 2], [0.1, 0.2])).toThrow(RangeError);
  });
});

describe('describeAttributionValues', () => {
  /** Each feature's value in words, by feature. */
  const wordsOf = (...args: Parameters<typeof describeAttributionValues>) =>
    Object.fromEntries(describeAttributionValues(...args).map((a) => [a.feature, a.valueText]));

  it('gives every attribution its value in words, the attribution kept as it was, in its order', () => {
    const worded = describeAttributionValues(MIXED, knownFacts());
    expect(worded.map(({ valueText: _words, ...attribution }) => attribution)).toEqual(MIXED);
    expect(wordsOf(MIXED, knownFacts())).toEqual({
      prerequisiteMet: 'non',
      employmentRate: '78 %',
      occupationMatch: 'métier exact',
      distanceKm: '45,25',
      funded: 'oui',
      skillsCoverage: '0 %',
      withinMobility: 'non',
      remoteAccessible: 'non',
      levelGap: '0',
      durationHours: '0',
      weeksToStart: '0 jour',
      certifying: 'non',
      employmentRateMissing: 'non',
      monthsUnemployed: '0',
      yearsExperience: '0',
    });
  });

  it('reads the codes as the counselor’s text does: the match level in words, a float32 share as a whole percentage', () => {
    const words = [0, 1, 2].map(
      (level) =>
        wordsOf(
          attributionsFor({}, { occupationMatch: level, employmentRate: Math.fround(0.9) }),
          knownFacts(),
        ).occupationMatch,
    );
    expect(words).toEqual(['aucune', 'même domaine', 'métier exact']);
    expect(wordsOf(attributionsFor({}, { employmentRate: Math.fround(0.9) }), knownFacts())).toMatchObject({
      employmentRate: '90 %',
    });
  });

  it('tells a value filled in for lack of a fact as unknown, and skills the catalog does not list as such', () => {
    const filledIn = attributionsFor(
      {},
      { distanceKm: 30, withinMobility: 1, employmentRate: 0.5, employmentRateMissing: 1, skillsCoverage: 0 },
    );
    expect(wordsOf(filledIn, knownFacts({ unknownPlace: 'home', courseSkillCount: 0 }))).toMatchObject({
      distanceKm: 'inconnue (domicile non connu — comptée au rayon de mobilité : 30 km)',
      withinMobility: 'supposé, distance inconnue',
      employmentRate: 'inconnu',
      employmentRateMissing: 'oui',
      skillsCoverage: 'aucune compétence listée au catalogue',
    });
  });

  it('gives the words the counselor’s text states its reasons’ values with', () => {
    const text = writeCounselorExplanation(0.5, MIXED, knownFacts());
    for (const { label, valueText, contribution } of describeAttributionValues(MIXED, knownFacts())) {
      if (Math.abs(contribution) >= 0.05) expect(text).toContain(`${label} = ${valueText} (`);
    }
    expect(explainSuggestion(manifest, 0.5, MIXED, knownFacts()).attributions).toEqual(
      describeAttributionValues(MIXED, knownFacts()),
    );
  });
});

describe('writeCounselorExplanation', () => {
  const text = writeCounselorExplanation(0.7234, MIXED, knownFacts());

  it('writes the weeks before a session starts as a person would: days under a week, whole weeks, or about so many weeks', () => {
    // As the model reads them: days divided by seven, through float32.
    const told = (days: number) =>
      writeCounselorExplanation(
        0.5,
        attributionsFor({ weeksToStart: 0.3 }, { weeksToStart: Math.fround(days / 7) }),
        knownFacts(),
      );
    expect(told(279)).toContain('Semaines avant le début = environ 40 semaines (+0,30)');
    expect(told(280)).toContain('Semaines avant le début = 40 semaines (+0,30)');
    expect(told(10)).toContain('Semaines avant le début = environ 1 semaine (+0,30)');
    expect(told(3)).toContain('Semaines avant le début = 3 jours (+0,30)');
    expect(told(0)).toContain('Semaines avant le début = 0 jour (+0,30)');
    expect(told(-16)).toContain(
      'Semaines avant le début = début environ 2 semaines avant la disponibilité de la personne (+0,30)',
    );
    expect(told(279)).not.toMatch(/\d,\d+ semaine/);
  });

  it('says what the figures in brackets are in a counselor’s words, not as logit points', () => {
    expect(text).not.toMatch(/logit/i);
    expect(text).toContain('ce que chaque facteur ajoute à la chance estimée ou lui retire');
    expect(text).toContain('ce ne sont pas des points de pourcentage');
  });

  it('gives the estimated chance and the main reasons with numbers', () => {
    expect(text).toContain('Chance estimée de retour à l’emploi à 6 mois : 72 %.');
    expect(text).toContain(
      'Pour : Taux de retour à l’emploi de la formation = 78 % (+0,84) ; Correspondance avec le métier visé = métier exact (+0,58).',
    );
    expect(text).toContain(
      'Contre : Niveau d’entrée atteint = non (−0,91) ; Distance du domicile (km) = 45,25 (−0,40).',
    );
  });

  it('reads the occupation match as words and the shares as percentages, not as the model’s codes', () => {
    const levels = [0, 1, 2].map((level) =>
      writeCounselorExplanation(
        0.5,
        attributionsFor(
          { occupationMatch: 0.5, skillsCoverage: 0.3 },
          { occupationMatch: level, skillsCoverage: 0.25 },
        ),
        knownFacts(),
      ),
    );
    expect(levels[0]).toContain('Correspondance avec le métier visé = aucune (+0,50)');
    expect(levels[1]).toContain('Correspondance avec le métier visé = même domaine (+0,50)');
    expect(levels[2]).toContain('Correspondance avec le métier visé = métier exact (+0,50)');
    expect(levels[2]).toContain('= 25 % (+0,30)');
  });

  it('tells an unknown return-to-employment rate as unknown, not as the share the model is given in its place', () => {
    const unknown = writeCounselorExplanation(
      0.62,
      attributionsFor(
        { employmentRate: -0.3, employmentRateMissing: -0.2 },
        { employmentRate: 0.5, employmentRateMissing: 1 },
      ),
      knownFacts(),
    );
    expect(unknown).toContain('Taux de retour à l’emploi de la formation = inconnu (−0,30)');
    expect(unknown).not.toContain('50 %');
  });

  it('tells a distance the model was given for lack of a home as unknown, not as a distance', () => {
    const noHome = attributionsFor(
      { distanceKm: -0.45, withinMobility: 0.1 },
      { distanceKm: 80, withinMobility: 1 },
    );
    const unknownHome = writeCounselorExplanation(0.5, noHome, knownFacts({ unknownPlace: 'home' }));
    expect(unknownHome).toContain(
      'Distance du domicile (km) = inconnue (domicile non connu — comptée au rayon de mobilité : 80 km) (−0,45)',
    );
    expect(unknownHome).toContain('Dans le rayon de mobilité = supposé, distance inconnue (+0,10)');
    expect(unknownHome).not.toContain('= 80 (');
    expect(writeCounselorExplanation(0.5, noHome, knownFacts({ unknownPlace: 'course' }))).toContain(
      'Distance du domicile (km) = inconnue (lieu de la formation non connu — comptée au rayon de mobilité : 80 km) (−0,45)',
    );
  });

  it('tells a course whose catalog entry lists no skill as such, not as 0 % of its skills already held', () => {
    const text = writeCounselorExplanation(
      0.5,
      attributionsFor({ skillsCoverage: -0.4 }, { skillsCoverage: 0 }),
      knownFacts({ courseSkillCount: 0 }),
    );
    expect(text).toContain('Compétences déjà acquises = aucune compétence listée au catalogue (−0,40)');
    expect(text).not.toContain('= 0 %');
  });

  it('keeps a value told as unknown whole inside the list of reasons, which « ; » separates', () => {
    const against = writeCounselorExplanation(
      0.5,
      attributionsFor({ distanceKm: -0.45, funded: -0.3 }, { distanceKm: 80, funded: 0 }),
      knownFacts({ unknownPlace: 'course' }),
    ).match(/Contre : (.*)\. Entre parenthèses/)?.[1];
    // Two reasons against, so exactly two parts: none of them holds a « ; » of its own.
    expect(against?.split(' ; ')).toEqual([
      'Distance du domicile (km) = inconnue (lieu de la formation non connu — comptée au rayon de mobilité : 80 km) (−0,45)',
      'Financée = non (−0,30)',
    ]);
  });

  it('leaves out negligible contributions', () => {
    expect(text).not.toContain('Financée');
  });

  it('says so when nothing speaks for or against the course', () => {
    const neutral = writeCounselorExplanation(0.4, attributionsFor({}), knownFacts());
    expect(neutral).toContain('Aucun facteur favorable marquant.');
    expect(neutral).toContain('Aucun facteur défavorable marquant.');
  });

  it('tells the counselor that no session may be fixed rather than a bare 52 weeks', () => {
    const noSession = toldAttributionsFor({ weeksToStart: 0.4 }, { weeksToStart: WEEKS_WHEN_NO_SESSION });
    expect(explainSuggestion(manifest, 0.6, noSession, knownFacts()).counselorText).toContain(
      'Semaines avant le début = aucune session fixée, ou début dans un an environ (52 semaines) (+0,40)',
    );
  });
});

describe('the job seeker’s text', () => {
  const text = explainSuggestion(manifest, 0.5, MIXED_TOLD, knownFacts()).jobSeekerText;

  it('explains the main reasons in plain French with the manifest phrases', () => {
    expect(text).toBe(
      'Cette formation vous est proposée surtout parce que beaucoup d’anciens stagiaires de cette formation ont ' +
        'retrouvé un emploi et la formation correspond au métier que vous visez. Points à voir avec votre ' +
        'conseiller : la formation demande un niveau d’entrée plus élevé que le vôtre et la formation a lieu loin de chez vous.',
    );
  });

  it('shows no score, number or technical term', () => {
    expect(text).not.toMatch(/\d|score|logit|contribution|modèle/i);
  });

  it('leaves out what weighs on every course alike (the person’s experience and time without a job), which the counselor still reads', () => {
    const personal = toldAttributionsFor(
      { yearsExperience: -0.9, monthsUnemployed: -0.6, employmentRate: 0.3 },
      { yearsExperience: 8, monthsUnemployed: 7, employmentRate: 0.7 },
    );
    const explanation = explainSuggestion(manifest, 0.5, personal, knownFacts());
    expect(explanation.jobSeekerReasons.map((reason) => reason.direction)).toEqual(['for']);
    expect(explanation.jobSeekerText).toBe(
      'Cette formation vous est proposée surtout parce que beaucoup d’anciens stagiaires de cette formation ont retrouvé un emploi.',
    );
    expect(explanation.counselorText).toContain('Années d’expérience = 8 (−0,90)');
    expect(explanation.counselorText).toContain('Mois sans emploi = 7 (−0,60)');
  });

  it('never tells a session starting before the person is available as starting when they are, whatever its contribution, but when it starts', () => {
    const dayEarly = toldAttributionsFor(
      { weeksToStart: 0.4, occupationMatch: 0.3 },
      { weeksToStart: -1 / 7, occupationMatch: 2 },
    );
    const { jobSeekerReasons, jobSeekerText, counselorText } = explainSuggestion(
      manifest,
      0.6,
      dayEarly,
      knownFacts(),
    );
    const soon = manifest.features.find((feature) => feature.name === 'weeksToStart')?.positivePhraseFr;
    expect(soon).toBe('la formation commence bientôt, quand vous êtes disponible');
    // When it starts is a fact, told apart: neither a reason for the course nor one against it.
    const start =
      'la prochaine session commence 1 jour avant votre date de disponibilité (cela a compté en faveur de cette formation)';
    expect(jobSeekerReasons).toEqual([
      {
        direction: 'for',
        text: 'la formation correspond au métier que vous visez',
        weight: 'moderate',
        fact: false,
      },
      { direction: 'for', text: start, weight: 'moderate', fact: true },
    ]);
    expect(jobSeekerText).toBe(
      'Cette formation vous est proposée surtout parce que la formation correspond au métier que vous visez. ' +
        `À savoir : ${start}.`,
    );
    expect(jobSeekerText).not.toContain(soon);
    expect(counselorText).toContain(
      'Semaines avant le début = début 1 jour avant la disponibilité de la personne (+0,40)',
    );
    const onTime = toldAttributionsFor({ weeksToStart: 0.4 }, { weeksToStart: 0 });
    expect(explainSuggestion(manifest, 0.6, onTime, knownFacts()).jobSeekerText).toContain(soon);
  });

  it('never tells a course with no session planned as starting soon, whatever its contribution, but that none is fixed', () => {
    // A model whose baseline lies beyond the weeks that stand for no session (or sampled attributions)
    // may weigh « no session planned » in the course's favour. The weeks that stand for none are also
    // those of a session 364 days away: the words are true of both.
    const noSession = toldAttributionsFor({ weeksToStart: 0.4 }, { weeksToStart: WEEKS_WHEN_NO_SESSION });
    expect(
      explainSuggestion(manifest, 0.6, noSession, knownFacts()).jobSeekerReasons.map((reason) => reason.text),
    ).toEqual([
      'aucune session de la formation n’est encore fixée, ou la prochaine commence dans un an environ ' +
        '(cela a compté en faveur de cette formation)',
    ]);
  });

  it('tells the person nothing of a distance the tool could not measure, for lack of their home or the course’s place', () => {
    const noHome = toldAttributionsFor(
      { distanceKm: -0.45, withinMobility: 0.3, occupationMatch: 0.2 },
      { distanceKm: 80, withinMobility: 1, occupationMatch: 2 },
    );
    for (const unknownPlace of ['home', 'course'] as const) {
      const { jobSeekerReasons } = explainSuggestion(manifest, 0.5, noHome, knownFacts({ unknownPlace }));
      expect(jobSeekerReasons.map((reason) => reason.text)).toEqual([
        'la formation correspond au métier que vous visez',
      ]);
    }
    const measured = explainSuggestion(manifest, 0.5, noHome, knownFacts()).jobSeekerText;
    expect(measured).toContain('la formation a lieu loin de chez vous');
    expect(measured).toContain('la formation est dans la zone où vous pouvez vous déplacer');
  });

  it('tells the person nothing of how many past trainees found a job when the course’s rate is unknown', () => {
    const unknownRate = toldAttributionsFor(
      { employmentRate: -0.4, occupationMatch: 0.3 },
      { employmentRate: 0.5, employmentRateMissing: 1, occupationMatch: 2 },
    );
    const { jobSeekerReasons } = explainSuggestion(manifest, 0.5, unknownRate, knownFacts());
    expect(jobSeekerReasons.map((reason) => reason.text)).toEqual([
      'la formation correspond au métier que vous visez',
    ]);
    const favoured = toldAttributionsFor(
      { employmentRate: 0.4 },
      { employmentRate: 0.5, employmentRateMissing: 1 },
    );
    expect(explainSuggestion(manifest, 0.5, favoured, knownFacts()).jobSeekerReasons).toEqual([]);
  });

  it('tells a yes-or-no feature’s phrase only when it states the value the feature has, whichever way the model weighs it', () => {
    const phrasesOf = (
      contributions: Partial<Record<FeatureName, number>>,
      values: Partial<Record<FeatureName, number>>,
    ) =>
      explainSuggestion(manifest, 0.5, toldAttributionsFor(contributions, values), knownFacts())
        .jobSeekerReasons;
    // A model that counts an unknown rate, or a course not funded, in the course's favour.
    expect(phrasesOf({ employmentRateMissing: 0.3 }, { employmentRateMissing: 1 })).toEqual([]);
    expect(phrasesOf({ funded: 0.3 }, { funded: 0 })).toEqual([]);
    expect(phrasesOf({ employmentRateMissing: -0.3 }, { employmentRateMissing: 0 })).toEqual([]);
    // The phrases that state the value are told, for or against.
    expect(phrasesOf({ employmentRateMissing: -0.3 }, { employmentRateMissing: 1 })).toEqual([
      {
        direction: 'against',
        text: 'on ne connaît pas encore les résultats passés de cette formation',
        weight: 'moderate',
        fact: false,
      },
    ]);
    expect(phrasesOf({ employmentRateMissing: 0.3 }, { employmentRateMissing: 0 })).toEqual([
      {
        direction: 'for',
        text: 'les résultats passés de cette formation sont connus',
        weight: 'moderate',
        fact: false,
      },
    ]);
    expect(phrasesOf({ funded: -0.3 }, { funded: 0 })).toEqual([
      {
        direction: 'against',
        text: 'la formation n’est pas financée pour les demandeurs d’emploi',
        weight: 'moderate',
        fact: false,
      },
    ]);
  });

  it('tells a phrase only when it is true of the feature’s value, and the value in words otherwise, under a model whose baselines differ from the shipped one', () => {
    // A registered model with other reference values: a course of another domain, a course that cannot be
    // followed remotely, one below the person's level. Its additive contributions, weight × (value −
    // baseline), weigh a same-domain course, a hybrid course for a person who refuses remote learning
    // (remoteAccessible 0) and a course at the person's own level the other way than the shipped model.
    const baselines: Partial<Record<FeatureName, number>> = {
      occupationMatch: 0,
      remoteAccessible: 1,
      levelGap: -1,
    };
    const other = {
      ...manifest,
      features: manifest.features.map((feature) => ({
        ...feature,
        baseline: baselines[feature.name as FeatureName] ?? feature.baseline,
      })),
    };
    const reasonsOf = (values: Partial<Record<FeatureName, number>>) => {
      const valueRow = FEATURE_NAMES.map((name) => values[name] ?? 0);
      const contributionRow = other.features.map((feature, f) =>
        feature.name in values ? 0.4 * ((valueRow[f] ?? 0) - feature.baseline) : 0,
      );
      return explainSuggestion(
        other,
        0.5,
        rankAttributions(other, valueRow, contributionRow).filter((a) => a.feature !== 'durationHours'),
        knownFacts(),
      ).jobSeekerReasons.map((reason) => `${reason.fact ? 'fact' : reason.direction}: ${reason.text}`);
    };
    // Same domain only, a hybrid course refused by the person, no level gained: none of the phrases is
    // true, so each value is told as it is, as a fact, with the way it weighed.
    expect(reasonsOf({ occupationMatch: 1, remoteAccessible: 0, levelGap: 0 })).toEqual([
      'fact: la formation mène à un métier du même domaine professionnel qu’un métier que vous visez (cela a compté en faveur de cette formation)',
      'fact: la formation mène au niveau de diplôme que vous avez déjà (cela a compté en faveur de cette formation)',
      'fact: la formation ne peut pas se suivre à distance, ou vous n’avez pas indiqué accepter une formation à distance (cela a compté contre cette formation)',
    ]);
    // A jump of two levels is not « un niveau », whatever its weight.
    expect(reasonsOf({ levelGap: 2 })).toEqual([
      'fact: la formation vous fait monter de 2 niveaux (cela a beaucoup compté en faveur de cette formation)',
    ]);
    // The exact occupation, one level up: those are.
    expect(reasonsOf({ occupationMatch: 2, remoteAccessible: 1, levelGap: 1 })).toEqual([
      'for: la formation correspond au métier que vous visez',
      'for: la formation vous fait monter d’un niveau adapté',
    ]);
  });

  it('tells which way a fact weighed, in words and in its direction, when it weighed: a share of skills the model counted strongly for the course', () => {
    const { jobSeekerReasons, jobSeekerText } = explainSuggestion(
      manifest,
      0.5,
      toldAttributionsFor(
        { occupationMatch: 0.9, skillsCoverage: 0.56 },
        { occupationMatch: 2, skillsCoverage: Math.fround(0.2) },
      ),
      knownFacts(),
    );
    const skills =
      'vous avez déjà 20 % des compétences que la formation enseigne (cela a beaucoup compté en faveur de cette formation)';
    expect(jobSeekerReasons).toContainEqual({ direction: 'for', text: skills, weight: 'strong', fact: true });
    expect(jobSeekerText).toContain(`À savoir : ${skills}.`);
  });

  it('still says something when no feature stands out', () => {
    expect(explainSuggestion(manifest, 0.5, toldAttributionsFor({}), knownFacts()).jobSeekerText).toBe(
      'Votre conseiller a retenu cette formation pour vous.',
    );
  });
});

describe('explainSuggestion', () => {
  it('writes both texts at once', () => {
    const explanation = explainSuggestion(manifest, 0.5, MIXED_TOLD, knownFacts());
    expect(explanation.counselorText).toContain('50 %');
    expect(explanation.jobSeekerText).toContain('Cette formation vous est proposée');
  });

  it('tells the job seeker the very reasons it lists for them, and no other', () => {
    const { jobSeekerText, jobSeekerReasons } = explainSuggestion(manifest, 0.5, MIXED_TOLD, knownFacts());
    expect(jobSeekerReasons.length).toBeGreaterThan(1);
    for (const reason of jobSeekerReasons) expect(jobSeekerText).toContain(reason.text);
    const phrases = manifest.features.flatMap((feature) => [
      feature.positivePhraseFr,
      feature.negativePhraseFr,
    ]);
    const told = phrases.filter((phrase) => phrase !== undefined && jobSeekerText.includes(phrase));
    expect(told).toHaveLength(jobSeekerReasons.length);
  });
});
