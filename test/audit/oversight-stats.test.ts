import { describe, expect, it } from 'vitest';
import type { EventContent } from '../../src/audit/audit-event-store.ts';
import { formatIsoWeek, startOfIsoWeek } from '../../src/audit/event-fields.ts';
import { computeOversightStats } from '../../src/audit/oversight-stats.ts';

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

function generated(
  setId: string,
  occurredAt: string,
  options: { version?: string; items?: number; counselor?: string } = {},
) {
  const version = options.version ?? '1.0.0';
  return anEvent(
    'recommendation.generated',
    occurredAt,
    {
      setId,
      model: { id: `ebm-${version}`, version, sha256: 'a'.repeat(64) },
      items: Array.from({ length: options.items ?? 2 }, (_, i) => ({ itemId: `${setId}-${i}` })),
    },
    options.counselor,
  );
}

/** A decision at `occurredAt`: the figures time it from the events' own times. */
function decided(setId: string, itemId: string, decision: string, occurredAt = '2026-03-04T10:00:00.000Z') {
  return anEvent('item.decided', occurredAt, { setId, itemId, decision });
}

describe('oversight figures', () => {
  it('counts the last decision of an item a counselor changed, and times every decision', async () => {
    const [row] = await computeOversightStats(
      [
        generated('s1', '2026-03-04T09:00:00.000Z'),
        anEvent('recommendation.opened', '2026-03-04T09:01:00.000Z', { setId: 's1' }),
        decided('s1', 's1-0', 'approved', '2026-03-04T09:01:05.000Z'),
        decided('s1', 's1-0', 'rejected', '2026-03-04T09:02:05.000Z'),
        decided('s1', 's1-1', 'approved', '2026-03-04T09:02:06.000Z'),
      ],
      { fastDecisionSeconds: 10 },
    );
    expect(row).toMatchObject({
      sets: 1,
      items: 2,
      decisions: 2,
      approvalRate: 0.5,
      rejectionRate: 0.5,
      timedDecisions: 3,
      medianDecisionSeconds: 5,
      fastDecisionShare: 0.6667,
      openedBeforeFirstDecisionShare: 1,
    });
  });

  it('counts rejections forced by the catalog apart, outside the rates, the decisions and the decision times', async () => {
    const catalogRejection = (itemId: string, occurredAt: string) =>
      anEvent('item.decided', occurredAt, {
        setId: 's',
        itemId,
        decision: 'rejected',
        reasonCode: 'course_unavailable',
      });
    const [row] = await computeOversightStats(
      [
        generated('s', '2026-03-04T09:00:00.000Z', { items: 4 }),
        anEvent('recommendation.opened', '2026-03-04T09:01:00.000Z', { setId: 's' }),
        catalogRejection('s-0', '2026-03-04T09:01:01.000Z'),
        catalogRejection('s-1', '2026-03-04T09:01:02.000Z'),
        anEvent('item.decided', '2026-03-04T09:01:32.000Z', {
          setId: 's',
          itemId: 's-2',
          decision: 'rejected',
          reasonCode: 'too_far',
        }),
        decided('s', 's-3', 'approved', '2026-03-04T09:02:12.000Z'),
      ],
      { fastDecisionSeconds: 10 },
    );
    expect(row).toMatchObject({
      decisions: 2,
      approvalRate: 0.5,
      rejectionRate: 0.5,
      catalogRejections: 2,
      timedDecisions: 2,
      medianDecisionSeconds: 35,
      fastDecisionShare: 0,
      reviewedSets: 1,
    });
  });

  it("leaves the counselor's decisions on their own additions out of the decisions on the model, timing from them still", async () => {
    const [row] = await computeOversightStats(
      [
        generated('s', '2026-03-04T09:00:00.000Z', { items: 1 }),
        anEvent('recommendation.opened', '2026-03-04T09:01:00.000Z', { setId: 's' }),
        anEvent('item.added', '2026-03-04T09:01:30.000Z', { setId: 's', itemId: 'own' }),
        anEvent('item.decided', '2026-03-04T09:01:31.000Z', {
          setId: 's',
          itemId: 'own',
          source: 'counselor',
          decision: 'rejected',
          reasonCode: 'not_matching_project',
        }),
        anEvent('item.decided', '2026-03-04T09:01:51.000Z', {
          setId: 's',
          itemId: 's-0',
          source: 'model',
          decision: 'approved',
        }),
      ],
      { fastDecisionSeconds: 10 },
    );
    expect(row).toMatchObject({
      items: 1,
      additions: 1,
      decisions: 1,
      approvalRate: 1,
      rejectionRate: 0,
      timedDecisions: 1,
      medianDecisionSeconds: 20,
      fastDecisionShare: 0,
    });
  });

  it('times a decision by the seconds the review measured and logged with it, and leaves one of unknown time untimed', async () => {
    // The clock was set back after the opening: the log's times hold still at the opening's (record
    // 0004); the review measured nothing for the first decision and 20 s for the second.
    const modelDecision = (itemId: string, secondsSincePreviousAct: number | null) =>
      anEvent('item.decided', '2026-03-04T09:01:00.000Z', {
        setId: 's',
        itemId,
        source: 'model',
        decision: 'approved',
        secondsSincePreviousAct,
      });
    const [row] = await computeOversightStats(
      [
        generated('s', '2026-03-04T09:00:00.000Z'),
        anEvent('recommendation.opened', '2026-03-04T09:01:00.000Z', { setId: 's' }),
        modelDecision('s-0', null),
        modelDecision('s-1', 20),
      ],
      { fastDecisionSeconds: 10 },
    );
    expect(row).toMatchObject({
      decisions: 2,
      approvalRate: 1,
      timedDecisions: 1,
      medianDecisionSeconds: 20,
      fastDecisionShare: 0,
    });
  });

  it('leaves untimed a decision logged earlier than the act before it, by a clock set back before log time held still', async () => {
    const [row] = await computeOversightStats(
      [
        generated('s', '2026-03-04T09:00:00.000Z', { items: 1 }),
        anEvent('recommendation.opened', '2026-03-04T09:01:00.000Z', { setId: 's' }),
        decided('s', 's-0', 'approved', '2026-03-04T09:00:40.000Z'),
      ],
      { fastDecisionSeconds: 10 },
    );
    expect(row).toMatchObject({
      decisions: 1,
      timedDecisions: 0,
      medianDecisionSeconds: null,
      fastDecisionShare: null,
    });
  });

  it('leaves out sets made by hand: the figures measure how counselors review the model', async () => {
    const rows = await computeOversightStats(
      [
        anEvent('recommendation.created_manually', '2026-03-04T09:00:00.000Z', { setId: 'hand' }),
        anEvent('item.added', '2026-03-04T09:00:01.000Z', { setId: 'hand', itemId: 'hand-0' }),
        anEvent('recommendation.published', '2026-03-04T09:00:02.000Z', {
          setId: 'hand',
          approvedItemIds: ['hand-0'],
        }),
        generated('model', '2026-03-04T09:00:00.000Z'),
        decided('model', 'model-0', 'approved'),
      ],
      { fastDecisionSeconds: 10 },
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ sets: 1, additions: 0, publishedItems: 0, decisions: 1 });
  });

  it('leaves out sets generated outside the period, and events about unknown sets', async () => {
    const rows = await computeOversightStats(
      [
        generated('early', '2026-02-27T23:59:59.999Z'),
        generated('in', '2026-03-02T00:00:00.000Z'),
        generated('late', '2026-03-09T00:00:00.000Z'),
        decided('early', 'early-0', 'approved'),
        decided('in', 'in-0', 'approved'),
        decided('nowhere', 'x', 'rejected'),
      ],
      { from: '2026-03-01T00:00:00.000Z', to: '2026-03-09T00:00:00.000Z', fastDecisionSeconds: 10 },
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ week: '2026-W10', sets: 1, decisions: 1 });
  });

  it('keeps counselors, model versions and weeks apart', async () => {
    const rows = await computeOversightStats(
      [
        generated('a', '2026-03-02T09:00:00.000Z', { counselor: 'C1' }),
        generated('b', '2026-03-02T09:00:00.000Z', { counselor: 'C2' }),
        generated('c', '2026-03-02T09:00:00.000Z', { counselor: 'C1', version: '2.0.0' }),
        generated('d', '2026-03-09T09:00:00.000Z', { counselor: 'C1' }),
      ],
      { fastDecisionSeconds: 10 },
    );
    expect(rows.map((row) => [row.week, row.counselor, row.modelVersion])).toEqual([
      ['2026-W10', 'C1', '1.0.0'],
      ['2026-W10', 'C1', '2.0.0'],
      ['2026-W10', 'C2', '1.0.0'],
      ['2026-W11', 'C1', '1.0.0'],
    ]);
  });

  it('times a decision made straight from the creation answer from the generation, and reads it as not opened first', async () => {
    const [row] = await computeOversightStats(
      [
        generated('s', '2026-03-04T09:00:00.000Z'),
        decided('s', 's-0', 'approved', '2026-03-04T09:00:04.000Z'),
        anEvent('recommendation.opened', '2026-03-04T09:05:00.000Z', { setId: 's' }),
        decided('s', 's-1', 'approved', '2026-03-04T09:05:40.000Z'),
        anEvent('item.added', '2026-03-04T09:06:10.000Z', { setId: 's', itemId: 'added' }),
      ],
      { fastDecisionSeconds: 10 },
    );
    expect(row).toMatchObject({
      decisions: 2,
      timedDecisions: 2,
      medianDecisionSeconds: 22,
      fastDecisionShare: 0.5,
      additions: 1,
      additionRate: 0.3333,
      openedBeforeFirstDecisionShare: 0,
    });
  });

  it("times a blind-first set's first decision from the shortlist, when the model's items appear", async () => {
    const [row] = await computeOversightStats(
      [
        generated('s', '2026-03-04T09:00:00.000Z'),
        anEvent('recommendation.opened', '2026-03-04T09:01:00.000Z', { setId: 's' }),
        anEvent('shortlist.submitted', '2026-03-04T09:10:00.000Z', {
          setId: 's',
          shortlistSize: 2,
          overlap: 1,
        }),
        decided('s', 's-0', 'approved', '2026-03-04T09:10:03.000Z'),
      ],
      { fastDecisionSeconds: 10 },
    );
    expect(row).toMatchObject({ timedDecisions: 1, medianDecisionSeconds: 3, fastDecisionShare: 1 });
  });

  it('averages the blind-first overlap over the shortlists', async () => {
    const [row] = await computeOversightStats(
      [
        generated('a', '2026-03-04T09:00:00.000Z'),
        generated('b', '2026-03-04T09:00:00.000Z'),
        anEvent('shortlist.submitted', '2026-03-04T09:01:00.000Z', {
          setId: 'a',
          shortlistSize: 4,
          overlap: 1,
        }),
        anEvent('shortlist.submitted', '2026-03-04T09:01:00.000Z', {
          setId: 'b',
          shortlistSize: 2,
          overlap: 2,
        }),
      ],
      { fastDecisionSeconds: 10 },
    );
    expect(row).toMatchObject({ blindFirstSets: 2, blindFirstOverlap: 0.625, approvalRate: null });
  });

  it('counts the empty shortlists apart, outside the overlap', async () => {
    const [row] = await computeOversightStats(
      [
        generated('a', '2026-03-04T09:00:00.000Z'),
        generated('b', '2026-03-04T09:00:00.000Z'),
        anEvent('shortlist.submitted', '2026-03-04T09:01:00.000Z', {
          setId: 'a',
          shortlistSize: 0,
          overlap: 0,
        }),
        anEvent('shortlist.submitted', '2026-03-04T09:01:00.000Z', {
          setId: 'b',
          shortlistSize: 2,
          overlap: 1,
        }),
      ],
      { fastDecisionSeconds: 10 },
    );
    expect(row).toMatchObject({ blindFirstSets: 2, emptyShortlists: 1, blindFirstOverlap: 0.5 });
  });

  it("counts the shortlists made after the model's suggestions were seen apart, outside the overlap", async () => {
    const [row] = await computeOversightStats(
      [
        generated('a', '2026-03-04T09:00:00.000Z'),
        generated('b', '2026-03-04T09:00:00.000Z'),
        anEvent('shortlist.submitted', '2026-03-04T09:01:00.000Z', {
          setId: 'a',
          shortlistSize: 2,
          overlap: 0,
          modelSeenBefore: false,
        }),
        anEvent('shortlist.submitted', '2026-03-04T09:02:00.000Z', {
          setId: 'b',
          shortlistSize: 2,
          overlap: 2,
          modelSeenBefore: true,
        }),
      ],
      { fastDecisionSeconds: 10 },
    );
    expect(row).toMatchObject({ blindFirstSets: 2, shortlistsAfterModelSeen: 1, blindFirstOverlap: 0 });
  });

  it('counts the published items whose explanation the job seeker read, each once', async () => {
    const read = (setId: string, itemId: string) =>
      anEvent('explanation.opened', '2026-03-05T08:00:00.000Z', { setId, itemId, suggestedBy: 'model' });
    const [row] = await computeOversightStats(
      [
        generated('a', '2026-03-04T09:00:00.000Z', { items: 3 }),
        generated('b', '2026-03-04T09:00:00.000Z'),
        anEvent('recommendation.published', '2026-03-04T10:00:00.000Z', {
          setId: 'a',
          approvedItemIds: ['a-0', 'a-2', 'a-added'],
        }),
        read('a', 'a-0'),
        read('a', 'a-0'),
        read('a', 'a-added'),
        // Not published: set b never was, a-1 was rejected.
        read('b', 'b-0'),
        read('a', 'a-1'),
      ],
      { fastDecisionSeconds: 10 },
    );
    expect(row).toMatchObject({ publishedItems: 3, explanationsOpened: 2, explanationOpenedShare: 0.6667 });
  });

  it("counts the model's items rejected per reason code, each item's last decision, catalog rejections left out", async () => {
    const rejected = (itemId: string, reasonCode: string, occurredAt: string) =>
      anEvent('item.decided', occurredAt, { setId: 's', itemId, decision: 'rejected', reasonCode });
    const [row] = await computeOversightStats(
      [
        generated('s', '2026-03-04T09:00:00.000Z', { items: 5 }),
        rejected('s-0', 'model_output_inappropriate', '2026-03-04T09:01:00.000Z'),
        rejected('s-1', 'model_output_inappropriate', '2026-03-04T09:02:00.000Z'),
        rejected('s-2', 'too_far', '2026-03-04T09:03:00.000Z'),
        // Changed to an approval, then another reason: only the last decision counts.
        rejected('s-3', 'too_far', '2026-03-04T09:04:00.000Z'),
        decided('s', 's-3', 'approved', '2026-03-04T09:05:00.000Z'),
        rejected('s-2', 'already_trained', '2026-03-04T09:06:00.000Z'),
        rejected('s-4', 'course_unavailable', '2026-03-04T09:07:00.000Z'),
      ],
      { fastDecisionSeconds: 10 },
    );
    expect(row?.rejectionReasons).toEqual({ already_trained: 1, model_output_inappropriate: 2 });
    expect(row?.catalogRejections).toBe(1);
  });

  it("counts the job seekers' last answers on the published items, contests included", async () => {
    const answered = (itemId: string, response: string, occurredAt: string) =>
      anEvent('feedback.given', occurredAt, { itemId, response, hasComment: false });
    const [row] = await computeOversightStats(
      [
        generated('a', '2026-03-04T09:00:00.000Z', { items: 3 }),
        anEvent('recommendation.published', '2026-03-04T10:00:00.000Z', {
          setId: 'a',
          approvedItemIds: ['a-0', 'a-1', 'a-added'],
        }),
        answered('a-0', 'interested', '2026-03-05T08:00:00.000Z'),
        answered('a-0', 'contest', '2026-03-06T08:00:00.000Z'),
        answered('a-1', 'contest', '2026-03-05T08:00:00.000Z'),
        answered('a-added', 'enrolled', '2026-03-05T08:00:00.000Z'),
        // Not a published item of a set in the figures.
        answered('a-2', 'contest', '2026-03-05T08:00:00.000Z'),
        answered('elsewhere', 'contest', '2026-03-05T08:00:00.000Z'),
      ],
      { fastDecisionSeconds: 10 },
    );
    expect(row?.feedback).toEqual({ contest: 2, enrolled: 1 });
  });

  it('has no share of explanations read while nothing is published', async () => {
    const [row] = await computeOversightStats([generated('a', '2026-03-04T09:00:00.000Z')], {
      fastDecisionSeconds: 10,
    });
    expect(row).toMatchObject({ publishedItems: 0, explanationsOpened: 0, explanationOpenedShare: null });
  });

  it('counts in the second reviewer’s row, untimed, a second review logged without its time, and one of a set outside the period not at all', async () => {
    const completed = (setId: string, payload: Record<string, unknown>) =>
      anEvent('second_review.completed', '2026-03-04T11:00:00.000Z', { setId, ...payload }, 'C2');
    const rows = await computeOversightStats(
      [
        generated('early', '2026-03-01T09:00:00.000Z'),
        generated('s1', '2026-03-04T09:00:00.000Z'),
        completed('early', { decision: 'approve', secondsSinceOpened: 1 }),
        completed('s1', { decision: 'return' }),
        completed('s1', { decision: 'return', secondsSinceOpened: null }),
        completed('s1', { decision: 'approve', secondsSinceOpened: 12 }),
      ],
      { from: '2026-03-02T00:00:00.000Z', fastDecisionSeconds: 10 },
    );
    expect(rows.map((row) => row.counselor)).toEqual(['C1', 'C2']);
    expect(rows[1]).toMatchObject({
      sets: 0,
      secondReviewApprovals: 1,
      secondReviewReturns: 2,
      timedSecondReviews: 1,
      medianSecondReviewSeconds: 12,
      fastSecondReviewShare: 0,
    });
  });
});

