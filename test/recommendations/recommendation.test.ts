import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
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
    it('samples no set at rate 0 and every set at rate 1', () => {
      expect(setIds.some((id) => isSampledForSecondReview(id, 0))).toBe(false);
      expect(setIds.every((id) => isSampledForSecondReview(id, 1))).toBe(true);
    });

    it('draws about the share asked for', () => {
      for (const rate of [0.1, 0.5]) {
        const share = setIds.filter((id) => isSampledForSecondReview(id, rate)).length / setIds.length;
        expect(Math.abs(share - rate)).toBeLessThan(0.03);
      }
    });

    it.each(['docs/instructions-for-use.md', 'docs/decisions/0003-review-workflow-rules.md'])(
      'draws as the formula %s gives an auditor, its example included',
      (document) => {
        const text = fs
          .readFileSync(path.resolve(import.meta.dirname, '../..', document), 'utf8')
          .replace(/\s+/g, ' ');
        const formula = text.match(
          /first 4 bytes of SHA-256 of the UTF-8 text `([^`<]*)<setId>`, read as a big-endian unsigned integer and divided by 2\^32, are below `secondReviewRate` \(set `([^`]+)` draws (0\.\d+): drawn at (0\.\d+), not at (0\.\d+);/,
        );
        expect(formula, 'the formula, worded as the test reads it').not.toBeNull();
        const [, prefix = '', example = '', exampleDraw = '', drawnAt = '', notAt = ''] = formula ?? [];
        const drawOf = (setId: string) =>
          crypto.createHash('sha256').update(`${prefix}${setId}`, 'utf8').digest().readUInt32BE(0) / 2 ** 32;
        expect(drawOf(example).toFixed(exampleDraw.length - 2)).toBe(exampleDraw);
        expect(isSampledForSecondReview(example, Number(drawnAt))).toBe(true);
        expect(isSampledForSecondReview(example, Number(notAt))).toBe(false);
        for (const setId of [example, ...setIds.slice(0, 50)]) {
          // Drawn when the draw is below the rate: not at the draw itself, at the next value up.
          const draw = drawOf(setId);
          expect(isSampledForSecondReview(setId, draw), setId).toBe(false);
          expect(isSampledForSecondReview(setId, draw + 2 ** -33), setId).toBe(true);
        }
      },
    );

    it('is reproducible for a set, and a set sampled at a rate stays sampled at a higher one', () => {
      for (const id of setIds.slice(0, 200)) {
        expect(isSampledForSecondReview(id, 0.3)).toBe(isSampledForSecondReview(id, 0.3));
        if (isSampledForSecondReview(id, 0.2)) expect(isSampledForSecondReview(id, 0.6)).toBe(true);
      }
    });
  });
});
