import type { Request, Response, Router } from 'express';
import { readBooleanParam } from '../http/boolean-param.ts';
import { createCaseSensitiveRouter } from '../http/case-sensitive-router.ts';
import type { components, operations } from '../http/generated/api.ts';
import { isHeadRequest } from '../http/head-as-get.ts';
import { PageCursor, readTimeAndId } from '../http/page-cursor.ts';
import { requirePrincipal } from '../http/principal-context.ts';
import { normaliseUuid } from '../shared/uuid-text.ts';
import type { ReviewResult } from './apply-review-action.ts';
import type { PublicationService } from './publication-service.ts';
import { etagOf, REASON_CODES, type SetView } from './recommendation.ts';
import { toSetBody, toSummaryBody } from './recommendation-mapping.ts';
import type { CreateResult, RecommendationService } from './recommendation-service.ts';
import type { ReviewService } from './review-service.ts';
import type { ShortlistService } from './shortlist-service.ts';

type ListQuery = NonNullable<operations['listRecommendations']['parameters']['query']>;
type SetFeedbackQuery = NonNullable<operations['listSetFeedback']['parameters']['query']>;
type ReasonCodeListBody = components['schemas']['ReasonCodeList'];
type CreateBody = components['schemas']['CreateRecommendationsRequest'];
type DecisionBody = components['schemas']['DecisionRequest'];
type AddItemBody = components['schemas']['AddItemRequest'];
type OrderBody = components['schemas']['OrderRequest'];
type ShortlistBody = components['schemas']['ShortlistRequest'];
type PublishBody = components['schemas']['PublishRequest'];
type SecondReviewBody = components['schemas']['SecondReviewRequest'];
type DiscardBody = components['schemas']['DiscardRequest'];
type RetractBody = components['schemas']['RetractRequest'];
type SetFeedbackListBody = components['schemas']['SetFeedbackList'];

const DEFAULT_PAGE_SIZE = 50;

/** The queue's pages, newest first. */
const SET_CURSOR = new PageCursor('recommendations', readTimeAndId);

/** A set's answers' pages, oldest first. */
const FEEDBACK_CURSOR = new PageCursor('set-feedback', readTimeAndId);

