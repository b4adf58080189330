import { Router } from 'express';
import type { components } from '../http/generated/api.ts';
import { requirePrincipal } from '../http/principal-context.ts';
import type { PortalService } from './portal-service.ts';

type FeedbackBody = components['schemas']['FeedbackRequest'];
type ObjectionBody = components['schemas']['ObjectionRequest'];

export function createPortalRoutes(service: PortalService): Router {
  const router = Router();

  router.get('/v1/me/recommendations', async function listMyRecommendations(req, res) {
    res.json(await service.listMyRecommendations(requirePrincipal(req)));
  });

  router.get('/v1/me/recommendations/:itemId/explanation', async function getMyExplanation(req, res) {
    res.json(await service.getMyExplanation(requirePrincipal(req), req.params.itemId));
  });

  router.post('/v1/me/recommendations/:itemId/feedback', async function giveFeedback(req, res) {
    const body = req.body as FeedbackBody;
    const { feedback, warnings } = await service.giveFeedback(requirePrincipal(req), req.params.itemId, {
      response: body.response,
      ...(body.comment === undefined ? {} : { comment: body.comment }),
    });
    const { seekerId: _owner, ...visible } = feedback;
    res.status(201).json({ ...visible, ...(warnings.length === 0 ? {} : { warnings }) });
  });

  router.post('/v1/me/objection', async function objectToAiProcessing(req, res) {
    const body = (req.body ?? {}) as ObjectionBody;
    const { recordedAt } = await service.objectToAiProcessing(requirePrincipal(req), body.comment);
    res.json({ aiObjection: true, recordedAt });
  });

  router.get('/v1/me/data', async function exportMyData(req, res) {
    const data = await service.exportMyData(requirePrincipal(req));
    res.json({ ...data, feedback: data.feedback.map(({ seekerId: _owner, ...visible }) => visible) });
  });

  return router;
}
