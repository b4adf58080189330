import type { Router } from 'express';
import { createCaseSensitiveRouter } from '../http/case-sensitive-router.ts';
import type { components } from '../http/generated/api.ts';
import { requirePrincipal } from '../http/principal-context.ts';
import type { ObjectionService, RecordedObjection } from './objection-service.ts';

type ObjectionBody = components['schemas']['ObjectionRequest'];
type CounselorObjectionBody = components['schemas']['CounselorObjectionRequest'];

export function createObjectionRoutes(service: ObjectionService): Router {
  const router = createCaseSensitiveRouter();

  router.post('/v1/me/objection', async function objectToAiProcessing(req, res) {
    const body = (req.body ?? {}) as ObjectionBody;
    const recorded = await service.objectToAiProcessing(requirePrincipal(req), {
      ...(body.comment === undefined ? {} : { comment: body.comment }),
      acknowledgeSensitiveTerms: body.acknowledgeSensitiveTerms ?? false,
    });
    res.json(toObjectionBody(recorded));
  });

  router.delete('/v1/me/objection', async function withdrawObjection(req, res) {
    await service.withdrawObjection(requirePrincipal(req));
    res.status(204).end();
  });

  router.post('/v1/job-seekers/:seekerId/objection', async function recordObjectionForJobSeeker(req, res) {
    const body = req.body as CounselorObjectionBody;
    const recorded = await service.recordObjectionForJobSeeker(requirePrincipal(req), req.params.seekerId, {
      channel: body.channel,
      ...(body.comment === undefined ? {} : { comment: body.comment }),
      acknowledgeSensitiveTerms: body.acknowledgeSensitiveTerms ?? false,
    });
    res.json(toObjectionBody(recorded));
  });

  return router;
}

function toObjectionBody({ warnings, ...standing }: RecordedObjection): components['schemas']['Objection'] {
  return { aiObjection: true, ...standing, ...(warnings.length === 0 ? {} : { warnings }) };
}
