import type { Request, Response, Router } from 'express';
import { readBooleanParam } from '../http/boolean-param.ts';
import { createCaseSensitiveRouter } from '../http/case-sensitive-router.ts';
import type { components, operations } from '../http/generated/api.ts';
import { PageCursor } from '../http/page-cursor.ts';
import { requirePrincipal } from '../http/principal-context.ts';
import { problem, RequestValidationError, sendProblem } from '../http/problem.ts';
import { PayloadTooLargeError } from '../shared/errors.ts';
import { countShownCharacters } from '../shared/shown-text.ts';
import {
  COURSE_ID,
  type CourseInput,
  type CourseSearch,
  DEFAULT_PAGE_SIZE,
  type LabelledCourse,
  MODALITIES,
} from './course.ts';
import { InvalidImportError } from './course-import.ts';
import type { CourseService } from './course-service.ts';
import { readCsvLines } from './read-csv-lines.ts';
import { readNdjsonLines } from './read-ndjson-lines.ts';

type CourseInputBody = components['schemas']['CourseInput'];
type CourseBody = components['schemas']['Course'];
type CoursePageBody = components['schemas']['CoursePage'];
type ImportReportBody = components['schemas']['ImportReport'];
type ImportProblemBody = components['schemas']['ImportProblem'];
type ListCoursesQuery = NonNullable<operations['listCourses']['parameters']['query']>;

/** The catalog search's pages, ordered by course id: a cursor holds the last id of its page. */
const COURSE_CURSOR = new PageCursor('courses', (value) =>
  typeof value === 'string' && COURSE_ID.test(value) ? value : undefined,
);

export interface CourseRouteOptions {
  /** Largest import body, in bytes; the body is counted as it streams in. */
  importBodyLimitBytes: number;
}

export function createCourseRoutes(service: CourseService, options: CourseRouteOptions): Router {
  const router = createCaseSensitiveRouter();

  router.get('/v1/courses', async function listCourses(req, res) {
    const query = req.query as ListCoursesQuery;
    const search = toCourseSearch(query);
    const after = COURSE_CURSOR.decode(query.cursor, search);
    const limit = query.limit === undefined ? DEFAULT_PAGE_SIZE : Number(query.limit);
    const page = await service.listCourses(search, after === undefined ? { limit } : { after, limit });
    const body: CoursePageBody = {
      items: page.items.map(toCourseBody),
      nextCursor: page.nextAfter === null ? null : COURSE_CURSOR.encode(page.nextAfter, search),
    };
    res.json(body);
  });

  // The body is read here as a stream: no body parser runs for these media types, so req.body stays
  // undefined and express-openapi-validator checks the Content-Type and the caller but not the
  // content (it validates a `type: string` body only when one was parsed).
  router.post('/v1/courses/import', async function importCourses(req, res) {
    const unsupported = checkImportEncoding(req);
    if (unsupported !== undefined) {
      closeUnlessRead(req, res);
      sendProblem(res, problem(415, 'unsupported-media-type', 'Unsupported media type', unsupported));
      return;
    }
    const limit = options.importBodyLimitBytes;
    const declaredLength = Number(req.headers['content-length'] ?? Number.NaN);
    try {
      if (declaredLength > limit)
        throw new PayloadTooLargeError(`the body exceeds the limit of ${limit} bytes`);
      // Not destroyed on early exit: the socket must live to carry the 413 or 422 answer.
      const body = req.iterator({ destroyOnReturn: false });
      const lines = req.is('text/csv') ? readCsvLines(body, limit) : readNdjsonLines(body, limit);
      const report: ImportReportBody = await service.importCourses(requirePrincipal(req), lines);
      res.json(report);
    } catch (error) {
      closeUnlessRead(req, res);
      if (!(error instanceof InvalidImportError)) throw error;
      const body: ImportProblemBody = {
        ...problem(
          422,
          'invalid-import',
          error.invalidLineCount === 0 ? 'The import holds no course' : 'Some lines are invalid',
          error.message,
        ),
        lineErrors: error.lineErrors,
        invalidLineCount: error.invalidLineCount,
        lineErrorsTruncated: error.truncated,
      };
      sendProblem(res, body);
    }
  });

  router.put('/v1/courses/:courseId', async function putCourse(req, res) {
    const { course, created } = await service.putCourse(
      requirePrincipal(req),
      req.params.courseId,
      toCourseInput(req.body as CourseInputBody),
    );
    res.status(created ? 201 : 200).json(toCourseBody(course));
  });

  router.get('/v1/courses/:courseId', async function getCourse(req, res) {
    res.json(toCourseBody(await service.getCourse(req.params.courseId)));
  });

  return router;
}

