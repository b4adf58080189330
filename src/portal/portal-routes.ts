import type { Router } from 'express';
import { createCaseSensitiveRouter } from '../http/case-sensitive-router.ts';
import type { components } from '../http/generated/api.ts';
import { isHeadRequest } from '../http/head-as-get.ts';
import { requirePrincipal } from '../http/principal-context.ts';
import { toCourseOutcomeBody } from '../outcomes/course-outcome-mapping.ts';
import { toContestReplyBody, toCourseSummaryBody } from '../recommendations/recommendation-mapping.ts';
import type { MyRecommendation, PortalService } from './portal-service.ts';

type FeedbackBody = components['schemas']['FeedbackRequest'];

export function createPortalRoutes(service: PortalService): Router {
  const router = createCaseSensitiveRouter();

  router.get('/v1/me/recommendations', async function listMyRecommendations(req, res) {
    const mine = await service.listMyRecommendations(requirePrincipal(req));
    res.json({ ...mine, items: mine.items.map(toMyRecommendationBody) });
  });

  router.get('/v1/me/recommendations/:itemId/explanation', async function getMyExplanation(req, res) {
    const explanation = await service.getMyExplanation(requirePrincipal(req), req.params.itemId, {
      recordRead: !isHeadRequest(req),
    });
    res.json({
      ...explanation,
      course: toCourseSummaryBody(explanation.course),
      contestReplies: explanation.contestReplies.map(toContestReplyBody),
    });
  });

  router.post('/v1/me/recommendations/:itemId/feedback', async function giveFeedback(req, res) {
    const body = req.body as FeedbackBody;
    const { feedback, warnings, replacedNotice } = await service.giveFeedback(
      requirePrincipal(req),
      req.params.itemId,
      {
        response: body.response,
        ...(body.comment === undefined ? {} : { comment: body.comment }),
        acknowledgeSensitiveTerms: body.acknowledgeSensitiveTerms ?? false,
      },
    );
    const { seekerId: _owner, ...visible } = feedback;
    res.status(201).json({
      ...visible,
      ...(warnings.length === 0 ? {} : { warnings }),
      ...(replacedNotice === null ? {} : { replacedNotice }),
    });
  });

  router.get('/v1/me/data', async function exportMyData(req, res) {
    const data = await service.exportMyData(requirePrincipal(req));
    res.json({
      profile: data.profile,
      objection: data.objection,
      objectionHistory: data.objectionHistory,
      recommendations: data.recommendations.map(({ setId, ...item }) => ({
        setId,
        ...toMyRecommendationBody(item),
      })),
      suggestionSets: data.suggestionSets.map((set) => ({
        ...set,
        items: set.items.map((item) => ({ ...item, course: toCourseSummaryBody(item.course) })),
      })),
      feedback: data.feedback.map(({ seekerId: _owner, ...visible }) => visible),
      contestReplies: data.contestReplies.map(toContestReplyBody),
      outcomes: data.outcomes.map(toCourseOutcomeBody),
      fileReads: data.fileReads,
    });
  });

  return router;
}

function toMyRecommendationBody(item: MyRecommendation): components['schemas']['MyRecommendation'] {
  return { ...item, course: toCourseSummaryBody(item.course) };
}
