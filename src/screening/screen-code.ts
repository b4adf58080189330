import { listSensitiveTermCategories } from './sensitive-terms.ts';

/**
 * Why a code the model reads (a skill, of a job seeker or of a course) may not be stored, or
 * undefined when it may. One naming sensitive information (`rqth`, `travailleur-handicape`) would
 * hand the model, the sets' snapshots and the person's explanation a fact of health, religion,
 * origin… (DESIGN.md, principle 4). The reason names the kinds of information, never the term.
 */
export function screenCode(code: string): string | undefined {
  const categories = listSensitiveTermCategories(code);
  if (categories.length === 0) return undefined;
  return (
    `seems to name sensitive information (${categories.join(', ')}): a skill code says what is ` +
    'taught or known, never a fact about a person'
  );
}
