import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { EventContent } from '../../src/audit/audit-event-store.ts';
import { computeOversightStats } from '../../src/audit/oversight-stats.ts';

let seq = 0;
function anEvent(type: string, payload: Record<string, unknown>): EventContent {
  seq += 1;
  return {
    seq,
    type,
    occurredAt: '2026-03-04T09:00:00.000Z',
    actor: { role: 'counselor', pseudonym: 'C1' },
    subject: 'S1',
    payload,
  };
}

const generated = (setId: string, items: number) =>
  anEvent('recommendation.generated', {
    setId,
    model: { id: 'ebm-1.0.0', version: '1.0.0', sha256: 'a'.repeat(64) },
    items: Array.from({ length: items }, (_, i) => ({ itemId: `${setId}-${i}` })),
  });
/** A decision timed as the review service measured it. */
const decided = (setId: string, itemId: string, decision: 'approved' | 'rejected', seconds: number) =>
  anEvent('item.decided', {
    setId,
    itemId,
    decision,
    ...(decision === 'rejected' ? { reasonCode: 'not_relevant' } : {}),
    secondsSincePreviousAct: seconds,
  });

/**
 * A rubber stamp is a fast approval: a counselor approving every suggestion within seconds and
 * taking minutes over each rejection is not reviewing what they approve. `fastDecisionShare` pools
 * approvals and rejections, so slow rejections hid fast approvals; the approvals are measured apart,
 * as a second review's are.
 */
describe('the share of fast approvals of the first review', () => {
  it("measures the approvals alone, which the counselor's slow rejections do not dilute", async () => {
    const [row] = await computeOversightStats(
      [
        generated('a', 6),
        decided('a', 'a-0', 'approved', 2),
        decided('a', 'a-1', 'approved', 3),
        decided('a', 'a-2', 'approved', 2),
        decided('a', 'a-3', 'rejected', 300),
        decided('a', 'a-4', 'rejected', 240),
        decided('a', 'a-5', 'rejected', 400),
      ],
      { fastDecisionSeconds: 10 },
    );
    expect(row).toMatchObject({
      timedDecisions: 6,
      fastDecisionShare: 0.5,
      timedApprovals: 3,
      fastApprovalShare: 1,
    });
  });

  it('has no share of fast approvals when no approval is timed', async () => {
    const [row] = await computeOversightStats([generated('r', 1), decided('r', 'r-0', 'rejected', 2)], {
      fastDecisionSeconds: 10,
    });
    expect(row).toMatchObject({ fastDecisionShare: 1, timedApprovals: 0, fastApprovalShare: null });
  });

  it('is what the shipped alerts on fast approvals read: the approvals alone, judged against fastDecisionSeconds, not a fixed 10 s bucket', async () => {
    const document = parse(await readFile('docs/alert-rules.yml', 'utf8')) as {
      groups: Array<{ rules: Array<{ alert: string; expr: string }> }>;
    };
    const rules = document.groups.flatMap((group) => group.rules);
    const fastOnes = rules.filter((rule) => /timed_approvals_total|_seconds_bucket/.test(rule.expr));
    expect(fastOnes.map((rule) => rule.alert)).toEqual([
      'AiguillageFastApprovals',
      'AiguillageFastSecondReviewApprovals',
    ]);
    const [first, second] = fastOnes;
    for (const [rule, series] of [
      [first, 'aiguillage_item_decision_timed_approvals_total'],
      [second, 'aiguillage_second_review_timed_approvals_total'],
    ] as const) {
      // A bucket is fixed whatever the setting: 30 s set by the admin, 10 s still read by the alert.
      expect(rule?.expr, rule?.alert).not.toContain('_bucket');
      expect(rule?.expr, rule?.alert).toContain(`${series}{fast="true"}`);
    }
  });
});
