import { foldText } from '../shared/fold-text.ts';

/**
 * Free-text screening. Counselors' comments and messages should not carry special-category data
 * (GDPR Art. 9) or other sensitive facts; a hit is not refused but comes back as a warning so the
 * writer can rephrase. The lists are deliberately short and literal: a warning that fires too
 * often gets ignored.
 */
const SENSITIVE_TERMS = {
  health: [
    'maladie',
    'malade',
    'cancer',
    'diabete',
    'depression',
    'handicap',
    'handicape',
    'handicapee',
    'mdph',
    'rqth',
    'invalidite',
    'hospitalise',
    'hospitalisation',
    'therapie',
    'psychiatre',
    'psychiatrique',
    'enceinte',
    'grossesse',
    'illness',
    'disease',
    'disability',
    'disabled',
    'pregnant',
    'pregnancy',
    'hospital',
    'therapy',
    'depressed',
    'sick leave',
    'arret maladie',
    'addiction',
    'alcoolique',
    'alcoholic',
    'vih',
    'hiv',
    'sida',
    'aids',
    // Phrases rather than "santé" alone: "les métiers de la santé" is everyday training vocabulary.
    'probleme de sante',
    'raison de sante',
    'etat de sante',
    'health problem',
    'health condition',
    'medical condition',
    'fauteuil roulant',
    'wheelchair',
    'burn out',
    'burnout',
    'autisme',
    'autiste',
    'sourd',
    'sourde',
    'malvoyant',
    'malvoyante',
    'deaf',
  ],
  religion: [
    'religion',
    'religieux',
    'religieuse',
    'musulman',
    'musulmane',
    'chretien',
    'chretienne',
    'juif',
    'juive',
    'catholique',
    'islam',
    'ramadan',
    'voile',
    'mosquee',
    'eglise',
    'synagogue',
    'muslim',
    'christian',
    'jewish',
    'catholic',
    'church',
    'mosque',
  ],
  origin: [
    'origine',
    'ethnie',
    'ethnique',
    'race',
    'racial',
    'nationalite',
    'immigre',
    'immigree',
    'sans papiers',
    'etranger',
    'etrangere',
    'ethnic',
    'ethnicity',
    'nationality',
    'immigrant',
    'migrant',
    'refugie',
    'refugee',
  ],
  union: [
    'syndicat',
    'syndique',
    'syndiquee',
    'syndical',
    'syndicale',
    'cgt',
    'cfdt',
    'trade union',
    'union member',
  ],
  sexualOrientation: [
    'homosexuel',
    'homosexuelle',
    'gay',
    'lesbienne',
    'bisexuel',
    'bisexuelle',
    'transgenre',
    'orientation sexuelle',
    'homosexual',
    'lesbian',
    'bisexual',
    'transgender',
    'sexual orientation',
  ],
  politics: ['politique', 'militant', 'militante', 'parti politique', 'political', 'activist'],
  justice: [
    'casier judiciaire',
    'condamne',
    'condamnee',
    'prison',
    'incarcere',
    'criminal record',
    'convicted',
    'jail',
  ],
} satisfies Record<string, readonly string[]>;

/** The categories named to a job seeker, who reads the product in French. */
const CATEGORY_LABELS_FR: Record<keyof typeof SENSITIVE_TERMS, string> = {
  health: 'santé',
  religion: 'religion',
  origin: 'origine',
  union: 'appartenance syndicale',
  sexualOrientation: 'orientation sexuelle',
  politics: 'opinions politiques',
  justice: 'situation judiciaire',
};

/**
 * Who reads the warning: staff get the API's English, a job seeker the French of the texts they
 * are shown (explanations, messages).
 */
export type ScreeningReader = 'staff' | 'job_seeker';

/**
 * The request fields whose text is screened with a warning the writer may go past, counted by field
 * for the deployment's alerts (`aiguillage_sensitive_term_warnings_total`, each field's series served
 * from the start): the counselors' comments, reasons and messages, and the person's own comments.
 * Texts the log keeps readable for good (audit purposes, recall reasons, incidents) are refused or
 * confirmed where they are written, and not counted.
 */
export const WARNED_FIELDS = ['comment', 'reason', 'message'] as const;
export type WarnedField = (typeof WARNED_FIELDS)[number];

export interface ScreeningWarning<Field extends string = string> {
  code: 'sensitive_term';
  /** The request field the text came from. */
  field: Field;
  message: string;
  /** The terms found, as written in the list. */
  terms: string[];
}

/** A kind of sensitive information the screening looks for (`health`, `religion`…), as a code. */
export type SensitiveTermCategory = keyof typeof SENSITIVE_TERMS;

const PATTERNS = (Object.entries(SENSITIVE_TERMS) as [SensitiveTermCategory, readonly string[]][]).flatMap(
  ([category, terms]) =>
    terms.map((term) => ({
      category,
      term,
      pattern: termPattern(term),
    })),
);

/**
 * Whole words, each also in the plural ("maladies", "problèmes de santé"), the words of a phrase
 * apart by spaces or hyphens ("burn-out", "arrêt-maladie").
 */
function termPattern(term: string): RegExp {
  const words = term.split(' ').map((word) => `${word}s?`);
  return new RegExp(`(^|[^a-z0-9])${words.join('[\\s-]+')}($|[^a-z0-9])`);
}

/** Checks one free-text field; returns a warning when it seems to mention sensitive information. */
export function screenText<Field extends string>(
  field: Field,
  text: string | null | undefined,
  reader: ScreeningReader = 'staff',
): ScreeningWarning<Field>[] {
  const hits = findHits(text);
  if (hits.length === 0) return [];
  const categories = listCategories(hits);
  return [
    {
      code: 'sensitive_term',
      field,
      message: warningMessage(categories, reader),
      terms: hits.map((hit) => hit.term),
    },
  ];
}

/**
 * The categories of sensitive information a text seems to mention, as codes: what a counselor who
 * confirms it was warned about. Empty when it seems to mention none.
 */
export function listSensitiveTermCategories(text: string | null | undefined): SensitiveTermCategory[] {
  return listCategories(findHits(text));
}

function findHits(text: string | null | undefined): typeof PATTERNS {
  if (text === null || text === undefined || text.trim() === '') return [];
  // Folded so that "Maladie" and "maladié" match "maladie".
  const normalised = foldText(text);
  return PATTERNS.filter(({ pattern }) => pattern.test(normalised));
}

function listCategories(hits: typeof PATTERNS): SensitiveTermCategory[] {
  return [...new Set(hits.map((hit) => hit.category))];
}

function warningMessage(categories: readonly SensitiveTermCategory[], reader: ScreeningReader): string {
  if (reader === 'staff') {
    return `this text seems to mention sensitive information (${categories.join(', ')}); keep to what the training decision needs`;
  }
  const labels = categories.map((category) => CATEGORY_LABELS_FR[category]);
  return (
    `Ce texte semble parler d’informations sensibles (${labels.join(', ')}). Rien ne vous oblige à les ` +
    'donner : seul votre projet de formation compte pour ces suggestions.'
  );
}
