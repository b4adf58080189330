import { describe, expect, it } from 'vitest';
import type { EventContent } from '../../src/audit/audit-event-store.ts';
import { computeOversightReport } from '../../src/audit/oversight-stats.ts';

let seq = 0;
function anEvent(
  type: string,
  occurredAt: string,
  payload: Record<string, unknown>,
  counselor = 'C1',
): EventContent {
  seq += 1;
  return {
    seq,
    type,
    occurredAt,
    actor: { role: 'counselor', pseudonym: counselor },
    subject: 'S1',
    payload,
  };
}

function createdManually(setId: string, occurredAt: string): EventContent {
  return anEvent('recommendation.created_manually', occurredAt, {
    setId,
    status: 'pending_review',
    modelUnavailable: 'switched_off',
    secondReviewRequired: true,
  });
}

function generated(setId: string, occurredAt: string): EventContent {
  return anEvent('recommendation.generated', occurredAt, {
    setId,
    model: { id: 'ebm-1.0.0', version: '1.0.0', sha256: 'a'.repeat(64) },
    items: [{ itemId: `${setId}-0` }],
  });
}

function completed(setId: string, occurredAt: string, payload: Record<string, unknown>): EventContent {
  return anEvent('second_review.completed', occurredAt, { setId, ...payload }, 'C2');
}

/**
 * A set made by hand (the manual path: the kill switch, an objection, no model to load) is drawn for a
 * second review like any set. The oversight figures read only the sets the model generated, so the
 * second reviews of those sets were counted nowhere: a second reviewer approving the counselors' own
 * sets within seconds of reading showed only event by event. They are counted now, per second
 * reviewer and week of the set's creation, apart from the model's sets (no model version to put them
 * under, and a model's figures are about its suggestions).
 */
describe('the second reviews of sets made by hand in the oversight figures', () => {
  it('counts and times them in their own rows, per second reviewer and week of the set’s creation', async () => {
    const report = await computeOversightReport(
      [
        createdManually('m1', '2026-03-04T09:00:00.000Z'),
        completed('m1', '2026-03-04T10:00:00.000Z', { decision: 'return', secondsSinceOpened: 40 }),
        completed('m1', '2026-03-04T11:00:00.000Z', { decision: 'approve', secondsSinceOpened: 3 }),
        anEvent(
          'recommendation.published',
          '2026-03-04T11:00:00.000Z',
          { setId: 'm1', approvedItemIds: ['x'] },
          'C2',
        ),
        createdManually('m2', '2026-03-05T09:00:00.000Z'),
        completed('m2', '2026-03-05T10:00:00.000Z', { decision: 'approve', secondsSinceOpened: 8 }),
      ],
      { fastDecisionSeconds: 10 },
    );
    expect(report.rows).toEqual([]);
    expect(report.manualSecondReviews).toEqual([
      {
        counselor: 'C2',
        week: '2026-W10',
        secondReviewApprovals: 2,
        secondReviewReturns: 1,
        timedSecondReviews: 3,
        medianSecondReviewSeconds: 8,
        fastSecondReviewShare: 0.6667,
        timedSecondReviewApprovals: 2,
        fastSecondReviewApprovalShare: 1,
        closedSessionOverrides: 0,
      },
    ]);
  });

  it('keeps them out of the model’s rows, which count the model’s sets alone', async () => {
    const report = await computeOversightReport(
      [
        generated('g1', '2026-03-04T09:00:00.000Z'),
        createdManually('m1', '2026-03-04T09:00:00.000Z'),
        completed('g1', '2026-03-04T10:00:00.000Z', { decision: 'approve', secondsSinceOpened: 60 }),
        completed('m1', '2026-03-04T10:00:00.000Z', { decision: 'approve', secondsSinceOpened: 2 }),
      ],
      { fastDecisionSeconds: 10 },
    );
    const reviewer = report.rows.find((row) => row.counselor === 'C2');
    expect(reviewer).toMatchObject({ secondReviewApprovals: 1, fastSecondReviewShare: 0 });
    expect(report.manualSecondReviews).toEqual([
      expect.objectContaining({ counselor: 'C2', secondReviewApprovals: 1, fastSecondReviewShare: 1 }),
    ]);
  });

  it('leaves out the sets made by hand outside the period, and a review after the set ended', async () => {
    const report = await computeOversightReport(
      [
        createdManually('early', '2026-03-01T09:00:00.000Z'),
        createdManually('m1', '2026-03-04T09:00:00.000Z'),
        completed('early', '2026-03-04T10:00:00.000Z', { decision: 'approve', secondsSinceOpened: 5 }),
        anEvent('recommendation.expired', '2026-03-05T09:00:00.000Z', { setId: 'm1' }),
        completed('m1', '2026-03-05T10:00:00.000Z', { decision: 'approve', secondsSinceOpened: 5 }),
      ],
      { from: '2026-03-02T00:00:00.000Z', fastDecisionSeconds: 10 },
    );
    expect(report.manualSecondReviews).toEqual([]);
  });
});
