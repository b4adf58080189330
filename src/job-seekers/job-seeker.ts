import type { Principal } from '../auth/principal.ts';
import { screenCode } from '../screening/screen-code.ts';
import { ConflictError, NotFoundError, problemType } from '../shared/errors.ts';
import { parisDayOf } from '../shared/french-day.ts';
import type { GeoPoint } from '../shared/geo.ts';
import { formatIsoDay, parseIsoDay } from '../shared/iso-day.ts';

/**
 * The minimal profile the case-management system shares about a job seeker.
 * It holds no sensitive attribute (age, sex, nationality, health, family situation, social benefits): see DESIGN.md, principle 4.
 */
export interface JobSeekerProfile {
  /** Target occupations as ROME codes, such as `M1805`. */
  targetOccupations: string[];
  /** French education level, 3 (CAP/BEP) to 8 (doctorate). */
  educationLevel: number;
  /** Skill codes. */
  skills: string[];
  yearsExperience: number;
  monthsUnemployed: number;
  /**
   * Home location; null when unknown. No commune code is kept beside it: a sync may send one, but
   * nothing reads it, so it is not stored (data minimisation).
   */
  location: GeoPoint | null;
  mobilityRadiusKm: number;
  remoteOk: boolean;
  /** ISO date (YYYY-MM-DD) from which the person can start a course; null when now. */
  availableFrom: string | null;
}

export interface JobSeeker extends JobSeekerProfile {
  /** The case-management system's id. */
  id: string;
  /** The counselor whose caseload holds this person. */
  counselorId: string;
  /** The person objected to AI processing (GDPR Art. 21). */
  aiObjection: boolean;
  /**
   * Which enrolment of the person this profile is: given when the profile is created (a first
   * enrolment, or a return after an erasure or a purge), kept by every sync. Two enrolments may share
   * a `createdAt` (the same millisecond, a clock stepped back); never this. An internal key: no
   * answer shows it. Null for a profile written by a process of a version before it (during an
   * upgrade), until its next sync gives it one.
   */
  enrolmentId: string | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * What a check made under the person's lock reads of them: who they are, which enrolment (an erased
 * person enrolled again is another), whose caseload holds them, and whether they objected; nothing
 * of the profile.
 */
export type JobSeekerStanding = Pick<
  JobSeeker,
  'id' | 'enrolmentId' | 'createdAt' | 'counselorId' | 'aiObjection'
>;

/** Which enrolment of the person a reading of them is. */
export type Enrolment = Pick<JobSeeker, 'enrolmentId' | 'createdAt'>;

/**
 * Whether two readings of a person are of one enrolment: by the enrolment's id, or, when either
 * reading has none (a profile written by a process of a version before the id), by the creation
 * time, as before the id.
 */
export function sameEnrolment(a: Enrolment, b: Enrolment): boolean {
  if (a.enrolmentId === null || b.enrolmentId === null) return a.createdAt === b.createdAt;
  return a.enrolmentId === b.enrolmentId;
}

/** What the integration sends to create or update a job seeker. */
export interface JobSeekerInput extends JobSeekerProfile {
  counselorId: string;
}

/** How many years after today a person's `availableFrom` may lie (the day in France). */
export const AVAILABILITY_HORIZON_YEARS = 2;

/**
 * The latest day a person may be said available from, at `now`: the same day
 * {@link AVAILABILITY_HORIZON_YEARS} years after today in France (1 March for 29 February).
 */
export function latestAvailableFrom(now: Date): string {
  const today = parisDayOf(now);
  return formatIsoDay(
    parseIsoDay(`${Number(today.slice(0, 4)) + AVAILABILITY_HORIZON_YEARS}${today.slice(4)}`),
  );
}

export const ROME_CODE = /^[A-N]\d{4}$/;
export const MIN_EDUCATION_LEVEL = 3;
export const MAX_EDUCATION_LEVEL = 8;

/**
 * Whether the person is on the counselor's caseload now: the one rule by which a counselor reads
 * a profile, asks for suggestions and reads the person's sets.
 */
export function isOnCaseloadOf(
  seeker: Pick<JobSeeker, 'counselorId'> | undefined,
  counselor: Principal,
): boolean {
  return seeker !== undefined && seeker.counselorId === counselor.subject;
}

/**
 * The skill codes of a profile that may be used: those naming a status or condition of the person
 * (`screenCode`) left out. A sync refuses them, but a profile stored before that check (or before a
 * term joined the list) may still hold one: read through this, it is never scored, shown, exported
 * or kept in a set's snapshot, and the daily retention run removes it from the stored profile.
 */
export function keepUsableSkills(skills: readonly string[]): string[] {
  return skills.filter((skill) => screenCode(skill) === undefined);
}

export function jobSeekerNotFound(id: string): NotFoundError {
  return new NotFoundError(`job seeker ${id} was not found`);
}

/** What a job seeker is told about their own file when the service holds none. */
export function ownFileNotFound(): NotFoundError {
  return new NotFoundError(
    'Aucun dossier de demandeur d’emploi n’est connu pour vous dans ce service : votre agence ne l’a pas ' +
      'encore transmis, ou il a été effacé. Adressez-vous à votre conseiller ou à votre agence.',
    {},
    'Dossier introuvable',
  );
}

/**
 * A sync refused because the person was erased at their request, `erasedAt`, and not enrolled again
 * since (problem `subject-erased`): the case-management system still holding them is no return of
 * theirs. Enrolling them again is said explicitly (`reEnrol`).
 */
export class SubjectErasedError extends ConflictError {
  constructor(seekerId: string, erasedAt: string) {
    super(
      `job seeker ${seekerId} was erased at their request on ${erasedAt}: a sync does not create their ` +
        'profile again; to enrol them again deliberately, send it with reEnrol=true',
      { ...problemType('subject-erased'), erasedAt },
    );
  }
}
