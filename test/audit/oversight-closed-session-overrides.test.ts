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
    items: [{ itemId: `${setId}-0` }, { itemId: `${setId}-1` }],
  });
const approved = (setId: string, itemId: string, closedSession: string | null) =>
  anEvent('item.decided', { setId, itemId, decision: 'approved', closedSession });
const closed = (itemId: string) => ({ itemId, reason: 'session_cancelled' });

/**
 * Approving, handing on or publishing a course whose session is closed is done past a warning
 * (`session_unavailable`), and the log keeps it (`closedSession`, `closedSessions`): an override of
 * what the tool told the counselor, which an auditor of human oversight looks for. No figure counted
 * them: each is now counted in the row of the counselor who made it, as their other acts are.
 */
describe('closed-session overrides in the oversight figures', () => {
  it("counts each approval, hand-over and publication made past a closed-session warning in its maker's row", async () => {
    const { rows } = await computeOversightReport(
      [
        generated('a'),
        approved('a', 'a-0', 'session_cancelled'),
        approved('a', 'a-1', null),
        anEvent('recommendation.published', {
          setId: 'a',
          approvedItemIds: ['a-0', 'a-1'],
          closedSessions: [closed('a-0')],
        }),
        generated('b'),
        approved('b', 'b-0', 'session_started'),
        approved('b', 'b-1', 'session_cancelled'),
        anEvent('second_review.requested', { setId: 'b', closedSessions: [closed('b-0'), closed('b-1')] }),
        anEvent('second_review.completed', { setId: 'b', decision: 'approve', secondsSinceOpened: 30 }, 'C2'),
        anEvent(
          'recommendation.published',
          { setId: 'b', approvedItemIds: ['b-0', 'b-1'], closedSessions: [closed('b-1')] },
          'C2',
        ),
        generated('c'),
        // A rejection, and an approval logged before the field: no warning went past.
        anEvent('item.decided', {
          setId: 'c',
          itemId: 'c-0',
          decision: 'rejected',
          reasonCode: 'too_far',
          closedSession: null,
        }),
        anEvent('item.decided', { setId: 'c', itemId: 'c-1', decision: 'approved' }),
        anEvent('recommendation.published', { setId: 'c', approvedItemIds: ['c-1'] }),
      ],
      { fastDecisionSeconds: 10 },
    );
    expect(
      rows.map(({ counselor, closedSessionOverrides }) => ({ counselor, closedSessionOverrides })),
    ).toEqual([
      { counselor: 'C1', closedSessionOverrides: 1 + 1 + 2 + 2 },
      { counselor: 'C2', closedSessionOverrides: 1 },
    ]);
  });

  it("counts a second reviewer's publication of a set made by hand past the warning in their manual row", async () => {
    const { manualSecondReviews } = await computeOversightReport(
      [
        anEvent('recommendation.created_manually', { setId: 'm' }),
        anEvent('second_review.requested', { setId: 'm', closedSessions: [closed('m-0')] }),
        anEvent('second_review.completed', { setId: 'm', decision: 'approve', secondsSinceOpened: 30 }, 'C2'),
        anEvent(
          'recommendation.published',
          { setId: 'm', approvedItemIds: ['m-0'], closedSessions: [closed('m-0')] },
          'C2',
        ),
      ],
      { fastDecisionSeconds: 10 },
    );
    expect(manualSecondReviews).toEqual([
      expect.objectContaining({ counselor: 'C2', closedSessionOverrides: 1 }),
    ]);
  });
});
