import type { Response, Router } from 'express';
import { createCaseSensitiveRouter } from '../http/case-sensitive-router.ts';
import type { components } from '../http/generated/api.ts';
import { requirePrincipal } from '../http/principal-context.ts';
import { type StoredSettings, settingsEtag } from './settings.ts';
import type { SettingsService } from './settings-service.ts';

type SettingsInputBody = components['schemas']['SettingsInput'];
type SettingsBody = components['schemas']['Settings'];

export function createSettingsRoutes(service: SettingsService): Router {
  const router = createCaseSensitiveRouter();

  router.get('/v1/settings', async function getSettings(_req, res) {
    sendSettings(res, await service.getSettings());
  });

  router.put('/v1/settings', async function putSettings(req, res) {
    const body = req.body as SettingsInputBody;
    const ifMatch = req.header('if-match');
    const saved = await service.putSettings(
      requirePrincipal(req),
      {
        aiEnabled: body.aiEnabled,
        blindFirst: body.blindFirst,
        secondReviewRate: body.secondReviewRate,
        setTtlHours: body.setTtlHours,
        fastDecisionSeconds: body.fastDecisionSeconds,
      },
      {
        ...(ifMatch === undefined ? {} : { ifMatch }),
        ...(body.changeReason === undefined ? {} : { changeReason: body.changeReason }),
      },
    );
    sendSettings(res, saved);
  });

  return router;
}

/** The settings with their version as the ETag, not in the body. */
function sendSettings(res: Response, settings: StoredSettings): void {
  const { version: _version, ...fields } = settings;
  const body: SettingsBody = fields;
  res.set('ETag', settingsEtag(settings)).json(body);
}