describe('ISO weeks', () => {
  it.each([
    ['2026-01-01T12:00:00.000Z', '2026-W01'],
    ['2025-12-29T00:00:00.000Z', '2026-W01'],
    ['2027-01-01T00:00:00.000Z', '2026-W53'],
    ['2027-01-04T00:00:00.000Z', '2027-W01'],
    ['2024-12-30T00:00:00.000Z', '2025-W01'],
    ['2026-10-01T08:00:00.000Z', '2026-W40'],
    ['2026-03-08T23:59:59.999Z', '2026-W10'],
  ])('puts %s in %s', (instant, week) => {
    expect(formatIsoWeek(instant)).toBe(week);
  });

  it.each([
    ['2026-W01', '2025-12-29T00:00:00.000Z'],
    ['2026-W53', '2026-12-28T00:00:00.000Z'],
    ['2025-W01', '2024-12-30T00:00:00.000Z'],
    ['2026-W41', '2026-10-05T00:00:00.000Z'],
  ])('starts %s on %s', (week, monday) => {
    expect(new Date(startOfIsoWeek(week)).toISOString()).toBe(monday);
    expect(formatIsoWeek(monday)).toBe(week);
  });

  it.each([
    ['0050-07-15T12:00:00.000Z', '0050-W28', '0050-07-11T00:00:00.000Z'],
    ['0001-01-01T00:00:00.000Z', '0001-W01', '0001-01-01T00:00:00.000Z'],
    ['0099-12-31T23:59:59.999Z', '0099-W53', '0099-12-28T00:00:00.000Z'],
  ])('keeps the years 0 to 99 as written: %s is in %s, starting on %s', (instant, week, monday) => {
    expect(formatIsoWeek(instant)).toBe(week);
    expect(new Date(startOfIsoWeek(week)).toISOString()).toBe(monday);
    expect(formatIsoWeek(monday)).toBe(week);
  });
});
