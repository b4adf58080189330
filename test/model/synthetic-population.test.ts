import { describe, expect, it } from 'vitest';
import { computeTrueLogit, type SensitiveAttributes } from '../../src/model/generative-story.ts';
import { DEFAULT_POPULATION_OPTIONS, generatePopulation } from '../../src/model/synthetic-population.ts';
import { aCourse, aJobSeeker } from '../support/builders.ts';
import { computeFeatures } from '../support/features.ts';

const OPTIONS = { ...DEFAULT_POPULATION_OPTIONS, seed: 11, seekerCount: 3000, courseCount: 150 };
const population = generatePopulation(OPTIONS);

function meanOf(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / Math.max(values.length, 1);
}

describe('generatePopulation', () => {
  it('generates the same population for the same seed', () => {
    const again = generatePopulation(OPTIONS);
    expect(again.pairs).toEqual(population.pairs);
    expect(again.seekers).toEqual(population.seekers);
    expect(again.courses).toEqual(population.courses);
  });

  it('generates a different population for another seed', () => {
    const other = generatePopulation({ ...OPTIONS, seed: 12 });
    expect(other.pairs.map((pair) => pair.outcome)).not.toEqual(population.pairs.map((pair) => pair.outcome));
  });

  it('draws the requested people and courses, and distinct candidates per person', () => {
    expect(population.seekers).toHaveLength(3000);
    expect(population.courses).toHaveLength(150);
    const perPerson = new Map<number, Set<number>>();
    for (const pair of population.pairs) {
      const courses = perPerson.get(pair.seekerIndex) ?? new Set<number>();
      expect(courses.has(pair.courseIndex)).toBe(false);
      perPerson.set(pair.seekerIndex, courses.add(pair.courseIndex));
    }
    const sizes = [...perPerson.values()].map((courses) => courses.size);
    expect(Math.max(...sizes)).toBe(OPTIONS.candidatesPerSeeker);
    // A person far from every course of a small catalog may get fewer candidates.
    expect(population.pairs.length).toBeGreaterThan(0.99 * 3000 * OPTIONS.candidatesPerSeeker);
  });

  it('keeps sensitive attributes out of the profile the model sees', () => {
    for (const seeker of population.seekers.slice(0, 50)) {
      expect(Object.keys(seeker.profile)).not.toEqual(expect.arrayContaining(['sensitive']));
      expect(JSON.stringify(seeker.profile)).not.toMatch(/ageBand|sex|disability/);
    }
  });

  it('correlates sensitive attributes with features, so that disparities can appear', () => {
    const experience = (band: string) =>
      meanOf(
        population.seekers.filter((s) => s.sensitive.ageBand === band).map((s) => s.profile.yearsExperience),
      );
    expect(experience('50-plus')).toBeGreaterThan(experience('under-26') + 10);
    const radius = (disability: boolean) =>
      meanOf(
        population.seekers
          .filter((s) => s.sensitive.disability === disability)
          .map((s) => s.profile.mobilityRadiusKm),
      );
    expect(radius(true)).toBeLessThan(radius(false));
  });

  it('produces outcomes at a plausible overall rate, following the true probabilities', () => {
    const rate = meanOf(population.pairs.map((pair) => pair.outcome));
    const expected = meanOf(population.pairs.map((pair) => pair.probability));
    expect(rate).toBeGreaterThan(0.25);
    expect(rate).toBeLessThan(0.55);
    expect(Math.abs(rate - expected)).toBeLessThan(0.02);
  });

  it('leaves some profiles without coordinates and some course rates unknown, as the catalog will', () => {
    expect(population.seekers.some((seeker) => seeker.profile.location === null)).toBe(true);
    expect(population.courses.some((c) => c.course.returnToEmploymentRate === null)).toBe(true);
  });
});

describe('computeTrueLogit', () => {
  const person: SensitiveAttributes = { ageBand: '26-49', sex: 'female', disability: false };
  const rowFor = (occupation: string) =>
    computeFeatures(
      aJobSeeker({ targetOccupations: ['J1501'] }),
      aCourse({ targetOccupations: [occupation] }),
      new Date('2027-01-04'),
    );

  it('rewards an exact occupation match over a domain match over none', () => {
    const exact = computeTrueLogit(rowFor('J1501'), 0, person);
    const domain = computeTrueLogit(rowFor('J1506'), 0, person);
    const none = computeTrueLogit(rowFor('M1805'), 0, person);
    expect(exact).toBeGreaterThan(domain);
    expect(domain).toBeGreaterThan(none);
  });

  it('applies the unseen penalties to people aged 50 and over and to disabled people', () => {
    const row = rowFor('J1501');
    const base = computeTrueLogit(row, 0, person);
    expect(computeTrueLogit(row, 0, { ...person, ageBand: '50-plus' })).toBeLessThan(base);
    expect(computeTrueLogit(row, 0, { ...person, disability: true })).toBeLessThan(base);
    expect(computeTrueLogit(row, 0, { ...person, sex: 'male' })).toBe(base);
  });
});
