import type { Router } from 'express';
import { createCaseSensitiveRouter } from '../http/case-sensitive-router.ts';
import type { components } from '../http/generated/api.ts';
import { requirePrincipal } from '../http/principal-context.ts';
import { toCourseOutcomeBody } from './course-outcome-mapping.ts';
import type { CourseOutcomeService } from './course-outcome-service.ts';

type CourseOutcomeInputBody = components['schemas']['CourseOutcomeInput'];

/** The case-management system's reports of what became of proposed courses (`integration` role). */
export function createCourseOutcomeRoutes(service: CourseOutcomeService): Router {
  const router = createCaseSensitiveRouter();

  router.put('/v1/job-seekers/:seekerId/outcomes/:courseId', async function putCourseOutcome(req, res) {
    const body = req.body as CourseOutcomeInputBody;
    const { outcome, created } = await service.recordOutcome(
      requirePrincipal(req),
      req.params.seekerId,
      req.params.courseId,
      {
        entered: body.entered,
        employedWithinSixMonths: body.employedWithinSixMonths,
        observedAt: body.observedAt,
      },
    );
    res.status(created ? 201 : 200).json(toCourseOutcomeBody(outcome));
  });

  return router;
}