/**
 * Maps the validated query to search filters. The contract cannot say that `near` and `withinKm`
 * come together, nor bound the latitude inside `near`, so those checks are made here.
 */
function toCourseSearch(query: ListCoursesQuery): CourseSearch {
  const search: CourseSearch = {};
  if (query.q !== undefined) {
    // The contract counts characters: a space or a zero-width one would list the whole catalog.
    if (countShownCharacters(String(query.q)) === 0) {
      invalidQuery(
        '/query/q',
        'must show at least one character: spaces and invisible characters (zero-width spaces, bidirectional overrides) show nothing',
      );
    }
    search.text = String(query.q);
  }
  if (query.occupation !== undefined) search.occupation = String(query.occupation);
  const modality = MODALITIES.find((known) => known === query.modality);
  if (modality !== undefined) search.modality = modality;
  const funded = readBooleanParam(query.funded);
  if (funded !== undefined) search.funded = funded;
  const certifying = readBooleanParam(query.certifying);
  if (certifying !== undefined) search.certifying = certifying;
  const active = readBooleanParam(query.active);
  if (active !== undefined) search.active = active;
  if (query.startsAfter !== undefined) search.startsAfter = String(query.startsAfter);
  if (query.startsBefore !== undefined) search.startsBefore = String(query.startsBefore);
  if (query.near === undefined && query.withinKm === undefined) return search;
  if (query.near === undefined) invalidQuery('/query/near', 'is required with withinKm');
  if (query.withinKm === undefined) invalidQuery('/query/withinKm', 'is required with near');
  const [lat, lon] = String(query.near).split(',').map(Number);
  if (lat === undefined || lon === undefined || Math.abs(lat) > 90 || Math.abs(lon) > 180) {
    invalidQuery('/query/near', 'must be lat,lon with lat in [-90, 90] and lon in [-180, 180]');
  }
  search.near = { point: { lat, lon }, radiusKm: Number(query.withinKm) };
  return search;
}

/** The same 400 as the validator's, for the rules the contract cannot express. */
function invalidQuery(path: string, message: string): never {
  throw new RequestValidationError([{ path, message }]);
}

/** The import is read as UTF-8 text as it arrives; another charset or a compressed body is refused. */
function checkImportEncoding(req: Request): string | undefined {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i
    .exec(req.headers['content-type'] ?? '')?.[1]
    ?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    return `the import must be UTF-8, not ${charset}: convert the file to UTF-8 and send it with charset=utf-8, or no charset`;
  }
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
    return `content encoding ${encoding} is not supported: send the file uncompressed, without Content-Encoding`;
  }
  return undefined;
}

/**
 * When the answer comes before the whole body was read (too large, unreadable CSV), the rest of the
 * body is left unread and the connection is closed after the answer rather than drained.
 */
function closeUnlessRead(req: Request, res: Response): void {
  if (!req.complete) res.setHeader('Connection', 'close');
}

function toCourseInput(body: CourseInputBody): CourseInput {
  return {
    title: body.title,
    provider: body.provider,
    targetOccupations: body.targetOccupations,
    skills: body.skills,
    exitLevel: body.exitLevel,
    prerequisiteLevel: body.prerequisiteLevel,
    durationHours: body.durationHours,
    modality: body.modality,
    location: body.location ?? null,
    city: body.city ?? null,
    nextSessionStart: body.nextSessionStart ?? null,
    funded: body.funded,
    certifying: body.certifying,
    returnToEmploymentRate: body.returnToEmploymentRate ?? null,
    active: body.active,
  };
}

function toCourseBody(course: LabelledCourse): CourseBody {
  return { ...course };
}
