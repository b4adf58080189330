import { describe, expect, it } from 'vitest';
import { normaliseSkillCodes } from '../../src/shared/skill-codes.ts';

describe('normaliseSkillCodes', () => {
  it('writes codes in lower case, each once, at the place of its first spelling', () => {
    expect(normaliseSkillCodes(['Soudage-TIG', 'accueil', 'soudage-tig', 'ÉLAGAGE'])).toEqual([
      'soudage-tig',
      'accueil',
      'élagage',
    ]);
  });

  it('keeps a capital whose lower case is longer, so that a code of 64 characters stays within the bound', () => {
    const code = 'İ'.repeat(64);
    const [stored] = normaliseSkillCodes([code]);
    expect(stored).toBe(code);
    expect([...(stored ?? '')].length).toBe(64);
  });

  it('drops the spaces around a code, as a CSV import always did: "soins " sent as JSON is "soins"', () => {
    expect(normaliseSkillCodes([' Soins', 'soins\u00a0', '\taccueil '])).toEqual(['soins', 'accueil']);
  });
});
