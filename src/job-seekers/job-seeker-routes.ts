import type { Router } from 'express';
import { readBooleanParam } from '../http/boolean-param.ts';
import { createCaseSensitiveRouter } from '../http/case-sensitive-router.ts';
import type { components, operations } from '../http/generated/api.ts';
import { isHeadRequest } from '../http/head-as-get.ts';
import { PageCursor, readTimeAndId } from '../http/page-cursor.ts';
import { requirePrincipal } from '../http/principal-context.ts';
import type { JobSeeker, JobSeekerInput } from './job-seeker.ts';
import type { JobSeekerService } from './job-seeker-service.ts';

type JobSeekerInputBody = components['schemas']['JobSeekerInput'];
type JobSeekerBody = components['schemas']['JobSeeker'];
type JobSeekerFileBody = components['schemas']['JobSeekerFile'];
type JobSeekerFileQuery = NonNullable<operations['getJobSeeker']['parameters']['query']>;

const DEFAULT_PAGE_SIZE = 50;

/**
 * The pages of a person's contests, oldest first. Each counselor reads the file of their own caseload:
 * a cursor pages for the person, the enrolment and the counselor it was given to, as the queue's does.
 */
const CONTEST_CURSOR = new PageCursor('person-contests', readTimeAndId);

export function createJobSeekerRoutes(service: JobSeekerService): Router {
  const router = createCaseSensitiveRouter();

  router.put('/v1/job-seekers/:seekerId', async function putJobSeeker(req, res) {
    const { jobSeeker, created } = await service.upsertJobSeeker(
      requirePrincipal(req),
      req.params.seekerId,
      toJobSeekerInput(req.body as JobSeekerInputBody),
      { reEnrol: readBooleanParam(req.query.reEnrol) === true },
    );
    res.status(created ? 201 : 200).json(toJobSeekerBody(jobSeeker));
  });

  router.get('/v1/job-seekers/:seekerId', async function getJobSeeker(req, res) {
    const query = req.query as JobSeekerFileQuery;
    const limit = query.limit === undefined ? DEFAULT_PAGE_SIZE : Number(query.limit);
    const caller = requirePrincipal(req);
    // Bound to the enrolment too (known once the file is found): a cursor given before the person was
    // erased and enrolled again belongs to another query.
    const filtersOf = (enrolmentId: string | null) => ({ seekerId: req.params.seekerId, enrolmentId });
    const file = await service.getJobSeekerForCounselor(caller, req.params.seekerId, {
      limit,
      readAfter: (enrolmentId) => {
        const after = CONTEST_CURSOR.decode(query.cursor, filtersOf(enrolmentId), caller.subject);
        return after === undefined ? undefined : { createdAt: after[0], id: after[1] };
      },
      recordRead: !isHeadRequest(req),
    });
    const body: JobSeekerFileBody = {
      ...toJobSeekerBody(file.jobSeeker),
      targetOccupationLabels: file.targetOccupationLabels,
      contests: file.contests,
      contestsNextCursor:
        file.nextAfter === null
          ? null
          : CONTEST_CURSOR.encode(
              [file.nextAfter.createdAt, file.nextAfter.id],
              filtersOf(file.jobSeeker.enrolmentId),
              caller.subject,
            ),
    };
    res.json(body);
  });

  return router;
}

/** The sync as kept: a commune code sent is accepted and left out, as the contract says. */
function toJobSeekerInput(body: JobSeekerInputBody): JobSeekerInput {
  return {
    counselorId: body.counselorId,
    targetOccupations: body.targetOccupations,
    educationLevel: body.educationLevel,
    skills: body.skills,
    yearsExperience: body.yearsExperience,
    monthsUnemployed: body.monthsUnemployed,
    location: body.location ?? null,
    mobilityRadiusKm: body.mobilityRadiusKm,
    remoteOk: body.remoteOk,
    availableFrom: body.availableFrom ?? null,
  };
}

function toJobSeekerBody(jobSeeker: JobSeeker): JobSeekerBody {
  // An internal key, for telling enrolments apart: the integration and counselors know the person by `id`.
  const { enrolmentId: _enrolmentId, ...body } = jobSeeker;
  return body;
}
