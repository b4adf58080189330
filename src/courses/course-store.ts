import type { Knex } from 'knex';
import type {
  CandidateFilter,
  Course,
  CoursePage,
  CoursePageRequest,
  CourseRecord,
  CourseSearch,
} from './course.ts';
import type { ReplacedCourse } from './course-changes.ts';
import type { CourseBatch } from './course-table.ts';

/** The candidates of one search, and the catalog version they were found in. */
export interface CandidateSearch extends CourseBatch<Course> {
  readonly catalogVersion: number;
}

/** Persistence of the training course catalog. */
export interface CourseStore {
  /**
   * The course, or undefined when there is none. Pass the transaction when inside one (SQLite has a
   * single connection).
   */
  findById(id: string, trx?: Knex.Transaction): Promise<Course | undefined>;
  /**
   * The active ones among these courses, each with the start of its next session as the catalog
   * plans it now (null when none is), in one query (per 400 ids); an id the catalog does not hold is
   * left out. Pass the transaction when inside one (SQLite has a single connection).
   */
  findOfferedSessions(ids: readonly string[], trx?: Knex.Transaction): Promise<Map<string, string | null>>;
  /** Creates or replaces one course; `previous` is the course it replaced, null for a new one. */
  upsert(
    course: CourseRecord,
    now: Date,
    trx?: Knex.Transaction,
  ): Promise<{ course: Course; previous: Course | null }>;
  /**
   * Creates or replaces many courses in one transaction: all are written or none. The ids must be
   * distinct. Returns how many were new, how many replaced an existing course, and what the import's
   * log compares of each replaced course as it was before, by id.
   */
  upsertMany(
    courses: readonly CourseRecord[],
    now: Date,
    trx?: Knex.Transaction,
  ): Promise<{ created: number; updated: number; replaced: ReadonlyMap<string, ReplacedCourse> }>;
  /** One page of the courses matching every filter, ordered by id. */
  search(search: CourseSearch, page: CoursePageRequest): Promise<CoursePage>;
  /**
   * The active courses a person could follow, ordered by id: prerequisite met, next session planned
   * and strictly after the reference day, and reachable: an in-person or hybrid course within the
   * radius, or a remote or hybrid course when the person accepts remote learning. Without a known
   * home only the latter can be reachable. Sees every catalog write committed before the call, from
   * any process. The courses returned are shared and frozen: copy one to change it. They come as a
   * batch for the scorer, with the course side of their features laid out beforehand. A course whose
   * session date cannot be read (a hand edit in SQL) is never a candidate. `catalogVersion` names
   * the catalog state they were read in (the log records it with the suggestions).
   */
  findCandidates(filter: CandidateFilter): Promise<CandidateSearch>;
  /**
   * The catalog's version: every committed catalog write, from any process (a change made by hand in
   * SQL too), has incremented it. Pass the transaction when inside one.
   */
  readVersion(trx?: Knex.Transaction): Promise<number>;
  /** How many courses the catalog holds, active or not. */
  count(): Promise<number>;
}
