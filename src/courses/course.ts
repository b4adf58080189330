import type { GeoPoint } from '../shared/geo.ts';

export const MODALITIES = ['in_person', 'remote', 'hybrid'] as const;
export type Modality = (typeof MODALITIES)[number];

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
