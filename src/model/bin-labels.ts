import { BELOW_ZERO_EDGE } from './binning.ts';
import type { FeatureKind } from './features.ts';

/** Returns a short, readable number: no exponent, at most two decimals, fewer for large values. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) {
    return String(value);
  }
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  const text = value.toFixed(digits);
  const trimmed = text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
  return trimmed === '-0' ? '0' : trimmed;
}

/**
 * Returns the label of bin `bin` given its feature's edges: "0"/"1" for binary features, the value
 * itself for an ordinal bin one step wide, else "≤ upper edge" (and "> last edge" for the last bin);
 * the bin closed by the edge just below zero reads "< 0".
 */
export function labelBin(edges: ArrayLike<number>, bin: number, kind: FeatureKind): string {
  const upper = edges[bin];
  const lower = edges[bin - 1];
  if (kind === 'binary' && edges.length === 1 && edges[0] === 0) {
    return bin === 0 ? '0' : '1';
  }
  // The edge just below zero reads as the sign it stands for.
  if (upper === BELOW_ZERO_EDGE) {
    return '< 0';
  }
  if (upper === undefined) {
    return lower === BELOW_ZERO_EDGE ? '≥ 0' : `> ${formatNumber(lower ?? 0)}`;
  }
  if (kind !== 'continuous' && lower !== undefined && Number.isInteger(upper) && upper - lower === 1) {
    return formatNumber(upper);
  }
  return `≤ ${formatNumber(upper)}`;
}
