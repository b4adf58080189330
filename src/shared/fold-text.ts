import { removeInvisibleCharacters } from './invisible-characters.ts';

/** Letters that Unicode does not decompose into a base letter and a mark, spelled as French writes them out. */
const LIGATURES: Readonly<Record<string, string>> = { œ: 'oe', æ: 'ae', ß: 'ss' };

/** The apostrophes a keyboard, a word processor or a copied page may give: ’ ‘ ʼ ′ and the plain one. */
const APOSTROPHES = /[’‘ʼ′']/g;

/** The dashes a keyboard, a word processor or a copied page may put for a hyphen (U+2010 to U+2015, U+2212). */
const DASHES = /[\u2010-\u2015\u2212]/g;

/** Every dash of {@link DASHES} made the hyphen-minus of a keyboard: `aide‑soignant` (a non-breaking hyphen) reads `aide-soignant`. */
export function foldDashes(text: string): string {
  return text.replace(DASHES, '-');
}

/**
 * Text as searches and screening compare it: lower case, without accents or other marks,
 * ligatures written out, every apostrophe the plain one and every dash the hyphen-minus.
 * "Électricien", "ELECTRICIEN" and "electricien" all fold to "electricien"; "d’État" and "d'etat"
 * both to "d'etat"; "aide‑soignant" (a non-breaking hyphen) to "aide-soignant".
 */
export function foldText(text: string): string {
  return foldDashes(
    text
      .normalize('NFD')
      .replace(/\p{M}+/gu, '')
      .toLowerCase()
      .replace(/[œæß]/g, (letter) => LIGATURES[letter] ?? letter)
      .replace(APOSTROPHES, "'"),
  );
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
