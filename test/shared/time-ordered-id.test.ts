import { describe, expect, it } from 'vitest';
import { createTimeOrderedId } from '../../src/shared/time-ordered-id.ts';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('createTimeOrderedId', () => {
  it('makes a UUID of version 7 that starts with the time in milliseconds', () => {
    const id = createTimeOrderedId(Date.UTC(2026, 10, 30, 12, 0, 0, 123));
    expect(id).toMatch(UUID_V7);
    expect(Number.parseInt(id.replace('-', '').slice(0, 12), 16)).toBe(Date.UTC(2026, 10, 30, 12, 0, 0, 123));
  });

  it('sorts ids made at later times after earlier ones, as text too', () => {
    const times = [0, 1, 255, 256, 1_764_504_000_000, 1_764_504_000_001, 2 ** 48 - 1];
    const ids = times.map((time) => createTimeOrderedId(time));
    expect([...ids].sort()).toEqual(ids);
  });

  it('keeps the ids of one millisecond apart by their random bits', () => {
    const ids = Array.from({ length: 1000 }, () => createTimeOrderedId(1_764_504_000_000));
    expect(new Set(ids).size).toBe(1000);
  });

  it('keeps ids apart across refills of its pool of random bytes', () => {
    // The pool holds ~400 ids' worth: 5,000 ids draw it about a dozen times.
    const ids = Array.from({ length: 5000 }, () => createTimeOrderedId(1_764_504_000_000));
    expect(new Set(ids).size).toBe(5000);
    for (const id of ids) expect(id).toMatch(UUID_V7);
  });
});
