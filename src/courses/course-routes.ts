import { Router } from 'express';
import type { CourseService } from './course-service.ts';

export function createCourseRoutes(
  _service: CourseService,
  _options: { importBodyLimitBytes: number },
): Router {
  return Router();
}
