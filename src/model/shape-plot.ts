import type { AdditiveTerm } from './additive-model.ts';
import { formatNumber, labelBin } from './bin-labels.ts';
import { findBin } from './binning.ts';
import type { FeatureKind } from './features.ts';

export interface ShapePlotOptions {
  kind: FeatureKind;
  title: string;
}

const WIDTH = 720;
const HEIGHT = 360;
const LEFT = 64;
const RIGHT = 16;
const TOP = 44;
const CHART_HEIGHT = 200;
const DENSITY_HEIGHT = 36;
const POSITIVE = '#2f7d4f';
const NEGATIVE = '#b3413a';

/**
 * Draws one shape function as an SVG bar chart: one bar per bin (its contribution to the logit,
 * relative to the baseline's bin, which is outlined), with the training distribution as grey bars
 * underneath. Plain SVG written by hand so the card has no plotting dependency and stays byte-stable.
 */
export function renderShapeSvg(term: AdditiveTerm, options: ShapePlotOptions): string {
  const values = Array.from(term.contributions);
  const binCount = values.length;
  const top = Math.max(0.1, ...values);
  const bottom = Math.min(-0.1, ...values);
  const y = (value: number) => TOP + ((top - value) / (top - bottom)) * CHART_HEIGHT;
  const slot = (WIDTH - LEFT - RIGHT) / binCount;
  const barWidth = Math.max(1, slot * 0.8);
  const densityTop = TOP + CHART_HEIGHT + 56;
  const maxShare = Math.max(...term.trainingShares, 1e-9);
  const baselineBin = findBin(term.edges, term.baseline);
  const labelEvery = Math.ceil(binCount / 12);

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="11">`,
    `<title>${escapeXml(options.title)}</title>`,
    `<desc>Contribution to the logit of each bin of ${escapeXml(term.feature)}, relative to the baseline ${formatNumber(term.baseline)}; grey bars: share of training rows.</desc>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${LEFT}" y="20" font-size="14" font-weight="bold">${escapeXml(options.title)}</text>`,
    `<text x="${LEFT}" y="36" fill="#555555">Contribution to the logit vs. baseline ${formatNumber(term.baseline)} (outlined bar)</text>`,
  ];
  for (const tick of [top, 0, bottom]) {
    parts.push(
      `<line x1="${LEFT - 4}" x2="${WIDTH - RIGHT}" y1="${fix(y(tick))}" y2="${fix(y(tick))}" stroke="${tick === 0 ? '#333333' : '#dddddd'}"/>`,
      `<text x="${LEFT - 8}" y="${fix(y(tick) + 4)}" text-anchor="end">${formatNumber(tick)}</text>`,
    );
  }
  values.forEach((value, bin) => {
    const x = LEFT + bin * slot + (slot - barWidth) / 2;
    const y0 = y(Math.max(value, 0));
    const height = Math.max(Math.abs(y(value) - y(0)), bin === baselineBin ? 1 : 0);
    const outline = bin === baselineBin ? ' stroke="#000000" stroke-dasharray="3 2"' : '';
    parts.push(
      `<rect x="${fix(x)}" y="${fix(y0)}" width="${fix(barWidth)}" height="${fix(height)}" fill="${value >= 0 ? POSITIVE : NEGATIVE}"${outline}><title>${escapeXml(labelBin(term.edges, bin, options.kind))}: ${formatNumber(value)}</title></rect>`,
    );
    const share = term.trainingShares[bin] ?? 0;
    const densityHeight = (share / maxShare) * DENSITY_HEIGHT;
    parts.push(
      `<rect x="${fix(x)}" y="${fix(densityTop + DENSITY_HEIGHT - densityHeight)}" width="${fix(barWidth)}" height="${fix(densityHeight)}" fill="#bbbbbb"/>`,
    );
    if (bin % labelEvery === 0 || bin === binCount - 1) {
      const cx = fix(x + barWidth / 2);
      const ly = TOP + CHART_HEIGHT + 14;
      parts.push(
        `<text x="${cx}" y="${ly}" text-anchor="end" transform="rotate(-35 ${cx} ${ly})">${escapeXml(labelBin(term.edges, bin, options.kind))}</text>`,
      );
    }
  });
  parts.push(
    `<text x="${LEFT - 8}" y="${densityTop + DENSITY_HEIGHT}" text-anchor="end" fill="#555555">rows</text>`,
    '</svg>',
  );
  return `${parts.join('\n')}\n`;
}

function fix(value: number): string {
  return value.toFixed(1);
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
