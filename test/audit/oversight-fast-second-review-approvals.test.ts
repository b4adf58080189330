import { describe, expect, it } from 'vitest';
import type { EventContent } from '../../src/audit/audit-event-store.ts';
import { computeOversightReport } from '../../src/audit/oversight-stats.ts';

let seq = 0;
function anEvent(type: string, payload: Record<string, unknown>, counselor = 'C1'): EventContent {
  seq += 1;
  return {
    seq,
    type,
    occurredAt: '2026-03-04T09:00:00.000Z',
    actor: { role: 'counselor', pseudonym: counselor },
    subject: 'S1',
    payload,
  };
}

const generated = (setId: string) =>
  anEvent('recommendation.generated', {
    setId,
    model: { id: 'ebm-1.0.0', version: '1.0.0', sha256: 'a'.repeat(64) },
    items: [{ itemId: `${setId}-0` }],
  });
const madeByHand = (setId: string) => anEvent('recommendation.created_manually', { setId });
const reviewed = (setId: string, decision: 'approve' | 'return', secondsSinceOpened: number) =>
  anEvent('second_review.completed', { setId, decision, secondsSinceOpened }, 'C2');

/**
 * A second reviewer approving within seconds of reading, set after set, is the rubber stamp the
 * second review is there to prevent (the alert `AiguillageFastSecondReviewApprovals` watches the
 * approvals only). `fastSecondReviewShare` pools approvals and returns: three approvals in 2 s and
 * three slow returns gave 0.5, under the alert's threshold, for a reviewer who never approved after
 * a real look. The approvals are measured apart.
 */
describe('the share of fast second-review approvals', () => {
  it("measures the approvals alone, which the reviewer's slow returns do not dilute", async () => {
    const { rows, manualSecondReviews } = await computeOversightReport(
      [
        ...['a', 'b', 'c', 'd', 'e', 'f'].map(generated),
        ...['m', 'n', 'o'].map(madeByHand),
        reviewed('a', 'approve', 2),
        reviewed('b', 'approve', 2),
        reviewed('c', 'approve', 2),
        reviewed('d', 'return', 300),
        reviewed('e', 'return', 300),
        reviewed('f', 'return', 300),
        reviewed('m', 'approve', 1),
        reviewed('n', 'approve', 60),
        reviewed('o', 'return', 2),
      ],
      { fastDecisionSeconds: 10 },
    );
    const reviewer = rows.find((row) => row.counselor === 'C2');
    expect(reviewer).toMatchObject({
      timedSecondReviews: 6,
      fastSecondReviewShare: 0.5,
      timedSecondReviewApprovals: 3,
      fastSecondReviewApprovalShare: 1,
    });
    expect(manualSecondReviews).toEqual([
      expect.objectContaining({
        counselor: 'C2',
        timedSecondReviews: 3,
        fastSecondReviewShare: 0.6667,
        timedSecondReviewApprovals: 2,
        fastSecondReviewApprovalShare: 0.5,
      }),
    ]);
  });

  it('has no share of fast approvals when no approval is timed', async () => {
    const { rows } = await computeOversightReport([generated('r'), reviewed('r', 'return', 2)], {
      fastDecisionSeconds: 10,
    });
    expect(rows.find((row) => row.counselor === 'C2')).toMatchObject({
      fastSecondReviewShare: 1,
      timedSecondReviewApprovals: 0,
      fastSecondReviewApprovalShare: null,
    });
  });
});
