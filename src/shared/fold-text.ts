/** Letters that Unicode does not decompose into a base letter and a mark, spelled as French writes them out. */
const LIGATURES: Readonly<Record<string, string>> = { œ: 'oe', æ: 'ae', ß: 'ss' };

/**
 * Text as searches and screening compare it: lower case, without accents or other marks,
 * ligatures written out. "Électricien", "ELECTRICIEN" and "electricien" all fold to "electricien".
 */
export function foldText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[œæß]/g, (letter) => LIGATURES[letter] ?? letter);
}
