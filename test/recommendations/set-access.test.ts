import { describe, expect, it } from 'vitest';
import type { Principal } from '../../src/auth/principal.ts';
import { canSee, requireCurrentEtag, requireStatus } from '../../src/recommendations/set-access.ts';
import {
  ConflictError,
  PreconditionFailedError,
  PreconditionRequiredError,
} from '../../src/shared/errors.ts';
import { aRecommendationSet } from '../support/workflow.ts';

const owner: Principal = { subject: 'c-001', roles: ['counselor'] };
const peer: Principal = { subject: 'c-002', roles: ['counselor'] };

describe('who may see a set', () => {
  it('shows a set to its counselor and hides it from the others while it is under review', () => {
    for (const status of [
      'awaiting_shortlist',
      'pending_review',
      'published',
      'discarded',
      'expired',
    ] as const) {
      const set = aRecommendationSet({ status });
      expect(canSee(owner, set)).toBe(true);
      expect(canSee(peer, set)).toBe(false);
    }
  });

  it('shows a set awaiting a second review to another counselor, never to a peer who was its first reviewer', () => {
    const set = aRecommendationSet({
      status: 'awaiting_second_review',
      secondReview: { required: true, firstReviewerId: 'c-001', reviewerId: null },
    });
    expect(canSee(peer, set)).toBe(true);
    expect(canSee(owner, set)).toBe(true);
    const reviewedByPeer = { ...set, secondReview: { ...set.secondReview, firstReviewerId: 'c-002' } };
    expect(canSee(peer, reviewedByPeer)).toBe(false);
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
    expect(() => requireCurrentEtag(set, '"2", "3"')).not.toThrow();
    expect(() => requireCurrentEtag(set, '"2"')).toThrow(PreconditionFailedError);
    expect(() => requireCurrentEtag(set, 'W/"3"')).toThrow(PreconditionFailedError);
    expect(() => requireCurrentEtag(set, '3')).toThrow(PreconditionFailedError);
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
  it('lets an allowed state through and refuses the others with a conflict that names the state', () => {
    expect(() => requireStatus(aRecommendationSet(), ['pending_review'], 'publish')).not.toThrow();
    try {
      requireStatus(aRecommendationSet({ status: 'expired' }), ['pending_review'], 'publish');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConflictError);
      const conflict = error as ConflictError;
      expect(conflict.message).toBe('cannot publish: the set has expired; ask for new suggestions');
      expect(conflict.details).toEqual({ setStatus: 'expired' });
      expect(conflict.details).not.toHaveProperty('status');
    }
  });
});
