import crypto from 'node:crypto';
import { canonicalJson } from '../decision-log/canonical-json.ts';
import { InvalidInputError } from '../shared/errors.ts';
import { requireShownText } from '../shared/shown-text.ts';

/** The name of a ROME occupation code, as the referential an admin loaded gives it. */
export interface OccupationLabel {
  code: string;
  label: string;
}

/**
 * The referential as it will be kept, ordered by code as it is listed: labels trimmed, and refused
 * (nothing kept) when a label shows fewer than three characters or a code comes twice, since the
 * second would silently win.
 */
export function checkOccupationLabels(labels: readonly OccupationLabel[]): OccupationLabel[] {
  const seen = new Set<string>();
  const checked = labels.map(({ code, label }, index) => {
    if (seen.has(code)) {
      throw new InvalidInputError(`items[${index}].code: ${code} is given twice; give each code once`, {
        field: `items[${index}].code`,
      });
    }
    seen.add(code);
    return { code, label: requireShownText(`items[${index}].label`, label) };
  });
  return sortByCode(checked);
}

/** `labels` ordered by code, as the referential is listed. */
export function sortByCode(labels: OccupationLabel[]): OccupationLabel[] {
  return labels.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

/**
 * What a load changed, as `occupation_labels.loaded` records it: how many labels the referential
 * holds after it, how many codes it added, removed and renamed (a code kept with another label), and
 * the SHA-256 (hex) of the canonical JSON of `after` ordered by code, the `items` that `GET
 * /v1/occupations` answers: an auditor hashes a copy of the list to check it is the one loaded.
 */
export function describeLoad(
  before: readonly OccupationLabel[],
  after: readonly OccupationLabel[],
): { loaded: number; added: number; removed: number; renamed: number; sha256: string } {
  const held = new Map(before.map(({ code, label }) => [code, label]));
  const loaded = new Set(after.map(({ code }) => code));
  const kept = after.filter(({ code }) => held.has(code));
  const items = sortByCode(after.map(({ code, label }) => ({ code, label })));
  return {
    loaded: after.length,
    added: after.length - kept.length,
    removed: before.filter(({ code }) => !loaded.has(code)).length,
    renamed: kept.filter(({ code, label }) => held.get(code) !== label).length,
    sha256: crypto.createHash('sha256').update(canonicalJson(items), 'utf8').digest('hex'),
  };
}

/**
 * An occupation as a person reads it: its label then its code, « Soins d’hygiène, de confort du
 * patient (J1501) », or the code alone when the referential has no label for it.
 */
export function describeOccupation(code: string, labels: ReadonlyMap<string, string>): string {
  const label = labels.get(code);
  return label === undefined ? code : `${label} (${code})`;
}

/**
 * An occupation as staff read it, the code they work with first: « J1501 (Soins d’hygiène, de confort
 * du patient) », or the code alone when the referential has no label for it.
 */
export function describeOccupationByCode(code: string, labels: ReadonlyMap<string, string>): string {
  const label = labels.get(code);
  return label === undefined ? code : `${code} (${label})`;
}

/** An occupation code with its label from the referential, null when it has none. */
export interface LabelledOccupation {
  code: string;
  label: string | null;
}

/** `codes` in their order, each with its label among `labels` (found by `findLabels`), or null. */
export function labelOccupations(
  codes: readonly string[],
  labels: ReadonlyMap<string, string>,
): LabelledOccupation[] {
  return codes.map((code) => ({ code, label: labels.get(code) ?? null }));
}