export function createRecommendationRoutes(
  suggestions: RecommendationService,
  review: ReviewService,
  shortlists: ShortlistService,
  publication: PublicationService,
): Router {
  const router = createCaseSensitiveRouter();

  router.post('/v1/job-seekers/:seekerId/recommendations', async function createRecommendations(req, res) {
    const body = (req.body ?? {}) as CreateBody;
    const created = await suggestions.createRecommendations(requirePrincipal(req), req.params.seekerId, {
      idempotencyKey: String(req.get('Idempotency-Key')),
      ...(body.limit === undefined ? {} : { limit: body.limit }),
    });
    sendCreated(res, created);
  });

  router.post(
    '/v1/job-seekers/:seekerId/manual-recommendations',
    async function createManualRecommendations(req, res) {
      const created = await suggestions.createManualRecommendations(
        requirePrincipal(req),
        req.params.seekerId,
        { idempotencyKey: String(req.get('Idempotency-Key')) },
      );
      sendCreated(res, created);
    },
  );

  router.get('/v1/recommendations', async function listRecommendations(req, res) {
    const query = req.query as ListQuery;
    const limit = query.limit === undefined ? DEFAULT_PAGE_SIZE : Number(query.limit);
    const contested = readBooleanParam(query.contested);
    const filters = {
      queue: query.queue ?? 'caseload',
      ...(query.status === undefined ? {} : { statuses: query.status }),
      ...(query.seekerId === undefined ? {} : { seekerId: query.seekerId }),
      ...(query.modelId === undefined ? {} : { modelId: query.modelId }),
      ...(contested === undefined ? {} : { contested }),
    };
    const caller = requirePrincipal(req);
    // Each counselor's queue is their own (their caseload, the second reviews they may give): a
    // cursor pages for the counselor it was given to.
    const after = SET_CURSOR.decode(query.cursor, filters, caller.subject);
    const page = await suggestions.listRecommendations(
      caller,
      {
        ...filters,
        limit,
        ...(after === undefined ? {} : { after: { createdAt: after[0], id: after[1] } }),
      },
      { recordRead: !isHeadRequest(req) },
    );
    res.json({
      items: page.items.map(toSummaryBody),
      nextCursor:
        page.nextAfter === null
          ? null
          : SET_CURSOR.encode([page.nextAfter.createdAt, page.nextAfter.id], filters, caller.subject),
      suggestionsSwitchedOff: page.suggestionsSwitchedOff,
    });
  });

  router.get('/v1/recommendations/:setId', async function getRecommendationSet(req, res) {
    // Never 304: the body also tells which courses the catalog withdrew since, which the set's
    // version (its ETag, for If-Match) does not name.
    delete req.headers['if-none-match'];
    const recordRead = !isHeadRequest(req);
    sendSet(
      res,
      200,
      await suggestions.getRecommendationSet(requirePrincipal(req), req.params.setId, { recordRead }),
    );
  });

  router.get('/v1/recommendations/:setId/feedback', async function listSetFeedback(req, res) {
    const query = req.query as SetFeedbackQuery;
    const limit = query.limit === undefined ? DEFAULT_PAGE_SIZE : Number(query.limit);
    // The set is the list's one filter: a cursor of another set's answers is refused.
    const filters = { setId: req.params.setId };
    const after = FEEDBACK_CURSOR.decode(query.cursor, filters);
    const page = await suggestions.listSetFeedback(
      requirePrincipal(req),
      req.params.setId,
      { limit, ...(after === undefined ? {} : { after: { createdAt: after[0], id: after[1] } }) },
      { recordRead: !isHeadRequest(req) },
    );
    const body: SetFeedbackListBody = {
      items: page.items.map((answer) => ({
        id: answer.id,
        itemId: answer.itemId,
        courseId: answer.courseId,
        title: answer.title,
        response: answer.response,
        comment: answer.comment,
        createdAt: answer.createdAt,
      })),
      nextCursor:
        page.nextAfter === null
          ? null
          : FEEDBACK_CURSOR.encode([page.nextAfter.createdAt, page.nextAfter.id], filters),
    };
    res.status(200).json(body);
  });

  router.post(
    '/v1/recommendations/:setId/items/:itemId/decision',
    async function decideRecommendationItem(req, res) {
      const body = req.body as DecisionBody;
      const result = await review.decideItem(
        requirePrincipal(req),
        req.params.setId,
        req.params.itemId,
        ifMatch(req),
        {
          decision: body.decision,
          ...(body.reasonCode === undefined ? {} : { reasonCode: body.reasonCode }),
          ...(body.comment === undefined ? {} : { comment: body.comment }),
          acknowledgeSensitiveTerms: body.acknowledgeSensitiveTerms ?? false,
        },
      );
      sendResult(res, 200, result);
    },
  );

  router.post('/v1/recommendations/:setId/items', async function addRecommendationItem(req, res) {
    const body = req.body as AddItemBody;
    sendResult(res, 201, await review.addItem(requirePrincipal(req), req.params.setId, ifMatch(req), body));
  });

  router.put('/v1/recommendations/:setId/order', async function orderRecommendationItems(req, res) {
    const body = req.body as OrderBody;
    sendResult(
      res,
      200,
      await review.orderItems(
        requirePrincipal(req),
        req.params.setId,
        ifMatch(req),
        body.itemIds.map(normaliseUuid),
      ),
    );
  });

  router.post('/v1/recommendations/:setId/shortlist', async function submitShortlist(req, res) {
    const body = req.body as ShortlistBody;
    const result = await shortlists.submitShortlist(
      requirePrincipal(req),
      req.params.setId,
      ifMatch(req),
      body.courseIds,
    );
    sendResult(res, 200, result);
  });

  router.post('/v1/recommendations/:setId/publish', async function publishRecommendationSet(req, res) {
    const body = (req.body ?? {}) as PublishBody;
    const result = await publication.publish(requirePrincipal(req), req.params.setId, ifMatch(req), {
      ...(body.message === undefined ? {} : { message: body.message }),
      acknowledgeSensitiveTerms: body.acknowledgeSensitiveTerms ?? false,
    });
    sendResult(res, 200, result);
  });

  router.post(
    '/v1/recommendations/:setId/second-review',
    async function secondReviewRecommendationSet(req, res) {
      const body = req.body as SecondReviewBody;
      const result = await publication.secondReview(requirePrincipal(req), req.params.setId, ifMatch(req), {
        decision: body.decision,
        ...(body.comment === undefined ? {} : { comment: body.comment }),
        acknowledgeSensitiveTerms: body.acknowledgeSensitiveTerms ?? false,
      });
      sendResult(res, 200, result);
    },
  );

  router.post('/v1/recommendations/:setId/discard', async function discardRecommendationSet(req, res) {
    const body = req.body as DiscardBody;
    sendResult(res, 200, await review.discard(requirePrincipal(req), req.params.setId, ifMatch(req), body));
  });

  router.post('/v1/recommendations/:setId/retract', async function retractRecommendationSet(req, res) {
    const body = req.body as RetractBody;
    sendResult(res, 200, await review.retract(requirePrincipal(req), req.params.setId, ifMatch(req), body));
  });

  router.get('/v1/reason-codes', function listReasonCodes(_req, res) {
    const body: ReasonCodeListBody = { items: REASON_CODES.map((reason) => ({ ...reason })) };
    res.json(body);
  });

  return router;
}

function ifMatch(req: Request): string | undefined {
  return req.get('If-Match');
}

function sendSet(res: Response, status: number, view: SetView): void {
  res.status(status).set('ETag', etagOf(view.set)).json(toSetBody(view));
}

/** A new set (or a creation's replayed first answer, said as such), with where to find it. */
function sendCreated(res: Response, created: CreateResult): void {
  res.location(`/v1/recommendations/${created.set.id}`);
  if (created.replayed) res.set('Idempotent-Replayed', 'true');
  res.status(201).set('ETag', etagOf(created.set)).json(toSetBody(created, created.warnings));
}

function sendResult(res: Response, status: number, result: ReviewResult): void {
  res.status(status).set('ETag', etagOf(result.set)).json(toSetBody(result, result.warnings));
}
