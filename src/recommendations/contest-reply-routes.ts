import type { Router } from 'express';
import { createCaseSensitiveRouter } from '../http/case-sensitive-router.ts';
import type { components } from '../http/generated/api.ts';
import { requirePrincipal } from '../http/principal-context.ts';
import type { ContestReplyService } from './contest-reply-service.ts';
import { toContestReplyBody } from './recommendation-mapping.ts';

type ContestReplyBody = components['schemas']['ContestReplyRequest'];
type ContestReplyResultBody = components['schemas']['ContestReplyResult'];

export function createContestReplyRoutes(service: ContestReplyService): Router {
  const router = createCaseSensitiveRouter();

  router.post(
    '/v1/recommendations/:setId/items/:itemId/contest-reply',
    async function replyToContest(req, res) {
      const body = req.body as ContestReplyBody;
      const result = await service.replyToContest(
        requirePrincipal(req),
        req.params.setId,
        req.params.itemId,
        {
          message: body.message,
          ...(body.acknowledgeSensitiveTerms === undefined
            ? {}
            : { acknowledgeSensitiveTerms: body.acknowledgeSensitiveTerms }),
        },
        req.get('Idempotency-Key'),
      );
      const answer: ContestReplyResultBody = {
        ...toContestReplyBody(result.reply),
        setId: result.setId,
        answeredContests: result.answeredContests,
        contests: { ...result.contests },
        ...(result.warnings.length === 0 ? {} : { warnings: result.warnings }),
      };
      if (result.replayed) res.set('Idempotent-Replayed', 'true');
      res.status(201).json(answer);
    },
  );

  return router;
}
