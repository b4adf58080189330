import type { Router } from 'express';
import { createCaseSensitiveRouter } from '../http/case-sensitive-router.ts';
import type { components } from '../http/generated/api.ts';
import { requirePrincipal } from '../http/principal-context.ts';
import type { OccupationLabelService } from './occupation-label-service.ts';

type OccupationLabelsInputBody = components['schemas']['OccupationLabelsInput'];
type OccupationLabelListBody = components['schemas']['OccupationLabelList'];

export function createOccupationLabelRoutes(service: OccupationLabelService): Router {
  const router = createCaseSensitiveRouter();

  router.get('/v1/occupations', async function listOccupationLabels(_req, res) {
    const body: OccupationLabelListBody = { items: await service.listLabels() };
    res.json(body);
  });

  router.put('/v1/occupations', async function replaceOccupationLabels(req, res) {
    const { items, acknowledgeEmptyReferential } = req.body as OccupationLabelsInputBody;
    const body: OccupationLabelListBody = {
      items: await service.replaceLabels(requirePrincipal(req), items, {
        acknowledgeEmptyReferential: acknowledgeEmptyReferential ?? false,
      }),
    };
    res.json(body);
  });

  return router;
}
