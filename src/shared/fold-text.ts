import { removeInvisibleCharacters } from './invisible-characters.ts';

/** Letters that Unicode does not decompose into a base letter and a mark, spelled as French writes them out. */
const LIGATURES: Readonly<Record<string, string>> = { œ: 'oe', æ: 'ae', ß: 'ss' };

/** The apostrophes a keyboard, a word processor or a copied page may give: ’ ‘ ʼ ′ and the plain one. */
const APOSTROPHES = /[’‘ʼ′']/g;

/**
 * Text as searches and screening compare it: lower case, without accents or other marks,
 * ligatures written out, every apostrophe the plain one. "Électricien", "ELECTRICIEN" and
 * "electricien" all fold to "electricien"; "d’État" and "d'etat" both to "d'etat".
 */
export function foldText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[œæß]/g, (letter) => LIGATURES[letter] ?? letter)
    .replace(APOSTROPHES, "'");
}

/**
 * Text folded as a reader reads it: compatibility forms written plainly (NFKC: the ligature "ﬁ" a PDF
 * gives is "fi", full-width "ＣＡＣＥＳ" is "CACES"), line breaks and tabs as spaces, the characters
 * drawn as nothing (a soft hyphen a word processor leaves in "soi\u00ADgnant") gone, then
 * {@link foldText}. What the screening and the catalog search compare.
 */
export function foldAsRead(text: string): string {
  return foldText(removeInvisibleCharacters(text.normalize('NFKC').replace(/\s/gu, ' ')));
}
