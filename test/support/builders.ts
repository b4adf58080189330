import type { CourseInput } from '../../src/courses/course.ts';
import type { JobSeekerInput } from '../../src/job-seekers/job-seeker.ts';

/** A valid job-seeker profile as the integration sends it; override what the test is about. */
export function aJobSeeker(overrides: Partial<JobSeekerInput> = {}): JobSeekerInput {
  return {
    counselorId: 'c-001',
    targetOccupations: ['J1501'],
    educationLevel: 3,
    skills: ['accueil', 'hygiene'],
    yearsExperience: 4,
    monthsUnemployed: 7,
    location: { lat: 45.764, lon: 4.8357 },
    mobilityRadiusKm: 30,
    remoteOk: false,
    availableFrom: '2027-01-04',
    ...overrides,
  };
}

/** A valid course as an admin sends it; override what the test is about. */
export function aCourse(overrides: Partial<CourseInput> = {}): CourseInput {
  return {
    title: 'Aide-soignant',
    provider: 'IFSI Lyon',
    targetOccupations: ['J1501'],
    skills: ['soins', 'hygiene'],
    exitLevel: 4,
    prerequisiteLevel: 3,
    durationHours: 1470,
    modality: 'in_person',
    location: { lat: 45.764, lon: 4.8357 },
    city: 'Lyon',
    nextSessionStart: '2027-01-11',
    funded: true,
    certifying: true,
    returnToEmploymentRate: 0.81,
    active: true,
    ...overrides,
  };
}
