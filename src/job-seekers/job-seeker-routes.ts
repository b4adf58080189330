import { Router } from 'express';
import { readBooleanParam } from '../http/boolean-param.ts';
import type { components } from '../http/generated/api.ts';
import { isHeadRequest } from '../http/head-as-get.ts';
import { requirePrincipal } from '../http/principal-context.ts';
import type { JobSeeker, JobSeekerInput } from './job-seeker.ts';
import type { JobSeekerService } from './job-seeker-service.ts';

type JobSeekerInputBody = components['schemas']['JobSeekerInput'];
type JobSeekerBody = components['schemas']['JobSeeker'];
type JobSeekerFileBody = components['schemas']['JobSeekerFile'];

export function createJobSeekerRoutes(service: JobSeekerService): Router {
  const router = Router();

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
    const file = await service.getJobSeekerForCounselor(requirePrincipal(req), req.params.seekerId, {
      recordRead: !isHeadRequest(req),
    });
    const body: JobSeekerFileBody = { ...toJobSeekerBody(file.jobSeeker), contests: file.contests };
    res.json(body);
  });

  return router;
}

function toJobSeekerInput(body: JobSeekerInputBody): JobSeekerInput {
  return {
    counselorId: body.counselorId,
    targetOccupations: body.targetOccupations,
    educationLevel: body.educationLevel,
    skills: body.skills,
    yearsExperience: body.yearsExperience,
    monthsUnemployed: body.monthsUnemployed,
    location: body.location ?? null,
    communeCode: body.communeCode ?? null,
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
