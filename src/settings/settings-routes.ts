import { Router } from 'express';
import type { components } from '../http/generated/api.ts';
import { requirePrincipal } from '../http/principal-context.ts';
import type { SettingsService } from './settings-service.ts';

type SettingsInputBody = components['schemas']['SettingsInput'];

export function createSettingsRoutes(service: SettingsService): Router {
  const router = Router();

  router.get('/v1/settings', async function getSettings(_req, res) {
    res.json(await service.getSettings());
  });

  router.put('/v1/settings', async function putSettings(req, res) {
    const body = req.body as SettingsInputBody;
    res.json(
      await service.putSettings(requirePrincipal(req), {
        aiEnabled: body.aiEnabled,
        blindFirst: body.blindFirst,
        secondReviewRate: body.secondReviewRate,
        setTtlHours: body.setTtlHours,
        fastDecisionSeconds: body.fastDecisionSeconds,
      }),
    );
  });

  return router;
}
