import { describe, expect, it } from 'vitest';
import type { Principal } from '../../src/auth/principal.ts';
import type { JobSeekerStanding } from '../../src/job-seekers/job-seeker.ts';
import type { RecommendationSet } from '../../src/recommendations/recommendation.ts';
import { findVisibleSet, requireCurrentEtag, requireStatus } from '../../src/recommendations/set-access.ts';
import {
  ConflictError,
  NotFoundError,
  PreconditionFailedError,
  PreconditionRequiredError,
} from '../../src/shared/errors.ts';
import { aRecommendationSet } from '../support/workflow.ts';

const owner: Principal = { subject: 'c-001', roles: ['counselor'] };
const peer: Principal = { subject: 'c-002', roles: ['counselor'] };

/** Whether `counselor` gets the set, the job seeker being on `caseloadOf`'s caseload (404 otherwise). */
async function canSee(counselor: Principal, set: RecommendationSet, caseloadOf = set.counselorId) {
  const stores = {
    store: { findById: async () => set },
    jobSeekers: {
      findStanding: async () => ({ id: set.seekerId, counselorId: caseloadOf }) as JobSeekerStanding,
    },
    now: () => new Date(set.createdAt),
  };
  try {
    return (await findVisibleSet(stores, counselor, set.id)).set === set;
  } catch (error) {
    if (error instanceof NotFoundError) return false;
    throw error;
  }
}

describe('who may see a set', () => {
  it('shows a set to its counselor and hides it from the others while it is under review', async () => {
    for (const status of [
      'awaiting_shortlist',
      'pending_review',
      'published',
      'discarded',
      'expired',
    ] as const) {
      const set = aRecommendationSet({ status });
      expect(await canSee(owner, set)).toBe(true);
      expect(await canSee(peer, set)).toBe(false);
    }
  });

  it('hides every set from a counselor the job seeker moved away from, and shows them to the new one', async () => {
    for (const status of ['pending_review', 'published', 'discarded'] as const) {
      const set = aRecommendationSet({ status });
      expect(await canSee(owner, set, 'c-002')).toBe(false);
      expect(await canSee(peer, set, 'c-002')).toBe(true);
    }
  });

  it('shows a set awaiting a second review to another counselor, never to a peer who was its first reviewer', async () => {
    const set = aRecommendationSet({
      status: 'awaiting_second_review',
      secondReview: {
        required: true,
        firstReviewerId: 'c-001',
        reviewerId: null,
        round: 1,
        reads: [],
        returned: null,
        approved: null,
      },
    });
    expect(await canSee(peer, set)).toBe(true);
    expect(await canSee(owner, set)).toBe(true);
    const reviewedByPeer = { ...set, secondReview: { ...set.secondReview, firstReviewerId: 'c-002' } };
    expect(await canSee(peer, reviewedByPeer)).toBe(false);
  });
});

describe('If-Match', () => {
  const set = aRecommendationSet({ version: 3 });

  it('is required: missing or blank is a missing precondition', () => {
    expect(() => requireCurrentEtag(set, undefined)).toThrow(PreconditionRequiredError);
    expect(() => requireCurrentEtag(set, '  ')).toThrow(PreconditionRequiredError);
  });

  it('must name the current version, compared strongly', () => {
    expect(() => requireCurrentEtag(set, '"3"')).not.toThrow();
    expect(() => requireCurrentEtag(set, '"2"')).toThrow(PreconditionFailedError);
    expect(() => requireCurrentEtag(set, 'W/"3"')).toThrow(PreconditionFailedError);
  });

  it('names exactly one version: a list of ETags, even one holding the current one, is refused (428)', () => {
    expect(() => requireCurrentEtag(set, '"2", "3"')).toThrow(PreconditionRequiredError);
    expect(() => requireCurrentEtag(set, '"2", "3"')).toThrow(
      'If-Match names 2 versions; send the one ETag you last read (If-Match: "3")',
    );
    expect(() => requireCurrentEtag(set, '"3", *')).toThrow(/names 2 versions/);
    // Commas inside a quoted tag, and empty list elements, are no list.
    expect(() => requireCurrentEtag(set, '"3",')).not.toThrow();
    expect(() => requireCurrentEtag(set, '"2,3"')).toThrow(PreconditionFailedError);
  });

  it('refuses a bare version number (428), saying the ETag goes quoted, rather than calling the set changed', () => {
    expect(() => requireCurrentEtag(set, '3')).toThrow(PreconditionRequiredError);
    expect(() => requireCurrentEtag(set, '3')).toThrow(/quotes included \(If-Match: "3"\)/);
    expect(() => requireCurrentEtag(set, '2, 3')).toThrow(PreconditionRequiredError);
  });

  it('refuses If-Match: * (428) and a weak tag (412), saying the strong ETag is needed', () => {
    expect(() => requireCurrentEtag(set, '*')).toThrow(PreconditionRequiredError);
    expect(() => requireCurrentEtag(set, '*')).toThrow(/does not say which version/);
    expect(() => requireCurrentEtag(set, 'W/"3"')).toThrow(PreconditionFailedError);
    expect(() => requireCurrentEtag(set, 'W/"3"')).toThrow(/weak ETag/);
  });

  it('refuses a tag naming a version the set never had (412), saying so rather than calling the set changed', () => {
    for (const tag of ['"4"', '"99999"', '"0"', '"abc"', '"03"']) {
      expect(() => requireCurrentEtag(set, tag)).toThrow(PreconditionFailedError);
      expect(() => requireCurrentEtag(set, tag)).toThrow(
        `If-Match names a version this set never had (${tag}); send the ETag its read gave (If-Match: "3")`,
      );
    }
    expect(() => requireCurrentEtag(set, '"2"')).toThrow('the set has changed since you read it');
    expect(() => requireCurrentEtag(set, '"1"')).toThrow('the set has changed since you read it');
  });

  it('tells a stale caller the current ETag', () => {
    try {
      requireCurrentEtag(set, '"1"');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(PreconditionFailedError);
      expect((error as PreconditionFailedError).details).toEqual({ currentEtag: '"3"' });
    }
  });
});

