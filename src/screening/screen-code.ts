import { listSensitiveTermCategories } from './sensitive-terms.ts';

/**
 * Why a job seeker's skill code may not be stored, or undefined when it may. One naming sensitive
 * information (`rqth`, `travailleur-handicape`) would hand the model, the sets' snapshots and the
 * person's explanation a fact of health, religion, origin… about the person (DESIGN.md, principle
 * 4). A course's skills are not screened: they say what it teaches (a nursing course's
 * `sante-mentale`), about no one. The reason names the kinds of information, never the term.
 */
export function screenCode(code: string): string | undefined {
  const categories = listSensitiveTermCategories(code);
  if (categories.length === 0) return undefined;
  return (
    `seems to name sensitive information (${categories.join(', ')}): a skill code says what is ` +
    'taught or known, never a fact about a person'
  );
}
