import type { Knex } from 'knex';
import { chunksOf } from '../db/chunks-of.ts';
import { engineOf } from '../db/engine.ts';
import {
  readBoolean,
  readGeoPoint,
  readNullableNumber,
  readNullableString,
  readNumber,
  readStringArray,
  toGeoPointColumns,
} from '../db/row-values.ts';
import { runTransaction } from '../db/run-transaction.ts';
import { takePage } from '../shared/take-page.ts';
import { CatalogSnapshot } from './catalog-snapshot.ts';
import {
  type CandidateFilter,
  type Course,
  type CoursePage,
  type CoursePageRequest,
  type CourseRecord,
  type CourseSearch,
  isRemoteOnly,
  MODALITIES,
  type Modality,
} from './course.ts';
import type { ReplacedCourse } from './course-changes.ts';
import type { CandidateSearch, CourseStore } from './course-store.ts';
import { planRadiusFilter, type RadiusFilter } from './radius-filter.ts';
import { courseSearchText, listSearchWords } from './search-text.ts';

const COURSES = 'courses';
const OCCUPATIONS = 'course_occupations';
/** The one row whose version every catalog write increments (see {@link CatalogSnapshot}). */
const CATALOG_STATE = 'catalog_state';
const CATALOG_STATE_ID = 1;
/**
 * Rows per statement. knex writes a multi-row insert on SQLite as a compound SELECT, which fails
 * past 500 terms; 400 also keeps the bound parameters of a statement far below either engine's cap.
 */
const CHUNK_SIZE = 400;
/** The modalities a person can travel to: the radius search keeps only these. */
const HELD_ON_SITE = MODALITIES.filter((modality) => !isRemoteOnly(modality));

export class KnexCourseStore implements CourseStore {
  private readonly snapshot: CatalogSnapshot;

  constructor(private readonly db: Knex) {
    this.snapshot = new CatalogSnapshot({
      readVersion: () => readCatalogVersion(db),
      readCandidateCourses: async () => {
        const rows: Array<Record<string, unknown>> = await db(COURSES)
          .select('*')
          .where('active', true)
          .whereNotNull('next_session_start');
        return rows.map(toCourse);
      },
    });
  }

  async findById(id: string, trx?: Knex.Transaction): Promise<Course | undefined> {
    const row = await (trx ?? this.db)(COURSES).where({ id }).first();
    return row === undefined ? undefined : toCourse(row);
  }

  async findOfferedSessions(
    ids: readonly string[],
    trx?: Knex.Transaction,
  ): Promise<Map<string, string | null>> {
    const offered = new Map<string, string | null>();
    for (const chunk of chunksOf([...new Set(ids)], CHUNK_SIZE)) {
      // Found by their key, `active` read rather than filtered on: SQLite, which keeps no statistics,
      // would otherwise take the index on `active` and go through every course the catalog offers.
      const rows: Array<Record<string, unknown>> = await (trx ?? this.db)(COURSES)
        .whereIn('id', chunk)
        .select('id', 'next_session_start', 'active');
      for (const row of rows) {
        if (readBoolean(row.active)) offered.set(String(row.id), readNullableString(row.next_session_start));
      }
    }
    return offered;
  }

  async upsert(
    course: CourseRecord,
    now: Date,
    outer?: Knex.Transaction,
  ): Promise<{ course: Course; previous: Course | null }> {
    return inTransaction(this.db, outer, async (trx) => {
      await bumpCatalogVersion(trx);
      const existing = await trx(COURSES).where({ id: course.id }).forUpdate().first();
      const row = toRow(course, now.toISOString());
      if (existing === undefined) await trx(COURSES).insert(row);
      else await trx(COURSES).where({ id: course.id }).update(row);
      await replaceOccupations(trx, [course]);
      const saved = await trx(COURSES).where({ id: course.id }).first();
      return { course: toCourse(saved), previous: existing === undefined ? null : toCourse(existing) };
    });
  }

