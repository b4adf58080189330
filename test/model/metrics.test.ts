import { describe, expect, it } from 'vitest';
import {
  computeAuc,
  computeBrierScore,
  computeCalibration,
  computeLogLoss,
} from '../../src/model/metrics.ts';

describe('computeAuc', () => {
  it('is 1 when every positive outranks every negative', () => {
    expect(computeAuc([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9])).toBe(1);
  });

  it('is 0.5 when all scores tie', () => {
    expect(computeAuc([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5])).toBe(0.5);
  });

  it('counts mis-ordered pairs', () => {
    // Pairs (positive, negative): (0.4, 0.1) ok, (0.4, 0.6) wrong, (0.9, 0.1) ok, (0.9, 0.6) ok.
    expect(computeAuc([0, 1, 0, 1], [0.1, 0.4, 0.6, 0.9])).toBe(0.75);
  });

  it('is NaN with a single class', () => {
    expect(computeAuc([1, 1], [0.2, 0.3])).toBeNaN();
  });
});

describe('computeLogLoss and computeBrierScore', () => {
  it('match hand computations', () => {
    expect(computeLogLoss([1, 0], [0.8, 0.4])).toBeCloseTo(-(Math.log(0.8) + Math.log(0.6)) / 2, 12);
    expect(computeBrierScore([1, 0], [0.8, 0.4])).toBeCloseTo((0.04 + 0.16) / 2, 12);
  });

  it('stays finite for certain but wrong predictions', () => {
    expect(Number.isFinite(computeLogLoss([1], [0]))).toBe(true);
  });
});

describe('computeCalibration', () => {
  it('cuts sorted predictions into ten groups with their observed rates', () => {
    const probabilities = Array.from({ length: 100 }, (_, i) => i / 100);
    const labels = probabilities.map((p) => (p >= 0.5 ? 1 : 0));
    const table = computeCalibration(labels, probabilities);
    expect(table).toHaveLength(10);
    expect(table.map((bin) => bin.count)).toEqual(new Array(10).fill(10));
    expect(table[0]?.meanPredicted).toBeCloseTo(0.045, 10);
    expect(table.map((bin) => bin.observedRate)).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
  });
});
