import type { Router } from 'express';
import { readBooleanParam } from '../http/boolean-param.ts';
import { createCaseSensitiveRouter } from '../http/case-sensitive-router.ts';
import type { components, operations } from '../http/generated/api.ts';
import { requirePrincipal } from '../http/principal-context.ts';
import type { OwnOversightService } from './own-oversight-service.ts';
import { toPeriod } from './period-query.ts';

type OwnOversightStatsBody = components['schemas']['OwnOversightStats'];
type OwnOversightQuery = NonNullable<operations['getOwnOversightStats']['parameters']['query']>;

/** A counselor's own oversight figures; the contract admits the `counselor` role only. */
export function createOwnOversightRoutes(service: OwnOversightService): Router {
  const router = createCaseSensitiveRouter();

  router.get('/v1/counselor/stats/oversight', async function getOwnOversightStats(req, res) {
    const query = req.query as OwnOversightQuery;
    const report = await service.computeOwnOversight(requirePrincipal(req), toPeriod(query), {
      includeAllCounselors: readBooleanParam(query.includeAllCounselors) === true,
    });
    const body: OwnOversightStatsBody = report;
    res.json(body);
  });

  return router;
}
