import { describe, expect, it } from 'vitest';
import type { JobSeeker } from '../../src/job-seekers/job-seeker.ts';
import { listManualSearchPaths, refuseForManualPath } from '../../src/recommendations/manual-path.ts';
import { aJobSeeker } from '../support/builders.ts';

function aPerson(overrides: Partial<JobSeeker> = {}): JobSeeker {
  return {
    ...aJobSeeker(),
    id: 'js-1',
    aiObjection: false,
    enrolmentId: '0198d2a0-7c00-7000-8000-000000000001',
    createdAt: '2026-11-30T08:00:00.000Z',
    updatedAt: '2026-11-30T08:00:00.000Z',
    ...overrides,
  };
}

/** The query of each search path, decoded, for readable expectations. */
function queriesOf(paths: readonly string[]): Array<Record<string, string>> {
  return paths.map((path) => {
    expect(path.startsWith('/v1/courses?')).toBe(true);
    return Object.fromEntries(new URLSearchParams(path.slice('/v1/courses?'.length)));
  });
}

/** 30 November 2026: the searches ask for sessions from the next day on. */
const NOW = new Date('2026-11-30T15:00:00Z');
const AHEAD = { startsAfter: '2026-12-01' };

describe('the manual path to the catalog', () => {
  it('searches near the person, within their mobility radius, for each of their target occupations, with a session after today', () => {
    const paths = listManualSearchPaths(
      aPerson({ targetOccupations: ['J1501', 'J1304'], mobilityRadiusKm: 25 }),
      NOW,
    );
    expect(queriesOf(paths)).toEqual([
      { active: 'true', ...AHEAD, occupation: 'J1501', near: '45.764,4.8357', withinKm: '25' },
      { active: 'true', ...AHEAD, occupation: 'J1304', near: '45.764,4.8357', withinKm: '25' },
    ]);
  });

  it('adds searches for remote and hybrid courses when the person accepts remote learning, since a radius search leaves those held far away out', () => {
    const paths = listManualSearchPaths(aPerson({ remoteOk: true, mobilityRadiusKm: 25 }), NOW);
    expect(queriesOf(paths)).toEqual([
      { active: 'true', ...AHEAD, occupation: 'J1501', near: '45.764,4.8357', withinKm: '25' },
      { active: 'true', ...AHEAD, occupation: 'J1501', modality: 'remote' },
      { active: 'true', ...AHEAD, occupation: 'J1501', modality: 'hybrid' },
    ]);
  });

  it('searches the whole catalog of the occupation when the place of the person is unknown', () => {
    const paths = listManualSearchPaths(aPerson({ location: null, remoteOk: true }), NOW);
    expect(queriesOf(paths)).toEqual([{ active: 'true', ...AHEAD, occupation: 'J1501' }]);
  });

  it('gives every search in the refusal, the first one also as manualPath', () => {
    const seeker = aPerson({ targetOccupations: ['J1501', 'J1304'], remoteOk: true });
    const refusal = refuseForManualPath(seeker, 'switched_off', NOW);
    expect(refusal.details).toMatchObject({
      manualPath: listManualSearchPaths(seeker, NOW)[0],
      manualSearchPaths: listManualSearchPaths(seeker, NOW),
    });
    expect(refusal.details?.manualSearchPaths).toHaveLength(6);
  });
});
