import type { GeoPoint } from '../shared/geo.ts';
import type { CandidateFilter, Course } from './course.ts';
import { isWithinRadius, planRadiusFilter } from './radius-filter.ts';

/** Where a {@link CatalogSnapshot} reads the catalog: the database, as committed at each read. */
export interface CatalogSource {
  /** The catalog's version: every committed catalog write, from any process, has incremented it. */
  readVersion(): Promise<number>;
  /** At least every active course with a planned next session; others are ignored. */
  readCandidateCourses(): Promise<Course[]>;
}

/** A course that can be a candidate, with what the filters read kept at hand. */
interface Entry {
  course: Course;
  prerequisiteLevel: number;
  nextSessionStart: string;
  location: GeoPoint | null;
  /** Held somewhere (in person or hybrid): reachable when within the person's radius. */
  heldOnSite: boolean;
  /** Followable from home (remote or hybrid): reachable when the person accepts remote learning. */
  followableRemotely: boolean;
}

interface Loaded {
  version: number;
  /** Ordered by course id. */
  entries: readonly Entry[];
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
    const { entries } = await this.current();
    return selectCandidates(entries, filter);
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
    const entries = courses.flatMap(toEntry).sort(compareIds);
    this.loaded = { version, entries };
    return this.loaded;
  }
}

/**
 * The courses of the snapshot that pass the person's filters: the next session strictly after the
 * reference day, the prerequisite met, and reachable (on site within the radius, the same test as
 * the radius search in SQL, or remote learning when accepted; with no known home only the latter).
 */
function selectCandidates(entries: readonly Entry[], filter: CandidateFilter): Course[] {
  const firstDay = filter.referenceDate.toISOString().slice(0, 10);
  const radius = filter.near === null ? null : planRadiusFilter(filter.near.point, filter.near.radiusKm);
  const found: Course[] = [];
  for (const entry of entries) {
    if (!(entry.prerequisiteLevel <= filter.maxPrerequisiteLevel && entry.nextSessionStart > firstDay)) {
      continue;
    }
    const reachable =
      (entry.followableRemotely && filter.includeRemote) ||
      (entry.heldOnSite &&
        radius !== null &&
        entry.location !== null &&
        isWithinRadius(radius, entry.location));
    if (reachable) found.push(entry.course);
  }
  return found;
}

function toEntry(course: Course): Entry[] {
  const { nextSessionStart } = course;
  if (!course.active || nextSessionStart === null) return [];
  const frozen = freezeCourse(course);
  return [
    {
      course: frozen,
      prerequisiteLevel: frozen.prerequisiteLevel,
      nextSessionStart,
      location: frozen.location,
      heldOnSite: frozen.modality !== 'remote',
      followableRemotely: frozen.modality !== 'in_person',
    },
  ];
}

function freezeCourse(course: Course): Course {
  if (course.location !== null) Object.freeze(course.location);
  Object.freeze(course.targetOccupations);
  Object.freeze(course.skills);
  return Object.freeze(course);
}

/** By UTF-16 code unit, which for course ids (ASCII) is SQL's binary order. */
function compareIds(a: Entry, b: Entry): number {
  if (a.course.id < b.course.id) return -1;
  return a.course.id > b.course.id ? 1 : 0;
}
