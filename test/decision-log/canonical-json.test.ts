import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CanonicalJsonError, canonicalJson, isCanonicalJson } from '../../src/decision-log/canonical-json.ts';

describe('canonical JSON', () => {
  it('sorts object members at every depth and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: true, y: null }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[1,{"y":null,"z":true}]},"b":1}',
    );
  });

  it('writes numbers in their shortest round-trip form, as RFC 8785 does', () => {
    const cases: Array<[number, string]> = [
      [Number('333333333.33333329'), '333333333.3333333'],
      [1e30, '1e+30'],
      [4.5, '4.5'],
      [2e-3, '0.002'],
      [0.000000000000000000000000001, '1e-27'],
      [0.1 + 0.2, '0.30000000000000004'],
      [-0, '0'],
      [100, '100'],
      [-1.5e-7, '-1.5e-7'],
      [Number.MAX_SAFE_INTEGER, '9007199254740991'],
    ];
    for (const [value, text] of cases) expect(canonicalJson(value)).toBe(text);
  });

  it('escapes strings as RFC 8785 does', () => {
    expect(canonicalJson('\u20ac$\u000F\u000aA\'\u0042\u0022\u005c\\"/')).toBe(
      '"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"',
    );
  });

  it('orders member names by UTF-16 code units, not by code points or locale', () => {
    const value = {
      '\u20ac': 1,
      '\r': 2,
      '\ufb33': 3,
      '1': 4,
      '\ud83d\ude00': 5,
      '\u0080': 6,
      '\u00f6': 7,
      a: 8,
      B: 9,
    };
    expect(canonicalJson(value)).toBe(
      '{"\\r":2,"1":4,"B":9,"a":8,"\u0080":6,"ö":7,"€":1,"\ud83d\ude00":5,"\ufb33":3}',
    );
  });

  it('refuses values that would not read back the same', () => {
    const refused: unknown[] = [
      Number.NaN,
      Number.POSITIVE_INFINITY,
      { score: Number.NEGATIVE_INFINITY },
      undefined,
      { comment: undefined },
      [1, undefined],
      () => 1,
      Symbol('s'),
      10n,
      new Date(0),
      new Map(),
      // biome-ignore lint/suspicious/noSparseArray: a hole is what is being refused
      [1, , 3],
    ];
    for (const value of refused)
      expect(() => canonicalJson(value), String(value)).toThrow(CanonicalJsonError);
  });

  it('refuses a value that contains itself, and says where', () => {
    const value: Record<string, unknown> = { a: { b: [] } };
    (value.a as { b: unknown[] }).b.push(value);
    expect(() => canonicalJson(value)).toThrow(/\$\.a\.b\[0\] refers back to itself/);
  });

  it('says where a refused value sits', () => {
    expect(() => canonicalJson({ items: [{ score: 1 }, { score: Number.NaN }] })).toThrow(
      /^\$\.items\[1\]\.score is NaN/,
    );
    // biome-ignore lint/suspicious/noSparseArray: a hole is what is being refused
    expect(() => canonicalJson({ list: [1, , 3] })).toThrow(/^\$\.list\[1\] is a hole/);
    expect(() => canonicalJson([{ when: new Date(0) }])).toThrow(/^\$\[0\]\.when is a Date/);
    expect(() => canonicalJson(undefined)).toThrow(/^\$ is undefined/);
  });

  it('writes the same object twice when it is shared but not circular', () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
  });

  it('gives text that JSON reads back as the same value, and is stable through that round trip', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
        expect(canonicalJson(JSON.parse(text))).toBe(text);
      }),
    );
  });

  it('does not depend on the order in which members were written', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (value) => {
        const reversed = Object.fromEntries(Object.entries(value).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(value));
      }),
    );
  });

  it('tells canonical text from text that parsing and re-serialising would change', () => {
    expect(isCanonicalJson('{"a":[1,"x",null],"b":{"c":true}}')).toBe(true);
    for (const text of ['{"b":1,"a":2}', '{"a": 1}', '{"a":1.0}', '{"a":"\\u0041"}', '{"a":1', '1e400', ''])
      expect(isCanonicalJson(text), text).toBe(false);
  });

  it('takes every canonical text for canonical', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => isCanonicalJson(canonicalJson(value))));
  });
});
