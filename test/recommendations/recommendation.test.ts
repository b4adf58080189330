import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  countPending,
  etagOf,
  findReasonCode,
  isDue,
  isOpen,
  isSampledForSecondReview,
  REASON_CODES,
  SET_STATUSES,
  settlePublicationTime,
} from '../../src/recommendations/recommendation.ts';
import { aRecommendationSet } from '../support/workflow.ts';

const setIds = Array.from(
  { length: 4000 },
  (_, index) => `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
);

describe('recommendation set rules', () => {
  it('keeps only shortlist, review and second review open to change', () => {
    const open = SET_STATUSES.filter((status) => isOpen(aRecommendationSet({ status })));
    expect(open).toEqual(['awaiting_shortlist', 'pending_review', 'awaiting_second_review']);
  });

  it('makes an open set due from the moment its lifetime ends, and a final set never', () => {
    const expiresAt = '2026-10-08T08:00:00.000Z';
    const set = aRecommendationSet({ expiresAt });
    expect(isDue(set, new Date('2026-10-08T07:59:59.999Z'))).toBe(false);
    expect(isDue(set, new Date(expiresAt))).toBe(true);
    for (const status of ['published', 'discarded', 'expired'] as const) {
      expect(isDue(aRecommendationSet({ expiresAt, status }), new Date('2027-01-01T00:00:00Z'))).toBe(false);
    }
  });

  it('publishes at the clock’s time, and never before the set given before it in the portal’s order', () => {
    const given = { id: setIds[2] ?? '', publishedAt: '2026-10-01T09:00:00.000Z' };
    const now = (iso: string) => new Date(iso);
    expect(settlePublicationTime(now('2026-10-01T10:00:00.000Z'), setIds[1] ?? '', undefined)).toBe(
      '2026-10-01T10:00:00.000Z',
    );
    expect(settlePublicationTime(now('2026-10-01T09:00:00.001Z'), setIds[1] ?? '', given)).toBe(
      '2026-10-01T09:00:00.001Z',
    );
    // The same millisecond: a larger id comes after already; a smaller one a millisecond later.
    expect(settlePublicationTime(now(given.publishedAt), setIds[3] ?? '', given)).toBe(given.publishedAt);
    expect(settlePublicationTime(now(given.publishedAt), setIds[1] ?? '', given)).toBe(
      '2026-10-01T09:00:00.001Z',
    );
    // A process whose clock lags behind the one that published the set before.
    expect(settlePublicationTime(now('2026-10-01T08:59:59.950Z'), setIds[3] ?? '', given)).toBe(
      '2026-10-01T09:00:00.001Z',
    );
  });

  it('counts the items still waiting for a decision', () => {
    const set = aRecommendationSet();
    const [item] = set.items;
    if (item === undefined) throw new Error('the builder gives one item');
    const items = [
      item,
      { ...item, id: 'i-2', decision: 'approved' as const },
      { ...item, id: 'i-3', decision: 'rejected' as const },
      { ...item, id: 'i-4' },
    ];
    expect(countPending({ ...set, items })).toBe(2);
    expect(countPending({ ...set, items: [] })).toBe(0);
  });

  it('gives a strong, quoted ETag that changes with the version', () => {
    expect(etagOf({ version: 1 })).toBe('"1"');
    expect(etagOf({ version: 12 })).toBe('"12"');
    expect(etagOf({ version: 12 })).not.toMatch(/^W\//);
  });

  it('finds published reason codes only, and requires a comment for "other" alone', () => {
    expect(findReasonCode('too_far')?.commentRequired).toBe(false);
    expect(findReasonCode('nope')).toBeUndefined();
    expect(REASON_CODES.filter((reason) => reason.commentRequired).map((reason) => reason.code)).toEqual([
      'other',
    ]);
    expect(new Set(REASON_CODES.map((reason) => reason.code)).size).toBe(REASON_CODES.length);
  });

  describe('second-review sampling', () => {
    const drawKey = crypto.randomBytes(32);
    const isSampled = (id: string, rate: number) => isSampledForSecondReview(id, rate, drawKey);

    it('samples no set at rate 0 and every set at rate 1', () => {
      expect(setIds.some((id) => isSampled(id, 0))).toBe(false);
      expect(setIds.every((id) => isSampled(id, 1))).toBe(true);
    });

    it('draws about the share asked for', () => {
      for (const rate of [0.1, 0.5]) {
        const share = setIds.filter((id) => isSampled(id, rate)).length / setIds.length;
        expect(Math.abs(share - rate)).toBeLessThan(0.03);
      }
    });

    it('is reproducible for a set, and a set sampled at a rate stays sampled at a higher one', () => {
      for (const id of setIds.slice(0, 200)) {
        expect(isSampled(id, 0.3)).toBe(isSampled(id, 0.3));
        if (isSampled(id, 0.2)) expect(isSampled(id, 0.6)).toBe(true);
      }
    });

    it('the draw is keyed: nobody without the key can recompute it from the set id', () => {
      // Two keys agree on about half the sets at rate 0.5, as two independent draws would; the
      // public hash of the id that drew sets before agrees no better.
      const otherKey = crypto.randomBytes(32);
      const publicDraw = (id: string) =>
        crypto.createHash('sha256').update(`second-review:${id}`).digest().readUInt32BE(0) / 2 ** 32 < 0.5;
      const agreeing = (draw: (id: string) => boolean) =>
        setIds.filter((id) => draw(id) === isSampled(id, 0.5)).length / setIds.length;
      expect(Math.abs(agreeing((id) => isSampledForSecondReview(id, 0.5, otherKey)) - 0.5)).toBeLessThan(
        0.05,
      );
      expect(Math.abs(agreeing(publicDraw) - 0.5)).toBeLessThan(0.05);
    });
  });
});
