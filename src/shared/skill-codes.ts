/**
 * Skill codes as they are stored and compared: without the spaces around them (as a CSV import
 * always read them; "soins " sent as JSON never matched a person's "soins"), in lower case, as the
 * catalog, the demo data and the contract's examples write them (`soudage-tig`, `accueil`), each
 * once. A person synced with `Soudage-TIG` holds the skill a course teaching `soudage-tig` asks for:
 * codes that differ only in case are one code, kept at the place of its first spelling. A code of
 * spaces alone is refused before this (the contract; an import line's check), and dropped here.
 *
 * A capital whose lower case takes more characters (`İ` becomes `i` and a combining dot) is kept
 * as sent: the code was checked against the contract's 64-character bound before this, and must
 * still fit it when it is stored and answered.
 */
export function normaliseSkillCodes(codes: readonly string[]): string[] {
  return [...new Set(codes.map((code) => lowerCaseSkillCode(code.trim())).filter((code) => code !== ''))];
}

function lowerCaseSkillCode(code: string): string {
  return code.replace(/\p{Lu}/gu, (capital) => {
    const lower = capital.toLowerCase();
    return lower.length === capital.length ? lower : capital;
  });
}
