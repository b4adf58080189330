import { describe, expect, it } from 'vitest';
import type { EventContent } from '../../src/audit/audit-event-store.ts';
import { computeUsageStats } from '../../src/audit/usage-stats.ts';

let seq = 0;
function anEvent(
  type: string,
  occurredAt: string,
  payload: Record<string, unknown>,
  subject = 'S1',
): EventContent {
  seq += 1;
  return { seq, type, occurredAt, actor: { role: 'counselor', pseudonym: 'C1' }, subject, payload };
}

const MONDAY_W10 = '2026-03-02T09:00:00.000Z';
const TUESDAY_W10 = '2026-03-03T09:00:00.000Z';
const MONDAY_W11 = '2026-03-09T09:00:00.000Z';

describe('usage figures', () => {
  it('counts, week by week, the sets suggested and made by hand, refusals by reason, publications and the people they reached, and the suggestions contested, each once', async () => {
    const { weeks } = await computeUsageStats([
      anEvent('recommendation.generated', MONDAY_W10, { setId: 'a' }),
      anEvent('recommendation.generated', TUESDAY_W10, { setId: 'b' }, 'S2'),
      anEvent('recommendation.created_manually', TUESDAY_W10, { setId: 'c' }, 'S3'),
      anEvent('suggestion.refused', TUESDAY_W10, { reason: 'objection' }, 'S3'),
      anEvent('suggestion.refused', TUESDAY_W10, { reason: 'switched_off' }, 'S4'),
      anEvent('suggestion.refused', TUESDAY_W10, { reason: 'switched_off' }, 'S5'),
      anEvent('recommendation.published', TUESDAY_W10, { setId: 'a' }),
      anEvent('recommendation.published', TUESDAY_W10, { setId: 'a2' }),
      anEvent('recommendation.published', TUESDAY_W10, { setId: 'b' }, 'S2'),
      anEvent('objection.recorded', TUESDAY_W10, { channel: 'portal' }, 'S3'),
      anEvent('feedback.given', MONDAY_W11, { itemId: 'i1', response: 'contest' }),
      anEvent('feedback.given', MONDAY_W11, { itemId: 'i1', response: 'contest' }),
      anEvent('feedback.given', MONDAY_W11, { itemId: 'i2', response: 'contest' }),
      anEvent('feedback.given', MONDAY_W11, { itemId: 'i2', response: 'interested' }),
      anEvent('recommendation.retracted', MONDAY_W11, { setId: 'a' }),
      // Nothing the figures count: no week of its own.
      anEvent('item.decided', '2026-03-16T09:00:00.000Z', { setId: 'a', decision: 'approved' }),
      anEvent('suggestion.refused', '2026-03-16T09:00:00.000Z', {}),
    ]);
    expect(weeks).toEqual([
      {
        week: '2026-W10',
        setsSuggested: 2,
        setsMadeByHand: 1,
        suggestionsRefused: { objection: 1, switched_off: 2 },
        setsPublished: 3,
        peopleReached: 2,
        setsRetracted: 0,
        contests: 0,
        objections: 1,
      },
      {
        week: '2026-W11',
        setsSuggested: 0,
        setsMadeByHand: 0,
        suggestionsRefused: {},
        setsPublished: 0,
        peopleReached: 0,
        setsRetracted: 1,
        contests: 2,
        objections: 0,
      },
    ]);
  });

  it('gives the whole period as well, a person reached in two weeks once and a suggestion contested in two weeks once', async () => {
    const { weeks, total } = await computeUsageStats([
      anEvent('recommendation.published', MONDAY_W10, { setId: 'a' }, 'S1'),
      anEvent('feedback.given', TUESDAY_W10, { itemId: 'i1', response: 'contest' }, 'S1'),
      anEvent('suggestion.refused', TUESDAY_W10, { reason: 'objection' }, 'S2'),
      anEvent('recommendation.published', MONDAY_W11, { setId: 'b' }, 'S1'),
      anEvent('recommendation.published', MONDAY_W11, { setId: 'c' }, 'S3'),
      anEvent('feedback.given', MONDAY_W11, { itemId: 'i1', response: 'contest' }, 'S1'),
      anEvent('suggestion.refused', MONDAY_W11, { reason: 'objection' }, 'S2'),
    ]);
    expect(weeks.map((week) => [week.week, week.peopleReached, week.contests])).toEqual([
      ['2026-W10', 1, 1],
      ['2026-W11', 2, 1],
    ]);
    expect(total).toEqual({
      setsSuggested: 0,
      setsMadeByHand: 0,
      suggestionsRefused: { objection: 2 },
      setsPublished: 3,
      peopleReached: 2,
      setsRetracted: 0,
      contests: 1,
      objections: 0,
    });
  });

  it("keeps counting a contest the person followed with another answer: it stands until the counselor's reply", async () => {
    const { weeks, total } = await computeUsageStats([
      anEvent('feedback.given', MONDAY_W10, { itemId: 'i1', response: 'contest' }),
      anEvent('feedback.given', TUESDAY_W10, { itemId: 'i1', response: 'interested' }),
      anEvent('feedback.given', MONDAY_W11, { itemId: 'i1', response: 'enrolled' }),
      anEvent('contest.replied', MONDAY_W11, { setId: 'a', itemId: 'i1', answeredContests: 1 }),
      anEvent('feedback.given', MONDAY_W11, { itemId: 'i2', response: 'interested' }),
    ]);
    expect(weeks.map((week) => [week.week, week.contests])).toEqual([['2026-W10', 1]]);
    expect(total.contests).toBe(1);
  });
});
