import type { Router } from 'express';
import { createCaseSensitiveRouter } from '../http/case-sensitive-router.ts';
import type { components } from '../http/generated/api.ts';
import { readHeaderField } from '../http/header-text.ts';
import { requirePrincipal } from '../http/principal-context.ts';
import { toAccessRecordOutcomeBody } from '../outcomes/course-outcome-mapping.ts';
import { toContestReplyBody, toCourseSummaryBody } from '../recommendations/recommendation-mapping.ts';
import { type AccessRecord, type AccessRecordSet, accessRequestFor } from './access-record.ts';
import type { AccessRecordService } from './access-record-service.ts';

type AccessRecordBody = components['schemas']['AccessRecord'];
type AccessRecordSetBody = components['schemas']['AccessRecordSet'];

const ACCESS_REQUEST_HEADER = 'x-access-request';

/** The admin's answer to a formal access request; the contract admits the `admin` role only. */
export function createAccessRecordRoutes(service: AccessRecordService): Router {
  const router = createCaseSensitiveRouter();

  router.get('/v1/job-seekers/:seekerId/access-record', async function getAccessRecord(req, res) {
    const record = await service.produceAccessRecord(
      accessRequestFor(
        requirePrincipal(req),
        req.params.seekerId,
        readHeaderField(req, ACCESS_REQUEST_HEADER),
      ),
    );
    res.json(toAccessRecordBody(record));
  });

  return router;
}

function toAccessRecordBody(record: AccessRecord): AccessRecordBody {
  return {
    ...record,
    suggestionSets: record.suggestionSets.map(toAccessRecordSetBody),
    contestReplies: record.contestReplies.map(toContestReplyBody),
    outcomes: record.outcomes.map(toAccessRecordOutcomeBody),
  };
}

/** Each course as shown beside a suggestion elsewhere, its return-to-employment rate beside it. */
function toAccessRecordSetBody(set: AccessRecordSet): AccessRecordSetBody {
  return {
    ...set,
    items: set.items.map((item) => ({
      ...item,
      course: toCourseSummaryBody(item.course),
      returnToEmploymentRate: item.course.returnToEmploymentRate,
    })),
  };
}
