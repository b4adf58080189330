import { InvalidInputError } from '../shared/errors.ts';
import { requireShownText } from '../shared/shown-text.ts';

/** The name of a ROME occupation code, as the referential an admin loaded gives it. */
export interface OccupationLabel {
  code: string;
  label: string;
}

/**
 * The referential as it will be kept: labels trimmed, and refused (nothing kept) when a label shows
 * fewer than three characters or a code comes twice, since the second would silently win.
 */
export function checkOccupationLabels(labels: readonly OccupationLabel[]): OccupationLabel[] {
  const seen = new Set<string>();
  return labels.map(({ code, label }, index) => {
    if (seen.has(code)) {
      throw new InvalidInputError(`items[${index}].code: ${code} is given twice; give each code once`, {
        field: `items[${index}].code`,
      });
    }
    seen.add(code);
    return { code, label: requireShownText(`items[${index}].label`, label) };
  });
}

/**
 * An occupation as a person reads it: its label then its code, « Soins d’hygiène, de confort du
 * patient (J1501) », or the code alone when the referential has no label for it.
 */
export function describeOccupation(code: string, labels: ReadonlyMap<string, string>): string {
  const label = labels.get(code);
  return label === undefined ? code : `${label} (${code})`;
}
