import { describe, expect, it } from 'vitest';
import type { EventContent } from '../../src/audit/audit-event-store.ts';
import { OversightTally } from '../../src/audit/oversight-stats.ts';

/**
 * `GET /v1/audit/stats/oversight` with no period reads every set of the log. Holding each set's
 * review state until the last event (about 3 KB a set) let one auditor's request over a log of a
 * million and a half sets take the whole heap, and the process with it, for every user.
 */
describe('the oversight figures over a long log', () => {
  const SETS = 20_000;
  /** Each set ends after the next two are generated: three sets under review at a time. */
  const UNDER_REVIEW = 3;
  const ENDINGS = ['published', 'discarded', 'expired'] as const;
  const start = Date.parse('2026-03-02T08:00:00.000Z');

  let seq = 0;
  function anEvent(type: string, at: number, payload: Record<string, unknown>): EventContent {
    seq += 1;
    return {
      seq,
      type,
      occurredAt: new Date(at).toISOString(),
      actor: { role: 'counselor', pseudonym: `C${seq % 20}` },
      subject: `S${seq % 500}`,
      payload,
    };
  }
  const setIdOf = (index: number) => `set-${index}`;
  const itemIdOf = (index: number, k: number) => `set-${index}-item-${k}`;

  /** Set `index` decided (two approvals, a rejection) and ended in one of the three ways. */
  function* reviewOf(index: number): Generator<EventContent> {
    const setId = setIdOf(index);
    const at = start + index * 30_000;
    yield anEvent('recommendation.opened', at + 1_000, { setId });
    for (const k of [0, 1]) {
      yield anEvent('item.decided', at + 2_000 + k * 1_000, {
        setId,
        itemId: itemIdOf(index, k),
        decision: 'approved',
      });
    }
    yield anEvent('item.decided', at + 4_000, {
      setId,
      itemId: itemIdOf(index, 2),
      decision: 'rejected',
      reasonCode: 'too_far',
    });
    const ending = ENDINGS[index % ENDINGS.length];
    if (ending === 'published') {
      yield anEvent('recommendation.published', at + 60_000, {
        setId,
        approvedItemIds: [itemIdOf(index, 0), itemIdOf(index, 1)],
      });
    } else {
      yield anEvent(`recommendation.${ending}`, at + 60_000, { setId, pendingItems: 0 });
    }
  }

  function* log(): Generator<EventContent> {
    for (let index = 0; index < SETS; index += 1) {
      yield anEvent('recommendation.generated', start + index * 30_000, {
        setId: setIdOf(index),
        model: { id: 'ebm-1.1.0', version: '1.1.0' },
        items: [0, 1, 2].map((k) => ({ itemId: itemIdOf(index, k) })),
      });
      if (index >= UNDER_REVIEW - 1) yield* reviewOf(index - (UNDER_REVIEW - 1));
    }
    for (let index = SETS - (UNDER_REVIEW - 1); index < SETS; index += 1) yield* reviewOf(index);
    // Long after: the people read their explanations and answer, an older answer naming the item only.
    const later = start + SETS * 30_000 + 86_400_000;
    for (let index = 0; index < SETS; index += ENDINGS.length) {
      const itemId = itemIdOf(index, 0);
      yield anEvent('explanation.opened', later, { setId: setIdOf(index), itemId, suggestedBy: 'model' });
      yield anEvent('feedback.given', later, { itemId, response: 'interested', hasComment: false });
    }
  }

  it("holds a set's review state only until it is published, discarded or expired, and still counts it", () => {
    const tally = new OversightTally({ fastDecisionSeconds: 10 });
    let mostHeld = 0;
    for (const event of log()) {
      tally.add(event);
      mostHeld = Math.max(mostHeld, tally.openSetCount);
    }
    expect(mostHeld).toBe(UNDER_REVIEW);
    expect(tally.openSetCount).toBe(0);

    const rows = tally.toRows();
    const sum = (pick: (row: (typeof rows)[number]) => number) =>
      rows.reduce((total, row) => total + pick(row), 0);
    const published = Math.ceil(SETS / ENDINGS.length);
    expect({
      sets: sum((row) => row.sets),
      decisions: sum((row) => row.decisions),
      reviewedSets: sum((row) => row.reviewedSets),
      tooFar: sum((row) => row.rejectionReasons.too_far ?? 0),
      publishedItems: sum((row) => row.publishedItems),
      explanationsOpened: sum((row) => row.explanationsOpened),
      interested: sum((row) => row.feedback.interested ?? 0),
    }).toEqual({
      sets: SETS,
      decisions: 3 * SETS,
      reviewedSets: SETS,
      tooFar: SETS,
      publishedItems: 2 * published,
      explanationsOpened: published,
      interested: published,
    });
  });

  it("holds a published set's items only until it is retracted, its readings and answers still counted", () => {
    const tally = new OversightTally({ fastDecisionSeconds: 10 });
    const events = [
      anEvent('recommendation.generated', start, {
        setId: 'kept',
        model: { id: 'ebm-1.1.0', version: '1.1.0' },
        items: [{ itemId: 'kept-0' }],
      }),
      anEvent('recommendation.published', start + 60_000, { setId: 'kept', approvedItemIds: ['kept-0'] }),
      anEvent('recommendation.generated', start, {
        setId: 'retracted',
        model: { id: 'ebm-1.1.0', version: '1.1.0' },
        items: [{ itemId: 'retracted-0' }, { itemId: 'retracted-1' }],
      }),
      anEvent('recommendation.published', start + 60_000, {
        setId: 'retracted',
        approvedItemIds: ['retracted-0', 'retracted-1'],
      }),
      anEvent('explanation.opened', start + 120_000, { setId: 'retracted', itemId: 'retracted-0' }),
      anEvent('explanation.opened', start + 130_000, { setId: 'retracted', itemId: 'retracted-0' }),
      anEvent('feedback.given', start + 140_000, { itemId: 'retracted-0', response: 'interested' }),
      anEvent('feedback.given', start + 150_000, { itemId: 'retracted-0', response: 'contest' }),
    ];
    for (const event of events) tally.add(event);
    expect(tally.publishedItemCount).toBe(3);
    tally.add(anEvent('recommendation.retracted', start + 160_000, { setId: 'retracted' }));
    expect(tally.publishedItemCount).toBe(1);
    const rows = tally.toRows();
    expect(
      rows.map(({ sets, publishedItems, explanationsOpened, feedback }) => ({
        sets,
        publishedItems,
        explanationsOpened,
        feedback,
      })),
    ).toEqual(
      expect.arrayContaining([
        { sets: 1, publishedItems: 1, explanationsOpened: 0, feedback: {} },
        { sets: 1, publishedItems: 2, explanationsOpened: 1, feedback: { contest: 1 } },
      ]),
    );
    expect(rows).toHaveLength(2);
  });
});
