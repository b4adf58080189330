import { foldAsRead } from '../shared/fold-text.ts';

/**
 * Free-text screening. Counselors' comments and messages should not carry special-category data
 * (GDPR Art. 9) or other sensitive facts; a hit comes back as a warning so the writer can rephrase,
 * and a text the person reads as written is kept only once its writer confirmed it
 * (`acknowledged-terms.ts`). The lists are deliberately short and literal: a warning that fires too
 * often gets ignored. Each term is written once, folded (no accents, lower case) and in its base
 * form: the matcher finds its feminine and plural forms ({@link listWordForms}).
 */
const SENSITIVE_TERMS = {
  health: [
    'maladie',
    'malade',
    'cancer',
    'diabete',
    'diabetique',
    'depression',
    'depressif',
    'bipolaire',
    'handicap',
    'mdph',
    'rqth',
    // Allocation aux adultes handicapés: a whole word only, as every term.
    'aah',
    'invalidite',
    'hospitalise',
    'hospitalisation',
    'hopital',
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
    'sante mentale',
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
    'malvoyant',
    // Not "aveugle" alone: review "à l'aveugle" (blind-first) and "confiance aveugle" are the
    // product's own vocabulary.
    'non voyant',
    'personne aveugle',
    'deaf',
  ],
  religion: [
    'religion',
    'religieux',
    'musulman',
    'chretien',
    'juif',
    'catholique',
    'islam',
    'ramadan',
    'voile',
    'hijab',
    'mosquee',
    'eglise',
    'synagogue',
    'muslim',
    'christian',
    'jew',
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
    'sans papiers',
    // Not "étranger" alone: "langues étrangères" and "français langue étrangère" (FLE) are courses.
    'personne etrangere',
    'titre de sejour',
    'carte de sejour',
    'ethnic',
    'ethnicity',
    'nationality',
    'immigrant',
    'migrant',
    'refugie',
    'refugee',
  ],
  union: ['syndicat', 'syndique', 'syndical', 'cgt', 'cfdt', 'force ouvriere', 'trade union', 'union member'],
  sexualOrientation: [
    'homosexuel',
    'gay',
    'lesbienne',
    'bisexuel',
    'transgenre',
    'orientation sexuelle',
    'homosexual',
    'lesbian',
    'bisexual',
    'transgender',
    'sexual orientation',
  ],
  politics: ['politique', 'militant', 'parti politique', 'political', 'activist'],
  justice: ['casier judiciaire', 'condamne', 'prison', 'incarcere', 'criminal record', 'convicted', 'jail'],
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

/** A category as a job seeker is told it, in French: `santé`, `origine`… */
export function labelSensitiveTermCategory(category: SensitiveTermCategory): string {
  return CATEGORY_LABELS_FR[category];
}

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

/**
 * A list of terms by category, compiled once: what {@link findTermCategories} looks for. Its
 * categories are the free-text screening's unless another list names its own (the skill codes').
 */
export type TermList<Category extends string = SensitiveTermCategory> = readonly {
  category: Category;
  term: string;
  pattern: RegExp;
}[];

/** Compiles terms written as the screening's own are (folded, base forms) for the one matcher. */
export function compileTermList<Category extends string>(
  terms: Partial<Record<Category, readonly string[]>>,
): TermList<Category> {
  return (Object.entries(terms) as [Category, readonly string[]][]).flatMap(([category, list]) =>
    list.map((term) => ({ category, term, pattern: termPattern(term) })),
  );
}

/**
 * What a listed term may not follow, as a lookbehind on the folded text, where everyday French
 * uses the word for something else: « à l'origine » (at first) and a path's « formation
 * d'origine », « métier d'origine » say nothing of where a person comes from. A warning that fires
 * on such words teaches the writer to confirm without reading.
 */
const NOT_AFTER: Readonly<Record<string, string>> = {
  origine:
    "(?<!(?:^|[^a-z0-9])a l')" +
    "(?<!(?:^|[^a-z0-9])(?:formation|metier|diplome|secteur|poste|emploi|domaine|filiere|entreprise|employeur|version|projet)s?\\s+d')",
};

const FREE_TEXT_TERMS = compileTermList(SENSITIVE_TERMS);

/**
 * Whole words in every form {@link listWordForms} gives, the words of a phrase apart by spaces,
 * hyphens or underscores ("burn-out", "arrêt-maladie", "sante_mentale"), unless after what
 * {@link NOT_AFTER} names for the term.
 */
function termPattern(term: string): RegExp {
  const words = term.split(' ').map((word) => `(?:${listWordForms(word).join('|')})`);
  return new RegExp(`(^|[^a-z0-9])${NOT_AFTER[term] ?? ''}${words.join('[\\s_-]+')}($|[^a-z0-9])`);
}

/**
 * The forms of a listed word a text may hold, as patterns: the word with an e or two and an s
 * (a past participle, the feminine, the plural: handicap, handicapé, handicapées), the French
 * feminines in -ve, -se, -enne, -elle (juive, religieuse, chrétienne, homosexuelle), the plural
 * in -aux (syndicaux, hôpitaux) and the English plurals in -ies and -es (disabilities, illnesses).
 * A word of three letters or fewer is an acronym or a short word (cgt, vih, gay): only its plural
 * in s, so that "hiv" does not find "hive".
 */
function listWordForms(word: string): string[] {
  if (word.length <= 3) return [`${word}s?`];
  const forms = [`${word}e{0,2}s?`];
  const stem = word.slice(0, -1);
  if (word.endsWith('f')) forms.push(`${stem}ves?`);
  if (word.endsWith('x')) forms.push(`${stem}ses?`);
  if (/(en|el)$/.test(word)) forms.push(`${word}${word.slice(-1)}es?`);
  if (word.endsWith('al')) forms.push(`${word.slice(0, -2)}aux`);
  if (/[^aeiou]y$/.test(word)) forms.push(`${stem}ies`);
  if (/(s|x|z|ch|sh)$/.test(word)) forms.push(`${word}es`);
  return forms;
}

/** Checks one free-text field; returns a warning when it seems to mention sensitive information. */
export function screenText<Field extends string>(
  field: Field,
  text: string | null | undefined,
  reader: ScreeningReader = 'staff',
): ScreeningWarning<Field>[] {
  const hits = findHits(text, FREE_TEXT_TERMS);
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
  return findTermCategories(FREE_TEXT_TERMS, text);
}

/** The categories of the terms of `list` that a text holds, as the screening reads texts. */
export function findTermCategories<Category extends string>(
  list: TermList<Category>,
  text: string | null | undefined,
): Category[] {
  return listCategories(findHits(text, list));
}

function findHits<Category extends string>(
  text: string | null | undefined,
  list: TermList<Category>,
): TermList<Category> {
  if (text === null || text === undefined || text.trim() === '') return [];
  // Folded as a reader reads it: "Maladie", "maladié", "ｍａｌａｄｉｅ" (compatibility forms, NFKC) and
  // "mala\u00ADdie" (a soft hyphen, drawn as nothing) all match "maladie". Line breaks and tabs
  // part words as spaces do, before the invisible characters (control characters among them) go.
  const normalised = foldAsRead(text);
  return list.filter(({ pattern }) => pattern.test(normalised));
}

function listCategories<Category extends string>(hits: TermList<Category>): Category[] {
  return [...new Set(hits.map((hit) => hit.category))];
}

function warningMessage(categories: readonly SensitiveTermCategory[], reader: ScreeningReader): string {
  if (reader === 'staff') {
    return `this text seems to mention sensitive information (${categories.join(', ')}); keep to what the training decision needs`;
  }
  const labels = categories.map(labelSensitiveTermCategory);
  return (
    `Ce texte semble parler d’informations sensibles (${labels.join(', ')}). Rien ne vous oblige à les ` +
    'donner : seul votre projet de formation compte pour ces suggestions.'
  );
}
