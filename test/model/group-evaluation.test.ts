import { describe, expect, it } from 'vitest';
import { buildServingCatalog, evaluateGroups, suggestAsServed } from '../../src/model/group-evaluation.ts';
import { generatePopulation } from '../../src/model/synthetic-population.ts';
import { trainModel } from '../../src/model/train-model.ts';
import { splitPopulation } from '../../src/model/training-data.ts';
import { warnAboutAddition } from '../../src/recommendations/addition-warnings.ts';
import { SMALL_TRAIN_OPTIONS } from './support/small-model.ts';

const { model } = trainModel(SMALL_TRAIN_OPTIONS);
const population = generatePopulation(SMALL_TRAIN_OPTIONS.population);
const split = splitPopulation(population);
const catalog = buildServingCatalog(population);
const holdout = split.people.holdout;

describe('the group evaluation of the model card', () => {
  it('suggests only courses the service’s hard filters keep: none a counselor adding it would be warned about', () => {
    let suggested = 0;
    for (const person of holdout) {
      const seeker = population.seekers[person];
      if (seeker === undefined) throw new Error(`no person ${person}`);
      for (const c of suggestAsServed(model, population, catalog, person).courseIndexes) {
        const course = population.courses[c]?.course;
        if (course === undefined) throw new Error(`no course ${c}`);
        expect(warnAboutAddition(course, seeker.profile, population.referenceDate)).toEqual([]);
        suggested += 1;
      }
    }
    expect(suggested).toBeGreaterThan(0);
  });

  it('keeps at most the service’s default 10 per person, best first', () => {
    for (const person of holdout.slice(0, 50)) {
      const { scores } = suggestAsServed(model, population, catalog, person);
      expect(scores.length).toBeLessThanOrEqual(10);
      expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    }
  });

  it('counts, per group, the people the filters leave without any course', () => {
    const holdoutPairs = population.pairs.filter((pair) => holdout.includes(pair.seekerIndex));
    const groups = evaluateGroups(
      model,
      population,
      holdoutPairs,
      new Float64Array(holdoutPairs.length),
      catalog,
    );
    const withoutAny = holdout.filter(
      (person) => suggestAsServed(model, population, catalog, person).candidates === 0,
    ).length;
    expect(withoutAny).toBeGreaterThan(0);
    for (const attribute of ['ageBand', 'sex', 'disability'] as const) {
      const rows = groups.filter((row) => row.attribute === attribute);
      expect(rows.reduce((sum, row) => sum + row.peopleWithoutCandidate, 0)).toBe(withoutAny);
      for (const row of rows)
        expect(row.noCandidateRate).toBeCloseTo(row.peopleWithoutCandidate / row.people, 10);
    }
  });
});
