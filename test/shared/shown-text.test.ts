import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/shared/errors.ts';
import { countShownCharacters, readOptionalText, requireShownText } from '../../src/shared/shown-text.ts';

describe('a text that says something', () => {
  it('counts the characters that show: neither spaces nor invisible characters', () => {
    expect(countShownCharacters('été')).toBe(3);
    expect(countShownCharacters(' a\u00a0b\tc\n')).toBe(3);
    expect(countShownCharacters('\u200b\u200b\u200b')).toBe(0);
    expect(countShownCharacters('a\u200d\u2060\ufeff\u202eb\u0000')).toBe(2);
    expect(countShownCharacters('👩‍💻')).toBe(2);
  });

  it('does not count letters drawn blank: Hangul fillers, the blank Braille pattern, variation selectors', () => {
    expect(countShownCharacters('\u3164\u3164\u3164')).toBe(0);
    expect(countShownCharacters('\u115f\u1160\uffa0')).toBe(0);
    expect(countShownCharacters('\u2800\u2800\u2800')).toBe(0);
    expect(countShownCharacters('❤\ufe0f ok')).toBe(3);
    expect(() => requireShownText('reason', '\u3164\u2800\u3164')).toThrow(InvalidInputError);
  });

  it('refuses a required text of fewer than three characters that show, naming the field, and trims one that says something', () => {
    for (const text of ['\u200b\u200b\u200b', ' a \u200b b ', '\u202e\u2066\u2069', '']) {
      expect(() => requireShownText('reason', text)).toThrow(InvalidInputError);
    }
    expect(() => requireShownText('changeReason', '\u200b\u200b\u200b')).toThrow(
      expect.objectContaining({
        message: expect.stringMatching(/^changeReason must hold at least 3 characters/),
        details: { field: 'changeReason' },
      }),
    );
    expect(requireShownText('reason', '  Hors délai.  ')).toBe('Hors délai.');
  });

  it('reads an optional text that shows nothing as none', () => {
    expect(readOptionalText(undefined)).toBeNull();
    expect(readOptionalText('   ')).toBeNull();
    expect(readOptionalText('\u200b')).toBeNull();
    expect(readOptionalText(' \u2060 ok ')).toBe('\u2060 ok');
  });
});