  async upsertMany(
    courses: readonly CourseRecord[],
    now: Date,
    outer?: Knex.Transaction,
  ): Promise<{ created: number; updated: number; replaced: ReadonlyMap<string, ReplacedCourse> }> {
    const stamp = now.toISOString();
    return inTransaction(this.db, outer, async (trx) => {
      await bumpCatalogVersion(trx);
      const replaced = new Map<string, ReplacedCourse>();
      for (const chunk of chunksOf(courses, CHUNK_SIZE)) {
        const ids = chunk.map((course) => course.id);
        const existing: Array<Record<string, unknown>> = await trx(COURSES)
          .whereIn('id', ids)
          .select('id', 'return_to_employment_rate', 'next_session_start', 'active');
        for (const row of existing) {
          replaced.set(String(row.id), {
            returnToEmploymentRate: readNullableNumber(row.return_to_employment_rate),
            nextSessionStart: readNullableString(row.next_session_start),
            active: readBoolean(row.active),
          });
        }
        await trx(COURSES)
          .insert(chunk.map((course) => toRow(course, stamp)))
          .onConflict('id')
          .merge();
        await replaceOccupations(trx, chunk);
      }
      return { created: courses.length - replaced.size, updated: replaced.size, replaced };
    });
  }

  async search(search: CourseSearch, page: CoursePageRequest): Promise<CoursePage> {
    const query = this.db(COURSES).select('*');
    applyFilters(query, search);
    // By the codes of the ids' characters on both engines, whatever locale the database was made with.
    const id = engineOf(this.db) === 'postgres' ? 'id collate "C"' : 'id';
    if (page.after !== undefined) query.whereRaw(`${id} > ?`, [page.after]);
    const rows: Array<Record<string, unknown>> = await query.orderByRaw(`${id} asc`).limit(page.limit + 1);
    const { items, next } = takePage(rows.map(toCourse), page.limit);
    return { items, nextAfter: next?.id ?? null };
  }

  async findCandidates(filter: CandidateFilter): Promise<CandidateSearch> {
    return this.snapshot.findCandidates(filter);
  }

  async readVersion(trx?: Knex.Transaction): Promise<number> {
    return readCatalogVersion(trx ?? this.db);
  }

  async count(): Promise<number> {
    const [row] = await this.db(COURSES).count({ n: '*' });
    return readNumber(row?.n ?? 0);
  }
}

/** Runs `work` in the caller's transaction, or in one of its own. */
function inTransaction<T>(
  db: Knex,
  outer: Knex.Transaction | undefined,
  work: (trx: Knex.Transaction) => Promise<T>,
) {
  return outer === undefined ? runTransaction(db, work) : work(outer);
}

/**
 * Increments the catalog version first thing in the write's transaction: every catalog write then
 * takes the version row's lock before any course row's, in one order, and on SQLite the transaction
 * starts as a writer. (Triggers on `courses` bump it again with the changes themselves, so that a
 * change made by hand in SQL is noticed too.)
 */
async function bumpCatalogVersion(trx: Knex.Transaction): Promise<void> {
  const changed = await trx(CATALOG_STATE).where({ id: CATALOG_STATE_ID }).increment('version', 1);
  if (changed !== 1) throw new Error('the catalog_state row is missing: the schema is not migrated');
}

async function readCatalogVersion(db: Knex | Knex.Transaction): Promise<number> {
  const row: Record<string, unknown> | undefined = await db(CATALOG_STATE)
    .where({ id: CATALOG_STATE_ID })
    .first('version');
  if (row === undefined) throw new Error('the catalog_state row is missing: the schema is not migrated');
  return readNumber(row.version);
}

/** Keeps the one-row-per-ROME-code index table equal to each course's target occupations. */
async function replaceOccupations(trx: Knex.Transaction, courses: readonly CourseRecord[]): Promise<void> {
  await trx(OCCUPATIONS)
    .whereIn(
      'course_id',
      courses.map((course) => course.id),
    )
    .delete();
  const rows = courses.flatMap((course) =>
    course.targetOccupations.map((code) => ({ course_id: course.id, rome_code: code })),
  );
  for (const chunk of chunksOf(rows, CHUNK_SIZE)) await trx(OCCUPATIONS).insert(chunk);
}

