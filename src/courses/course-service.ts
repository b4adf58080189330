import type { Principal } from '../auth/principal.ts';
import type { DecisionLog } from '../decision-log/decision-log.ts';
import { labelOccupations } from '../occupations/occupation-label.ts';
import type { OccupationLabelStore } from '../occupations/occupation-label-store.ts';
import { InvalidInputError, NotFoundError } from '../shared/errors.ts';
import {
  COURSE_ID,
  type Course,
  type CourseInput,
  type CoursePage,
  type CoursePageRequest,
  type CourseRecord,
  type CourseSearch,
  type LabelledCourse,
  MAX_PAGE_SIZE,
} from './course.ts';
import { listAvailabilityChanges, listCourseChanges, listRateChanges } from './course-changes.ts';
import {
  type ImportLine,
  type ImportReport,
  InvalidImportError,
  type LineError,
  MAX_REPORTED_LINE_ERRORS,
} from './course-import.ts';
import type { CourseStore } from './course-store.ts';
import { type FieldProblem, validateCourseRecord } from './validate-course-record.ts';

/**
 * Catalog rules: upsert, import, search. Every change to the catalog is logged. A course is answered
 * with the labels of its target occupations, as the referential holds them when it is read.
 */
export class CourseService {
  constructor(
    private readonly store: CourseStore,
    private readonly occupationLabels: Pick<OccupationLabelStore, 'findLabels'>,
    private readonly decisionLog: DecisionLog,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Creates or replaces one course (`created` tells which), logged as `course.upserted` with the
   * fields a replacement changed, before and after.
   */
  async putCourse(
    admin: Principal,
    id: string,
    input: CourseInput,
  ): Promise<{ course: LabelledCourse; created: boolean }> {
    const check = validateCourseRecord({ ...input, id });
    if ('errors' in check) {
      const broken = check.errors.map((problem) => `${problem.field} ${problem.reason}`).join('; ');
      throw new InvalidInputError(`the course breaks the catalog rules: ${broken}`, {
        errors: check.errors.map((problem) => ({ path: problem.field, message: problem.reason })),
      });
    }
    const course = check.course;
    return this.decisionLog.withTransaction(async (trx) => {
      const { course: saved, previous } = await this.store.upsert(course, this.now(), trx);
      const created = previous === null;
      await this.decisionLog.append(trx, {
        type: 'course.upserted',
        actor: { role: 'admin', id: admin.subject },
        payload: {
          courseId: id,
          created,
          active: course.active,
          ...(created ? {} : { changes: listCourseChanges(previous, course) }),
        },
      });
      const labels = await this.occupationLabels.findLabels(saved.targetOccupations, trx);
      return { course: labelCourse(saved, labels), created };
    });
  }

  /** The course; NotFoundError when the catalog has none with this id. */
  async getCourse(id: string): Promise<LabelledCourse> {
    const course = await this.store.findById(id);
    if (course === undefined) throw new NotFoundError(`course ${id} was not found`);
    return labelCourse(course, await this.occupationLabels.findLabels(course.targetOccupations));
  }

  /** One page of the courses matching every filter, ordered by id; the labels of the page's occupations read at once. */
  async listCourses(search: CourseSearch, page: CoursePageRequest): Promise<CoursePage<LabelledCourse>> {
    if (!Number.isInteger(page.limit) || page.limit < 1 || page.limit > MAX_PAGE_SIZE) {
      throw new InvalidInputError(`the page size must be an integer from 1 to ${MAX_PAGE_SIZE}`);
    }
    const found = await this.store.search(search, page);
    const codes = new Set(found.items.flatMap((course) => course.targetOccupations));
    const labels = await this.occupationLabels.findLabels([...codes]);
    return { items: found.items.map((course) => labelCourse(course, labels)), nextAfter: found.nextAfter };
  }

  /**
   * Imports courses line by line, all or nothing. Every line is validated (and ids must not repeat)
   * before anything is written; when any line is invalid, InvalidImportError lists the bad lines and
   * nothing is written. Otherwise all courses are written in one transaction. The lines are consumed
   * as they are read, and once a line is invalid no course is kept in memory any more. Logged as
   * `catalog.imported` with the counts, each changed return-to-employment rate, and the replaced
   * courses withdrawn, brought back, or whose session was cancelled, set or moved.
   */
  async importCourses(admin: Principal, lines: AsyncIterable<ImportLine>): Promise<ImportReport> {
    const courses: CourseRecord[] = [];
    const firstLineOfId = new Map<string, number>();
    const lineErrors: LineError[] = [];
    let invalidLineCount = 0;
    let errorCount = 0;
    for await (const entry of lines) {
      const errorCountBefore = errorCount;
      // One by one, counted past the cap but kept up to it: a line may hold any number of errors
      // (one per unknown field), more than one call can take as arguments.
      const report = (problem: FieldProblem) => {
        errorCount += 1;
        if (lineErrors.length < MAX_REPORTED_LINE_ERRORS) lineErrors.push({ line: entry.line, ...problem });
      };
      let course: CourseRecord | undefined;
      if ('problems' in entry) {
        for (const problem of entry.problems) report(problem);
      } else {
        const check = validateCourseRecord(entry.value);
        if ('errors' in check) for (const problem of check.errors) report(problem);
        else course = check.course;
        const duplicate = checkDuplicateId(idOf(entry.value), entry.line, firstLineOfId);
        if (duplicate !== undefined) report(duplicate);
      }
      if (errorCount > errorCountBefore) {
        invalidLineCount += 1;
        courses.length = 0;
      } else if (course !== undefined && invalidLineCount === 0) {
        courses.push(course);
      }
    }
    if (invalidLineCount > 0) {
      const truncated = errorCount > lineErrors.length;
      const detail =
        `${invalidLineCount} invalid ${invalidLineCount === 1 ? 'line' : 'lines'}; nothing was imported` +
        (truncated ? `; only the first ${lineErrors.length} of ${errorCount} errors are listed` : '');
      throw new InvalidImportError(detail, lineErrors, invalidLineCount, truncated);
    }
    if (courses.length === 0) {
      throw new InvalidImportError(
        'the import holds no course; nothing was imported: send one course per line, a JSON object ' +
          'per line as application/x-ndjson, or a header row then a row per course as text/csv',
        [],
        0,
        false,
      );
    }
    return this.decisionLog.withTransaction(async (trx) => {
      const { created, updated, replaced } = await this.store.upsertMany(courses, this.now(), trx);
      const report = { imported: courses.length, created, updated };
      await this.decisionLog.append(trx, {
        type: 'catalog.imported',
        actor: { role: 'admin', id: admin.subject },
        payload: {
          ...report,
          rateChanges: listRateChanges(courses, replaced),
          availabilityChanges: listAvailabilityChanges(courses, replaced),
        },
      });
      return report;
    });
  }
}

/** The id a record claims, when it is a usable id: even an otherwise invalid line reserves it. */
function idOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || !('id' in value)) return undefined;
  return typeof value.id === 'string' && COURSE_ID.test(value.id) ? value.id : undefined;
}

function checkDuplicateId(
  id: string | undefined,
  line: number,
  firstLineOfId: Map<string, number>,
): FieldProblem | undefined {
  if (id === undefined) return undefined;
  const first = firstLineOfId.get(id);
  if (first === undefined) {
    firstLineOfId.set(id, line);
    return undefined;
  }
  return { field: 'id', reason: `repeats the id of line ${first}` };
}

/** The course with the labels of its target occupations among `labels` (found by `findLabels`). */
function labelCourse(course: Course, labels: ReadonlyMap<string, string>): LabelledCourse {
  return { ...course, targetOccupationLabels: labelOccupations(course.targetOccupations, labels) };
}
