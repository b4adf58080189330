/**
 * Skill codes as they are stored and compared: in lower case, as the catalog, the demo data and
 * the contract's examples write them (`soudage-tig`, `accueil`), each once. A person synced with
 * `Soudage-TIG` holds the skill a course teaching `soudage-tig` asks for: codes that differ only in
 * case are one code, kept at the place of its first spelling.
 */
export function normaliseSkillCodes(codes: readonly string[]): string[] {
  return [...new Set(codes.map((code) => code.toLowerCase()))];
}
