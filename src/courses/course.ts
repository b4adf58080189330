import type { LabelledOccupation } from '../occupations/occupation-label.ts';
import type { GeoPoint } from '../shared/geo.ts';

export const MODALITIES = ['in_person', 'remote', 'hybrid'] as const;
export type Modality = (typeof MODALITIES)[number];

/** Followed from home, wherever it is held: remote or hybrid (for a person who accepts remote learning). */
export function isFollowableRemotely(modality: Modality): boolean {
  return modality !== 'in_person';
}

/** Followed from home only: never reached by travelling to it. */
export function isRemoteOnly(modality: Modality): boolean {
  return modality === 'remote';
}

/** What a catalog import or upsert gives for a course. */
export interface CourseInput {
  title: string;
  provider: string;
  /** ROME codes of the occupations the course leads to. */
  targetOccupations: string[];
  /** Skill codes the course teaches. */
  skills: string[];
  /** French level reached at the end, 3 to 8. */
  exitLevel: number;
  /** French level required to enter, 3 to 8. */
  prerequisiteLevel: number;
  durationHours: number;
  modality: Modality;
  /** Where the course is held; null for remote-only courses. */
  location: GeoPoint | null;
  city: string | null;
  /** ISO date (YYYY-MM-DD) of the next session; null when none is planned. */
  nextSessionStart: string | null;
  /** Funded for job seekers (no cost to them). */
  funded: boolean;
  /** Leads to a registered certification. */
  certifying: boolean;
  /** Historical share of trainees back in employment within 6 months, 0..1; null when unknown. */
  returnToEmploymentRate: number | null;
  active: boolean;
}

export interface Course extends CourseInput {
  id: string;
  updatedAt: string;
}

/** A course as the catalog answers it: with the labels of its target occupations, for who reads the codes. */
export interface LabelledCourse extends Course {
  targetOccupationLabels: LabelledOccupation[];
}

/** A course as an import line or an upsert carries it: its id and its fields. */
export interface CourseRecord extends CourseInput {
  id: string;
}

/** Course ids are the catalog owner's; the same shape as every external id of the API. */
export const COURSE_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

/** Catalog search filters; they combine with AND, and an absent filter does not restrict. */
export interface CourseSearch {
  /** Words that must all appear in the title or the provider, case-insensitively. */
  text?: string;
  /** A ROME code among the course's target occupations. */
  occupation?: string;
  modality?: Modality;
  /** Courses held within `radiusKm` of `point`; remote-only courses and courses without a location are left out. */
  near?: { point: GeoPoint; radiusKm: number };
  funded?: boolean;
  certifying?: boolean;
  active?: boolean;
  /** Next session on or after this ISO date. */
  startsAfter?: string;
  /** Next session on or before this ISO date. */
  startsBefore?: string;
}

/** Where a page starts and how long it is: pages are ordered by course id. */
export interface CoursePageRequest {
  /** The id of the last course of the previous page; absent for the first page. */
  after?: string;
  limit: number;
}

export interface CoursePage<C extends Course = Course> {
  items: C[];
  /** The id to pass as `after` for the next page; null on the last page. */
  nextAfter: string | null;
}

/** The courses a person could follow, as the recommendation engine asks for them. */
export interface CandidateFilter {
  /**
   * Only courses whose next session starts after this instant's day in France (`parisDayNumberOf`);
   * courses with no planned session are left out.
   */
  referenceDate: Date;
  /** The person's home and mobility radius; null when the home is unknown (then only remote learning can be shown reachable). */
  near: { point: GeoPoint; radiusKm: number } | null;
  /** The person accepts remote learning: remote and hybrid courses are reachable from anywhere. */
  includeRemote: boolean;
  /** The person's education level: courses requiring more are left out. */
  maxPrerequisiteLevel: number;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;
