import type { Principal } from '../auth/principal.ts';
import type { CourseRecord } from '../courses/course.ts';
import type { ImportLine } from '../courses/course-import.ts';
import type { CourseService } from '../courses/course-service.ts';
import type { CourseStore } from '../courses/course-store.ts';
import { SubjectErasedError } from '../job-seekers/job-seeker.ts';
import type { JobSeekerService } from '../job-seekers/job-seeker-service.ts';
import type { OccupationLabelService } from '../occupations/occupation-label-service.ts';
import { DEMO_OCCUPATIONS } from './demo-occupations.ts';
import { type DemoDataOptions, generateDemoData } from './generate-demo-data.ts';

/**
 * Where the demo goes: whether the database is empty is read from the stores; the rows are
 * written through the services, so that each write has its event in the decision log as any
 * import or sync has (and a demo profile moved to another counselor has its open sets withdrawn).
 */
export interface DemoDataTarget {
  stores: { courses: Pick<CourseStore, 'count'> };
  services: DemoDataServices;
}

export interface DemoDataServices {
  courses: Pick<CourseService, 'importCourses'>;
  jobSeekers: Pick<JobSeekerService, 'upsertJobSeeker'>;
  occupationLabels: Pick<OccupationLabelService, 'addMissingLabels'>;
}

/**
 * How many demo rows were new and how many replaced a row with the same id; `leftErased`, the demo
 * job seekers erased since and not written again (see {@link writeDemoData}); how many occupation
 * labels the demo added.
 */
export interface DemoWriteSummary {
  occupationLabels: { added: number };
  courses: { created: number; updated: number };
  jobSeekers: { created: number; updated: number; leftErased: number };
}

/** Who writes the demo, as the log records it: the catalog as an admin's import, the profiles as syncs. */
export const DEMO_WRITER: Principal = { subject: 'demo-data', roles: ['admin', 'integration'] };

type DemoGeneration = Omit<DemoDataOptions, 'referenceDate'> & {
  /** Enrol again the demo job seekers an admin erased since, as a deliberate return (`reEnrol`). */
  reEnrol?: boolean;
};

/**
 * Fills an empty database with the demo caseloads and catalog, dated from `now`. The catalog is
 * written last, in one import: a catalog holding any course means the demo was written whole (or
 * the database holds a real one), and a second start leaves it as it is (undefined is returned).
 * A first start interrupted among the profiles has written no course: the next one writes them all
 * again, replacing those already there. The check and the writes are several transactions:
 * processes starting together call this in turn (the container does, with `inStartupTurn`).
 */
export async function seedDemoData(
  target: DemoDataTarget,
  now: Date,
  generation: DemoGeneration = {},
): Promise<DemoWriteSummary | undefined> {
  if ((await target.stores.courses.count()) > 0) return undefined;
  return writeDemoData(target.services, now, generation);
}

/**
 * Writes every demo row, whatever the database holds: the labels of the demo's occupations that the
 * referential lacks (a label already there, an admin's, is kept), demo job seekers (one sync each),
 * then demo courses (one import, last: see {@link seedDemoData}) are created or replaced by id, their
 * session dates moved to `now`; no other row is touched. A demo job seeker an admin erased stays
 * erased, as any sync leaves them (counted in `leftErased`), unless `reEnrol` asks to enrol them again.
 */
export async function writeDemoData(
  services: DemoDataServices,
  now: Date,
  { reEnrol = false, ...generation }: DemoGeneration = {},
): Promise<DemoWriteSummary> {
  const data = generateDemoData({ ...generation, referenceDate: now });
  const occupationLabels = await addDemoOccupationLabels(services.occupationLabels);
  const jobSeekers = { created: 0, updated: 0, leftErased: 0 };
  for (const { id, input } of data.jobSeekers) {
    try {
      const synced = await services.jobSeekers.upsertJobSeeker(DEMO_WRITER, id, input, { reEnrol });
      if (synced.created) jobSeekers.created += 1;
      else jobSeekers.updated += 1;
    } catch (error) {
      if (!(error instanceof SubjectErasedError)) throw error;
      jobSeekers.leftErased += 1;
    }
  }
  const { created, updated } = await services.courses.importCourses(DEMO_WRITER, asImportLines(data.courses));
  return { occupationLabels, courses: { created, updated }, jobSeekers };
}

/**
 * Adds the labels of the demo's occupations the referential has none for, in one step that an
 * admin's load cannot land in the middle of (logged as any load, when it adds one).
 */
async function addDemoOccupationLabels(
  labels: DemoDataServices['occupationLabels'],
): Promise<DemoWriteSummary['occupationLabels']> {
  return labels.addMissingLabels(
    DEMO_WRITER,
    DEMO_OCCUPATIONS.map(({ romeCode, label }) => ({ code: romeCode, label })),
  );
}

async function* asImportLines(courses: readonly CourseRecord[]): AsyncGenerator<ImportLine> {
  for (const [index, course] of courses.entries()) yield { line: index + 1, value: course };
}