function applyFilters(query: Knex.QueryBuilder, search: CourseSearch): void {
  for (const word of listSearchWords(search.text ?? '')) {
    query.whereRaw("search_text like ? escape '\\'", [`%${escapeLike(word)}%`]);
  }
  if (search.occupation !== undefined) {
    const code = search.occupation;
    query.whereExists((sub) => {
      sub
        .select(1)
        .from(OCCUPATIONS)
        .whereRaw(`${OCCUPATIONS}.course_id = ${COURSES}.id`)
        .andWhere(`${OCCUPATIONS}.rome_code`, code);
    });
  }
  if (search.modality !== undefined) query.where('modality', search.modality);
  if (search.funded !== undefined) query.where('funded', search.funded);
  if (search.certifying !== undefined) query.where('certifying', search.certifying);
  if (search.active !== undefined) query.where('active', search.active);
  if (search.startsAfter !== undefined) query.where('next_session_start', '>=', search.startsAfter);
  if (search.startsBefore !== undefined) query.where('next_session_start', '<=', search.startsBefore);
  if (search.near !== undefined) {
    // A remote-only course is reached from home, never by travelling: the address its provider may
    // give does not make it near anyone (the suggestions' reachability agrees).
    query.whereIn('modality', HELD_ON_SITE);
    applyRadius(query, planRadiusFilter(search.near.point, search.near.radiusKm));
  }
}

/**
 * The radius test of {@link RadiusFilter} as SQL: a bounding box, then the arithmetic distance, with
 * the operations of `isWithinRadius` (the in-memory test) in the same order: keep both in step.
 */
function applyRadius(query: Knex.QueryBuilder, filter: RadiusFilter): void {
  query.whereBetween('lat', [filter.minLat, filter.maxLat]);
  query.where((any) => {
    for (const window of filter.windows) {
      const t = '(lat - ?)';
      const k = `(? + ? * ${t} + ? * ${t} * ${t})`;
      const x = `((lon - ?) * ${k})`;
      const kBindings = [filter.a, filter.b, filter.centerLat, filter.c, filter.centerLat, filter.centerLat];
      const xBindings = [window.originLon, ...kBindings];
      any.orWhere((inWindow) => {
        inWindow
          .whereBetween('lon', [window.minLon, window.maxLon])
          .whereRaw(`${t} * ${t} + ${x} * ${x} <= ?`, [
            filter.centerLat,
            filter.centerLat,
            ...xBindings,
            ...xBindings,
            filter.maxSquaredDegrees,
          ]);
      });
    }
  });
}

function escapeLike(word: string): string {
  return word.replace(/[\\%_]/g, (char) => `\\${char}`);
}

function toRow(course: CourseRecord, stamp: string): Record<string, unknown> {
  return {
    id: course.id,
    title: course.title,
    provider: course.provider,
    search_text: courseSearchText(course),
    target_occupations: JSON.stringify(course.targetOccupations),
    skills: JSON.stringify(course.skills),
    exit_level: course.exitLevel,
    prerequisite_level: course.prerequisiteLevel,
    duration_hours: course.durationHours,
    modality: course.modality,
    ...toGeoPointColumns(course.location),
    city: course.city,
    next_session_start: course.nextSessionStart,
    funded: course.funded,
    certifying: course.certifying,
    return_to_employment_rate: course.returnToEmploymentRate,
    active: course.active,
    updated_at: stamp,
  };
}

function toCourse(row: Record<string, unknown>): Course {
  return {
    id: String(row.id),
    title: String(row.title),
    provider: String(row.provider),
    targetOccupations: readStringArray(row.target_occupations),
    skills: readStringArray(row.skills),
    exitLevel: readNumber(row.exit_level),
    prerequisiteLevel: readNumber(row.prerequisite_level),
    durationHours: readNumber(row.duration_hours),
    modality: readModality(row.modality),
    location: readGeoPoint(row),
    city: readNullableString(row.city),
    nextSessionStart: readNullableString(row.next_session_start),
    funded: readBoolean(row.funded),
    certifying: readBoolean(row.certifying),
    returnToEmploymentRate: readNullableNumber(row.return_to_employment_rate),
    active: readBoolean(row.active),
    updatedAt: String(row.updated_at),
  };
}

function readModality(value: unknown): Modality {
  const modality = MODALITIES.find((known) => known === value);
  if (modality !== undefined) return modality;
  throw new Error(`unexpected modality in the database: ${String(value)}`);
}
