import type { Router } from 'express';
import { createCaseSensitiveRouter } from '../http/case-sensitive-router.ts';
import type { components } from '../http/generated/api.ts';
import { requirePrincipal } from '../http/principal-context.ts';
import type { ModelRegistry } from './model-registry.ts';
import type { RegisteredModel } from './registered-model.ts';

type ModelBody = components['schemas']['Model'];
type RegisterBody = components['schemas']['RegisterModelRequest'];
type ActivateBody = components['schemas']['ActivateModelRequest'];
type RecallBody = components['schemas']['RecallModelRequest'];
type ModelListBody = components['schemas']['ModelList'];
type RecallResultBody = components['schemas']['ModelRecallResult'];

export function createModelRoutes(registry: ModelRegistry): Router {
  const router = createCaseSensitiveRouter();

  router.get('/v1/models', async function listModels(req, res) {
    const body: ModelListBody = {
      items: (await registry.listModelsFor(requirePrincipal(req))).map(toModelBody),
    };
    res.json(body);
  });

  router.post('/v1/models', async function registerModel(req, res) {
    const body = req.body as RegisterBody;
    const model = await registry.registerModel(requirePrincipal(req), body.folder, body.sha256);
    res.status(201).json(toModelBody(model));
  });

  router.post('/v1/models/:modelId/activate', async function activateModel(req, res) {
    const reason = (req.body as ActivateBody | undefined)?.reason;
    const model = await registry.activateModel(
      requirePrincipal(req),
      req.params.modelId,
      reason === undefined ? {} : { reason },
    );
    res.json(toModelBody(model));
  });

  router.post('/v1/models/:modelId/recall', async function recallModel(req, res) {
    const { reason } = req.body as RecallBody;
    const recalled = await registry.recallModel(requirePrincipal(req), req.params.modelId, reason);
    const body: RecallResultBody = {
      model: toModelBody(recalled.model),
      retractedSetIds: recalled.retractedSetIds,
      withdrawnSetIds: recalled.withdrawnSetIds,
      sameFileModels: recalled.sameFileModels.flatMap(({ id, status }) =>
        status === 'recalled' ? [] : [{ id, status }],
      ),
    };
    res.json(body);
  });

  router.get('/v1/models/:modelId/card', async function getModelCard(req, res) {
    res.type('text/markdown; charset=utf-8').send(await registry.getModelCard(req.params.modelId));
  });

  return router;
}

function toModelBody(model: RegisteredModel): ModelBody {
  const metrics = Object.fromEntries(
    Object.entries(model.manifest.metrics).filter(
      (entry): entry is [string, number] => typeof entry[1] === 'number',
    ),
  );
  return {
    id: model.id,
    name: model.name,
    version: model.version,
    sha256: model.sha256,
    manifestSha256: model.manifestSha256,
    cardSha256: model.cardSha256,
    status: model.status,
    attributionMethod: model.manifest.attributionMethod,
    metrics,
    registeredBy: model.registeredBy,
    registeredAt: model.registeredAt,
    activatedBy: model.activatedBy,
    activatedAt: model.activatedAt,
    retiredAt: model.retiredAt,
    recall: model.recall === null ? null : { ...model.recall },
  };
}
