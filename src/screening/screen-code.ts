import { compileTermList, findTermCategories, type TermList } from './sensitive-terms.ts';

/**
 * What a skill code may not name: a status or condition a person holds, never something one knows
 * (`rqth`, `travailleur-handicape`). Not the free-text list: skills name fields of work, and
 * `accompagnement-handicap`, `sante-mentale`, `langues-etrangeres`, `voile` or
 * `politiques-publiques` are what people know and courses teach.
 */
const PERSON_STATUS_TERMS = compileTermList({
  health: [
    'rqth',
    'boeth',
    'mdph',
    'aah',
    'invalidite',
    'travailleur handicape',
    'personne handicape',
    'adulte handicape',
    'affection longue duree',
    'arret maladie',
    'enceinte',
    'grossesse',
  ],
  origin: ['sans papiers', 'refugie', 'demandeur d asile', 'titre de sejour', 'carte de sejour'],
  union: ['delegue syndical', 'syndique'],
  justice: ['casier judiciaire', 'condamne', 'incarcere', 'detenu', 'sous main de justice'],
  // The model may not see the person's age or family situation either (DESIGN.md, principle 4).
  // Phrases only: `animation-seniors`, `petite-enfance` and `aide-aux-familles` are fields of work.
  age: ['plus de 45 ans', 'plus de 50 ans', 'plus de 55 ans', 'moins de 26 ans', 'over 50'],
  'family situation': [
    'parent isole',
    'mere isolee',
    'mere celibataire',
    'pere celibataire',
    'famille monoparentale',
    'enfant a charge',
    'mere au foyer',
    'conge parental',
    'single parent',
  ],
});

/**
 * Social benefits, by the names a case-management tool writes them in. The tool tells the person it
 * receives nothing of their income or allowances (information notice, section 3) and the model may
 * not see their social situation (DESIGN.md, principle 4). A disability benefit (`aah`) is a health
 * fact, listed above.
 */
const BENEFIT_NAMES = [
  'rsa',
  'ass',
  'are',
  'asf',
  'aspa',
  'asi',
  'rmi',
  'revenu de solidarite active',
  'allocation de solidarite specifique',
  'allocation chomage',
  'minima sociaux',
  'minimum social',
  'prime d activite',
].map((name) => name.replaceAll(' ', '[^a-z0-9]+'));

const HOLDER = '(?:beneficiaire|allocataire)s?';
const BENEFIT = `(?:${BENEFIT_NAMES.join('|')})`;
/** Who pays it, named after who holds it (`allocataire-caf`); alone, `caf` is also a trade term. */
const PAYER = '(?:caf|msa|pole[^a-z0-9]+emploi|france[^a-z0-9]+travail)';

/**
 * A code names the person's benefit when it is the benefit alone (`rsa`) or begins with who holds it
 * (`beneficiaire-rsa`, `allocataire-ass`, `beneficiaire-du-rsa`, `allocataire`). Anywhere else in a
 * code the name is a field of work (`accompagnement-beneficiaires-rsa`, `cryptographie-rsa`), and the
 * acronyms are words of their own only as the whole code (`assistance`, `assurance`).
 */
const BENEFIT_TERMS: TermList<'social benefits'> = [
  { category: 'social benefits', term: 'benefit', pattern: new RegExp(`^${BENEFIT}$`) },
  {
    category: 'social benefits',
    term: 'benefit holder',
    pattern: new RegExp(
      `^${HOLDER}(?:$|[^a-z0-9]+(?:(?:du|de|des|de[^a-z0-9]+l|a|au|aux)[^a-z0-9]+)?(?:${BENEFIT}|${PAYER})$)`,
    ),
  },
];

/**
 * Why a job seeker's skill code may not be stored, or undefined when it may. One naming a status or
 * condition of the person (`rqth`, `travailleur-handicape`) would hand the model, the sets'
 * snapshots and the person's explanation a fact of health, origin… about them (DESIGN.md, principle
 * 4). A course's skills are not screened: they say what it teaches, about no one. The reason names
 * the kinds of information, never the term.
 */
export function screenCode(code: string): string | undefined {
  const categories = findTermCategories<string>([...PERSON_STATUS_TERMS, ...BENEFIT_TERMS], code);
  if (categories.length === 0) return undefined;
  return (
    `seems to name sensitive information (${categories.join(', ')}): a skill code says what is ` +
    'taught or known, never a fact about a person'
  );
}
