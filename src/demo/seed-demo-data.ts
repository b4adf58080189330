import type { CourseStore } from '../courses/course-store.ts';
import type { JobSeekerStore } from '../job-seekers/job-seeker-store.ts';
import { DEMO_JOB_SEEKER_IDS } from './demo-job-seekers.ts';
import { type DemoDataOptions, generateDemoData } from './generate-demo-data.ts';

/** The stores the demo is written through: the container's on first start, the seed script's. */
export interface DemoDataStores {
  courses: Pick<CourseStore, 'count' | 'upsertMany'>;
  jobSeekers: Pick<JobSeekerStore, 'findById' | 'upsert'>;
}

/** How many demo rows were new and how many replaced a row with the same id. */
export interface DemoWriteSummary {
  courses: { created: number; updated: number };
  jobSeekers: { created: number; updated: number };
}

type DemoGeneration = Omit<DemoDataOptions, 'referenceDate'>;

/**
 * Fills an empty database with the demo catalog and caseloads, dated from `now`. The database
 * counts as empty when the catalog holds no course and no demo job seeker exists, so a second
 * start (or a database holding a real catalog) is left as it is: undefined is returned then.
 */
export async function seedDemoData(
  stores: DemoDataStores,
  now: Date,
  generation: DemoGeneration = {},
): Promise<DemoWriteSummary | undefined> {
  if ((await stores.courses.count()) > 0) return undefined;
  for (const id of DEMO_JOB_SEEKER_IDS) {
    if ((await stores.jobSeekers.findById(id)) !== undefined) return undefined;
  }
  return writeDemoData(stores, now, generation);
}

/**
 * Writes every demo row, whatever the database holds: demo courses and job seekers are created
 * or replaced by id (their session dates move to `now`), and no other row is touched.
 */
export async function writeDemoData(
  stores: DemoDataStores,
  now: Date,
  generation: DemoGeneration = {},
): Promise<DemoWriteSummary> {
  const data = generateDemoData({ ...generation, referenceDate: now });
  const courses = await stores.courses.upsertMany(data.courses, now);
  const jobSeekers = { created: 0, updated: 0 };
  for (const { id, input } of data.jobSeekers) {
    const { created } = await stores.jobSeekers.upsert(id, input, now);
    if (created) jobSeekers.created += 1;
    else jobSeekers.updated += 1;
  }
  return { courses, jobSeekers };
}
