import type { CandidateFilter, Course } from './course.ts';
import { isWithinRadius, planRadiusFilter } from './radius-filter.ts';

/** Where a {@link CatalogSnapshot} reads the catalog: the database, as committed at each read. */
export interface CatalogSource {
  /** The catalog's version: every committed catalog write, from any process, has incremented it. */
  readVersion(): Promise<number>;
  /** At least every active course with a planned next session; others are ignored. */
  readCandidateCourses(): Promise<Course[]>;
}

/** Bits of {@link Columns.reach}. */
const HELD_ON_SITE = 1;
const FOLLOWABLE_REMOTELY = 2;

/**
 * The candidate courses with what the filters read laid out in typed arrays, one slot per course:
 * a search scans a few hundred contiguous kilobytes instead of visiting ten thousand objects.
 */
interface Columns {
  /** Frozen, ordered by course id. */
  courses: readonly Course[];
  prerequisiteLevel: Int8Array;
  /** The next session's ISO date as a number, 20261205 for 2026-12-05: ordered as the dates are. */
  nextSessionDay: Int32Array;
  /** NaN where the course has no location. */
  lat: Float64Array;
  lon: Float64Array;
  /** HELD_ON_SITE (in person or hybrid) and FOLLOWABLE_REMOTELY (remote or hybrid). */
  reach: Uint8Array;
}

interface Loaded {
  version: number;
  columns: Columns;
}

/**
 * The active catalog in memory, for the candidate search of every recommendation: reading and
 * mapping thousands of rows per request cost more than scoring them. Each search first reads the
 * stored catalog version (one single-row select) and reloads the whole snapshot when it differs
 * from the one held, so a search sees every catalog write committed before it started, whichever
 * API process made it. Concurrent searches share one reload. Courses are frozen: every caller
 * shares them.
 */
export class CatalogSnapshot {
  private loaded: Loaded | undefined;
  private reloading: Promise<Loaded> | undefined;

  constructor(private readonly source: CatalogSource) {}

  /**
   * The active courses a person could follow, ordered by id; the rules are those of
   * {@link CourseStore.findCandidates}.
   */
  async findCandidates(filter: CandidateFilter): Promise<Course[]> {
    const { columns } = await this.current();
    return selectCandidates(columns, filter);
  }

  private async current(): Promise<Loaded> {
    const stored = await this.source.readVersion();
    const held = this.loaded;
    // Any difference reloads, a lower version too: a database restored from a backup goes back.
    if (held !== undefined && held.version === stored) return held;
    const joined = await this.reload();
    if (joined.version >= stored) return joined;
    // The reload joined read the version before this call did and may miss a write this call must
    // see; the next one starts after it.
    return this.reload();
  }

  private reload(): Promise<Loaded> {
    this.reloading ??= this.load().finally(() => {
      this.reloading = undefined;
    });
    return this.reloading;
  }

  private async load(): Promise<Loaded> {
    // The version first: the courses read next are at least as new, so a write committed in between
    // only costs one more reload, whereas the other order could hold a stale catalog as current.
    const version = await this.source.readVersion();
    const courses = await this.source.readCandidateCourses();
    this.loaded = { version, columns: toColumns(courses) };
    return this.loaded;
  }
}

/**
 * The courses of the snapshot that pass the person's filters: the next session strictly after the
 * reference day, the prerequisite met, and reachable (on site within the radius, the same test as
 * the radius search in SQL, or remote learning when accepted; with no known home only the latter).
 */
function selectCandidates(columns: Columns, filter: CandidateFilter): Course[] {
  const firstDay = dayNumber(filter.referenceDate.toISOString().slice(0, 10));
  const radius = filter.near === null ? null : planRadiusFilter(filter.near.point, filter.near.radiusKm);
  const remoteBit = filter.includeRemote ? FOLLOWABLE_REMOTELY : 0;
  const { courses, prerequisiteLevel, nextSessionDay, lat, lon, reach } = columns;
  const point = { lat: 0, lon: 0 };
  const found: Course[] = [];
  // An index loop: `forEach` and `for…of` over the frozen array cost several times as much.
  for (let i = 0; i < courses.length; i += 1) {
    // Typed arrays are as long as `courses`: the fallbacks are never taken.
    if (
      !((prerequisiteLevel[i] ?? 0) <= filter.maxPrerequisiteLevel && (nextSessionDay[i] ?? 0) > firstDay)
    ) {
      continue;
    }
    const bits = reach[i] ?? 0;
    point.lat = lat[i] ?? Number.NaN;
    point.lon = lon[i] ?? Number.NaN;
    const reachable =
      (bits & remoteBit) !== 0 ||
      (radius !== null &&
        (bits & HELD_ON_SITE) !== 0 &&
        !Number.isNaN(point.lat) &&
        isWithinRadius(radius, point));
    const course = courses[i];
    if (reachable && course !== undefined) found.push(course);
  }
  return found;
}

/** The active courses with a planned session, frozen and ordered by id, in columns. */
function toColumns(all: readonly Course[]): Columns {
  const courses = all
    .filter((course) => course.active && course.nextSessionStart !== null)
    .map(freezeCourse)
    .sort(compareIds);
  const columns: Columns = {
    courses,
    prerequisiteLevel: new Int8Array(courses.length),
    nextSessionDay: new Int32Array(courses.length),
    lat: new Float64Array(courses.length),
    lon: new Float64Array(courses.length),
    reach: new Uint8Array(courses.length),
  };
  courses.forEach((course, i) => {
    columns.prerequisiteLevel[i] = course.prerequisiteLevel;
    columns.nextSessionDay[i] = dayNumber(course.nextSessionStart ?? '');
    columns.lat[i] = course.location?.lat ?? Number.NaN;
    columns.lon[i] = course.location?.lon ?? Number.NaN;
    columns.reach[i] =
      (course.modality !== 'remote' ? HELD_ON_SITE : 0) |
      (course.modality !== 'in_person' ? FOLLOWABLE_REMOTELY : 0);
  });
  return columns;
}

/** 2026-12-05 → 20261205. */
function dayNumber(isoDate: string): number {
  return Number(isoDate.replaceAll('-', ''));
}

function freezeCourse(course: Course): Course {
  if (course.location !== null) Object.freeze(course.location);
  Object.freeze(course.targetOccupations);
  Object.freeze(course.skills);
  return Object.freeze(course);
}

/** By UTF-16 code unit, which for course ids (ASCII) is SQL's binary order. */
function compareIds(a: Course, b: Course): number {
  if (a.id < b.id) return -1;
  return a.id > b.id ? 1 : 0;
}
