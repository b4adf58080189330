import { parseIsoDay } from '../shared/iso-day.ts';
import { type CourseInput, isFollowableRemotely, isRemoteOnly } from './course.ts';

/**
 * The course side of the features, laid out once for many scorings: one slot per course in typed
 * arrays, ROME codes and skills numbered. Filling a feature matrix then reads a few hundred
 * contiguous kilobytes instead of visiting thousands of course objects, whose places in the heap
 * made the same work take up to twice as long from one process to the next (decision record 0009).
 * A table is shared by every scoring of its catalog snapshot: its arrays are only ever read.
 */
export interface CourseTable {
  /** How many courses the table holds. */
  readonly size: number;
  /** The distinct ROME codes of the courses; a code's number is its position here. */
  readonly occupationCodes: readonly string[];
  /** Course `i`'s codes are `occupationIds[occupationStart[i]]` up to `occupationStart[i + 1]`. */
  readonly occupationStart: Int32Array;
  readonly occupationIds: Int32Array;
  /** The distinct skill codes of the courses; a skill's number is its position here. */
  readonly skillCodes: readonly string[];
  /** Course `i`'s distinct skills (a skill it lists twice appears once), laid out as its ROME codes are. */
  readonly skillStart: Int32Array;
  readonly skillIds: Int32Array;
  /** 1 for a remote course, which is 0 km away. */
  readonly remoteOnly: Uint8Array;
  /** 1 for a remote or hybrid course. */
  readonly followableRemotely: Uint8Array;
  /** NaN where the course has no location. */
  readonly lat: Float64Array;
  readonly lon: Float64Array;
  readonly exitLevel: Float64Array;
  readonly prerequisiteLevel: Float64Array;
  readonly durationHours: Float64Array;
  /** The next session's day number (days since 1970-01-01); NaN when none is planned. */
  readonly nextSessionDay: Float64Array;
  readonly funded: Uint8Array;
  readonly certifying: Uint8Array;
  /** The return-to-employment rate; NaN when unknown. */
  readonly employmentRate: Float64Array;
}

/** Candidate courses for one scoring: rows of a table laid out beforehand, and each course's id. */
export interface CourseBatch<C extends { readonly id: string } = { readonly id: string }> {
  /** The courses, in batch order: their ids name the scores. */
  readonly courses: readonly C[];
  readonly table: CourseTable;
  /** The row of `table` holding each course, in batch order. */
  readonly rows: Int32Array;
}

/** Lays out the course side of the features of `courses`, in their order. */
export function buildCourseTable(courses: readonly CourseInput[]): CourseTable {
  const size = courses.length;
  const occupations = numberCodes(courses, (course) => course.targetOccupations, false);
  const skills = numberCodes(courses, (course) => course.skills, true);
  const table = {
    size,
    occupationCodes: occupations.codes,
    occupationStart: occupations.start,
    occupationIds: occupations.ids,
    skillCodes: skills.codes,
    skillStart: skills.start,
    skillIds: skills.ids,
    remoteOnly: new Uint8Array(size),
    followableRemotely: new Uint8Array(size),
    lat: new Float64Array(size),
    lon: new Float64Array(size),
    exitLevel: new Float64Array(size),
    prerequisiteLevel: new Float64Array(size),
    durationHours: new Float64Array(size),
    nextSessionDay: new Float64Array(size),
    funded: new Uint8Array(size),
    certifying: new Uint8Array(size),
    employmentRate: new Float64Array(size),
  } satisfies CourseTable;
  courses.forEach((course, i) => {
    table.remoteOnly[i] = isRemoteOnly(course.modality) ? 1 : 0;
    table.followableRemotely[i] = isFollowableRemotely(course.modality) ? 1 : 0;
    table.lat[i] = course.location?.lat ?? Number.NaN;
    table.lon[i] = course.location?.lon ?? Number.NaN;
    table.exitLevel[i] = course.exitLevel;
    table.prerequisiteLevel[i] = course.prerequisiteLevel;
    table.durationHours[i] = course.durationHours;
    table.nextSessionDay[i] =
      course.nextSessionStart === null ? Number.NaN : parseIsoDay(course.nextSessionStart);
    table.funded[i] = course.funded ? 1 : 0;
    table.certifying[i] = course.certifying ? 1 : 0;
    table.employmentRate[i] = course.returnToEmploymentRate ?? Number.NaN;
  });
  return table;
}

/** A batch of every course given, in their order, with a table of its own: for scoring a handful. */
export function createCourseBatch<C extends CourseInput & { readonly id: string }>(
  courses: readonly C[],
): CourseBatch<C> {
  const table = buildCourseTable(courses);
  return { courses, table, rows: listRows(table) };
}

/** Every row of a table, in order. */
export function listRows(table: CourseTable): Int32Array {
  return Int32Array.from({ length: table.size }, (_, i) => i);
}

/** The codes each course lists, numbered in the order first met, as one array with each course's start. */
function numberCodes(
  courses: readonly CourseInput[],
  codesOf: (course: CourseInput) => readonly string[],
  distinct: boolean,
): { codes: string[]; start: Int32Array; ids: Int32Array } {
  const numbers = new Map<string, number>();
  const start = new Int32Array(courses.length + 1);
  const ids: number[] = [];
  courses.forEach((course, i) => {
    const first = ids.length;
    for (const code of codesOf(course)) {
      let id = numbers.get(code);
      if (id === undefined) {
        id = numbers.size;
        numbers.set(code, id);
      }
      if (distinct && ids.indexOf(id, first) !== -1) continue;
      ids.push(id);
    }
    start[i + 1] = ids.length;
  });
  return { codes: [...numbers.keys()], start, ids: Int32Array.from(ids) };
}
