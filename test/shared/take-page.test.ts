import { describe, expect, it } from 'vitest';
import { takePage } from '../../src/shared/take-page.ts';

describe('a page taken from a list read with one more item', () => {
  it('says where the next page starts when that one more item was there', () => {
    expect(takePage([1, 2, 3], 2)).toEqual({ items: [1, 2], next: 2 });
  });

  it('says no next page when the list ends on the page, exactly or before', () => {
    expect(takePage([1, 2], 2)).toEqual({ items: [1, 2], next: undefined });
    expect(takePage([1], 2)).toEqual({ items: [1], next: undefined });
    expect(takePage([], 2)).toEqual({ items: [], next: undefined });
  });
});
