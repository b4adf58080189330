import { describe, expect, it } from 'vitest';
import { formatJson } from '../../src/model/format-json.ts';

describe('formatJson', () => {
  it('round-trips through JSON.parse', () => {
    const value = { a: [1, 2.5, -3], b: { c: 'x', d: [], e: {} }, f: [{ g: null, h: true }] };
    expect(JSON.parse(formatJson(value))).toEqual(value);
  });

  it('keeps short number arrays inline and objects one key per line', () => {
    expect(formatJson({ edges: [0, 1], name: 'x' })).toBe('{\n  "edges": [0, 1],\n  "name": "x"\n}\n');
  });

  it('packs long number arrays into lines no wider than the limit', () => {
    const text = formatJson({ values: Array.from({ length: 60 }, (_, i) => i * 1000.5) }, 40);
    const lines = text.split('\n');
    expect(lines.length).toBeGreaterThan(5);
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThanOrEqual(40);
  });
});
