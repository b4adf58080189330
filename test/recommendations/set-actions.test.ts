import { describe, expect, it } from 'vitest';
import type { RecommendationSet } from '../../src/recommendations/recommendation.ts';
import {
  type ActionContext,
  findStateRefusal,
  listAllowedActions,
  type SetReader,
} from '../../src/recommendations/set-actions.ts';
import { aRecommendationSet, WORKFLOW_START } from '../support/workflow.ts';

const owner: SetReader = { subject: 'c-001', holdsCaseload: true };
const peer: SetReader = { subject: 'c-002', holdsCaseload: false };
const during: ActionContext = {
  now: WORKFLOW_START,
  withdrawnCourseIds: new Set(),
  aiEnabled: true,
  unansweredContests: 0,
};

/** The set with its one item decided as given. */
function withDecision(decision: 'approved' | 'rejected', overrides: Partial<RecommendationSet> = {}) {
  const set = aRecommendationSet(overrides);
  return { ...set, items: set.items.map((item) => ({ ...item, decision })) };
}

describe('the actions a counselor may take on a set now', () => {
  it('offers nothing on a set whose lifetime has passed, before anyone records its expiry', () => {
    const set = withDecision('approved');
    expect(listAllowedActions(set, owner, during)).toContain('publish');
    const late = { ...during, now: new Date(Date.parse(set.expiresAt)) };
    expect(listAllowedActions(set, owner, late)).toEqual([]);
  });

  it('offers a second review to a peer and never to its first reviewer, who may only discard', () => {
    const set = withDecision('approved', {
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
    expect(listAllowedActions(set, peer, during)).toEqual(['second_review']);
    expect(listAllowedActions(set, owner, during)).toEqual(['discard']);
    expect(findStateRefusal('second_review', set, owner, new Set())).toEqual({ kind: 'first_reviewer' });
  });

  it('offers nothing to a counselor who may not read the set, not even a retraction', () => {
    expect(listAllowedActions(aRecommendationSet({ status: 'published' }), peer, during)).toEqual([]);
    expect(listAllowedActions(aRecommendationSet(), peer, during)).toEqual([]);
  });

  it("holds back the publication of the model's suggestions while they are switched off, not of a set made by hand", () => {
    const switchedOff = { ...during, aiEnabled: false };
    expect(listAllowedActions(withDecision('approved'), owner, switchedOff)).not.toContain('publish');
    expect(listAllowedActions(withDecision('approved', { model: null }), owner, switchedOff)).toContain(
      'publish',
    );
  });

  it('refuses a publication for the first thing that stands in its way, in the order the service tells it', () => {
    const pending = aRecommendationSet();
    expect(findStateRefusal('publish', pending, owner, new Set())).toEqual({
      kind: 'items_pending',
      pendingItemIds: pending.items.map((item) => item.id),
    });
    expect(findStateRefusal('publish', withDecision('rejected'), owner, new Set())).toEqual({
      kind: 'nothing_approved',
    });
    const approved = withDecision('approved');
    expect(findStateRefusal('publish', approved, owner, new Set(['LYON-AS-1']))).toMatchObject({
      kind: 'withdrawn_approvals',
    });
    expect(findStateRefusal('publish', { ...approved, status: 'published' }, owner, new Set())).toEqual({
      kind: 'status',
      allowed: ['pending_review'],
    });
    expect(findStateRefusal('publish', approved, owner, new Set())).toBeUndefined();
  });
});