describe('state rules', () => {
  const counselorReader = { subject: owner.subject, holdsCaseload: true };
  const secondReviewer = { subject: peer.subject, holdsCaseload: false };

  it('lets an allowed state through and refuses the others with a conflict that names the state and its problem type', () => {
    expect(() =>
      requireStatus(aRecommendationSet(), ['pending_review'], 'publish', counselorReader),
    ).not.toThrow();
    try {
      requireStatus(
        aRecommendationSet({ status: 'expired' }),
        ['pending_review'],
        'publish',
        counselorReader,
      );
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConflictError);
      const conflict = error as ConflictError;
      expect(conflict.message).toBe(
        'cannot publish: the set has expired; ask for new suggestions (POST /v1/job-seekers/js-1/recommendations)',
      );
      expect(conflict.details).toEqual({
        type: 'https://aiguillage.example/problems/set-expired',
        setStatus: 'expired',
      });
      expect(conflict.details).not.toHaveProperty('status');
    }
  });

  /**
   * The refusal's detail, for a set in `status` (made by the model unless `overrides` says
   * otherwise), to the set's counselor unless `reader` says otherwise.
   */
  function refusal(overrides: Partial<RecommendationSet>, action: string, reader = counselorReader): string {
    try {
      requireStatus(aRecommendationSet(overrides), ['pending_review'], action, reader);
    } catch (error) {
      return (error as ConflictError).message;
    }
    return expect.unreachable();
  }
  const setPath = '/v1/recommendations/a1b2c3d4-0000-4000-8000-000000000001';

  it('tells a counselor deciding before the shortlist to submit the shortlist first', () => {
    expect(refusal({ status: 'awaiting_shortlist' }, 'decide an item')).toBe(
      `cannot decide an item: the set was made for blind-first review and awaits your own shortlist; submit it first (POST ${setPath}/shortlist; an empty one if you have none), then the model's items are shown for review`,
    );
  });

  it('tells a counselor changing a set in second review that a peer approves or returns it, or that they discard it', () => {
    expect(refusal({ status: 'awaiting_second_review' }, 'add a course')).toBe(
      `cannot add a course: the set awaits a second review; another counselor approves it (publishing it) or returns it to you (POST ${setPath}/second-review), or you discard it (POST ${setPath}/discard)`,
    );
  });

  it('names where to start again after an expired set: new suggestions, or a new set by hand for one made by hand', () => {
    expect(refusal({ status: 'expired' }, 'decide an item')).toMatch(
      /ask for new suggestions \(POST \/v1\/job-seekers\/js-1\/recommendations\)$/,
    );
    expect(refusal({ status: 'expired', model: null }, 'add a course')).toMatch(
      /start a new set by hand \(POST \/v1\/job-seekers\/js-1\/manual-recommendations\)$/,
    );
  });

  it("tells a second reviewer of an expired set that a new set is the person's counselor's, naming no operation they cannot use", () => {
    expect(refusal({ status: 'expired' }, 'review a second time', secondReviewer)).toBe(
      "cannot review a second time: the set has expired; new suggestions for the person are their counselor's to ask for",
    );
    expect(refusal({ status: 'expired', model: null }, 'review a second time', secondReviewer)).toBe(
      "cannot review a second time: the set has expired; a new set by hand for the person is their counselor's to start",
    );
  });
});
