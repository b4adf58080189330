import { compareText } from '../shared/compare-text.ts';
import { isUsableScore } from './model-output-check.ts';

/** What ranking reads of a scored course. */
export interface RankedScore {
  courseId: string;
  score: number;
}

/**
 * Returns the `limit` best rows whose score is a probability (0 to 1: NaN and anything out of range
 * are never suggested, see `isUsableScore`), best first, ties broken by course id and then by
 * input order: exactly what sorting every row and keeping the first `limit` gives.
 */
export function selectTopScores<T extends RankedScore>(rows: readonly T[], limit: number): T[] {
  const ranked = selectTopIndexes(
    rows.length,
    (index) => rows[index]?.score ?? Number.NaN,
    (index) => rows[index]?.courseId ?? '',
    limit,
  );
  const top: T[] = [];
  for (const index of ranked) {
    const row = rows[index];
    if (row !== undefined) top.push(row);
  }
  return top;
}

/**
 * Returns the positions of the `limit` best of `count` scored courses whose score is a probability, best first,
 * ties broken by course id and then by position, reading each course through the accessors: the scorer
 * ranks its raw scores with it before building any row. A bounded heap of `limit` positions rather than a
 * sort of every course, since a request keeps 10 courses of up to 10,000.
 */
export function selectTopIndexes(
  count: number,
  scoreAt: (index: number) => number,
  courseIdAt: (index: number) => string,
  limit: number,
): number[] {
  // Negative when `a` ranks before `b`; the positions make the order total, as a stable sort's would.
  const compare = (a: number, b: number): number =>
    scoreAt(b) - scoreAt(a) || compareText(courseIdAt(a), courseIdAt(b)) || a - b;
  const usable: (index: number) => boolean = (index) => isUsableScore(scoreAt(index));
  const kept = Math.trunc(limit);
  if (!(kept < count) || kept < 0) {
    // Keeping every course, or `slice`'s counting from the end: nothing for a heap to save.
    return Array.from({ length: count }, (_, index) => index)
      .filter(usable)
      .sort(compare)
      .slice(0, limit);
  }
  if (!(kept > 0)) {
    return [];
  }
  // The root is the worst position kept: a course only has to beat it to get in.
  const heap: number[] = [];
  const at = (slot: number): number => heap[slot] ?? -1;
  const swap = (i: number, j: number): void => {
    const held = at(i);
    heap[i] = at(j);
    heap[j] = held;
  };
  for (let index = 0; index < count; index += 1) {
    if (!usable(index)) continue;
    if (heap.length < kept) {
      heap.push(index);
      for (let child = heap.length - 1; child > 0; ) {
        const parent = (child - 1) >> 1;
        if (compare(at(child), at(parent)) <= 0) break;
        swap(child, parent);
        child = parent;
      }
    } else if (compare(index, at(0)) < 0) {
      heap[0] = index;
      for (let parent = 0; ; ) {
        const left = 2 * parent + 1;
        const right = left + 1;
        let worst = parent;
        if (left < heap.length && compare(at(left), at(worst)) > 0) worst = left;
        if (right < heap.length && compare(at(right), at(worst)) > 0) worst = right;
        if (worst === parent) break;
        swap(parent, worst);
        parent = worst;
      }
    }
  }
  return heap.sort(compare);
}
