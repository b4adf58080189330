import { compareText } from '../shared/compare-text.ts';
import { parisDayNumberOf } from '../shared/french-day.ts';
import { parseIsoDay } from '../shared/iso-day.ts';
import type { CandidateFilter, Course } from './course.ts';
import type { CandidateSearch } from './course-store.ts';
import { buildCourseTable, type CourseBatch, type CourseTable } from './course-table.ts';
import { isWithinRadius, planRadiusFilter } from './radius-filter.ts';

/** Where a {@link CatalogSnapshot} reads the catalog: the database, as committed at each read. */
export interface CatalogSource {
  /** The catalog's version: every committed catalog write, from any process, has incremented it. */
  readVersion(): Promise<number>;
  /** At least every active course with a planned next session; others are ignored. */
  readCandidateCourses(): Promise<Course[]>;
}

/** The courses a candidate search looks through, laid out once for every search. */
export interface CandidateCatalog {
  /** Frozen, ordered by course id. */
  courses: readonly Course[];
  /** What the filters and the features read of them, laid out in typed arrays, one slot per course. */
  table: CourseTable;
}

interface Loaded extends CandidateCatalog {
  version: number;
}

/**
 * The active catalog in memory, for the candidate search of every recommendation: reading and
 * mapping thousands of rows per request cost more than scoring them. Laid out once per load, as the
 * scorer reads it: a search scans a few hundred contiguous kilobytes instead of visiting ten
 * thousand objects, and hands the scorer the rows it found. Each search first reads the
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
   * The active courses a person could follow, ordered by id, as a batch for the scorer; the rules are
   * those of {@link CourseStore.findCandidates}.
   */
  async findCandidates(filter: CandidateFilter): Promise<CandidateSearch> {
    const catalog = await this.current();
    return { ...selectCandidates(catalog, filter), catalogVersion: catalog.version };
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
    this.loaded = { version, ...layOutCandidateCatalog(await this.source.readCandidateCourses()) };
    return this.loaded;
  }
}

/**
 * The courses a search can find, as the snapshot holds them: active ones with a readable planned
 * session, frozen, ordered by id and laid out. Also what the model card's evaluation searches, so that
 * it keeps the courses the service would.
 */
export function layOutCandidateCatalog(courses: readonly Course[]): CandidateCatalog {
  const kept = courses
    .filter((course) => course.active && hasReadableSession(course))
    .map(freezeCourse)
    .sort(compareIds);
  return { courses: kept, table: buildCourseTable(kept) };
}

/**
 * The courses of the catalog that pass the person's filters: the next session strictly after the
 * reference day (in France), the prerequisite met, and reachable (on site within the radius, the same test as
 * the radius search in SQL, or remote learning when accepted; with no known home only the latter).
 */
export function selectCandidates(
  { courses, table }: CandidateCatalog,
  filter: CandidateFilter,
): CourseBatch<Course> {
  const referenceDay = parisDayNumberOf(filter.referenceDate);
  const radius = filter.near === null ? null : planRadiusFilter(filter.near.point, filter.near.radiusKm);
  const { prerequisiteLevel, nextSessionDay, lat, lon, remoteOnly, followableRemotely } = table;
  const point = { lat: 0, lon: 0 };
  const found: Course[] = [];
  const rows = new Int32Array(courses.length);
  // An index loop: `forEach` and `for…of` over the frozen array cost several times as much.
  for (let i = 0; i < courses.length; i += 1) {
    // Typed arrays are as long as `courses`: the fallbacks are never taken.
    if (
      !((prerequisiteLevel[i] ?? 0) <= filter.maxPrerequisiteLevel && (nextSessionDay[i] ?? 0) > referenceDay)
    ) {
      continue;
    }
    point.lat = lat[i] ?? Number.NaN;
    point.lon = lon[i] ?? Number.NaN;
    const reachable =
      (filter.includeRemote && followableRemotely[i] === 1) ||
      (radius !== null && remoteOnly[i] === 0 && !Number.isNaN(point.lat) && isWithinRadius(radius, point));
    const course = courses[i];
    if (reachable && course !== undefined) {
      rows[found.length] = i;
      found.push(course);
    }
  }
  return { courses: found, table, rows: rows.subarray(0, found.length) };
}

/**
 * A planned session whose date can be read. Imports only store valid dates; a date broken by hand in
 * SQL leaves its course out of the candidates (it could be neither filtered nor scored) instead of
 * failing every suggestion.
 */
export function hasReadableSession(course: Pick<Course, 'nextSessionStart'>): boolean {
  if (course.nextSessionStart === null) return false;
  try {
    parseIsoDay(course.nextSessionStart);
    return true;
  } catch {
    return false;
  }
}

function freezeCourse(course: Course): Course {
  if (course.location !== null) Object.freeze(course.location);
  Object.freeze(course.targetOccupations);
  Object.freeze(course.skills);
  return Object.freeze(course);
}

function compareIds(a: Course, b: Course): number {
  return compareText(a.id, b.id);
}
