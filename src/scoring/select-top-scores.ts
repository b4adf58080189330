/** What ranking reads of a scored course. */
export interface RankedScore {
  courseId: string;
  score: number;
}

/**
 * Returns the `limit` best rows with a finite score, best first, ties broken by course id and then by
 * input order: exactly what sorting every row and keeping the first `limit` gives, with a bounded heap
 * of `limit` rows instead, since a request keeps 10 courses of up to 10,000.
 */
export function selectTopScores<T extends RankedScore>(rows: readonly T[], limit: number): T[] {
  const count = Math.trunc(limit);
  if (!(count < rows.length) || count < 0) {
    // Keeping every row, or `slice`'s counting from the end: nothing for a heap to save.
    return rows
      .map((row, index) => ({ row, index }))
      .filter(({ row }) => Number.isFinite(row.score))
      .sort(compareEntries)
      .slice(0, limit)
      .map(({ row }) => row);
  }
  if (!(count > 0)) {
    return [];
  }
  // A heap whose root is the worst row kept: a new row only has to beat the root to get in.
  const heap: Array<{ row: T; index: number }> = [];
  for (let index = 0; index < rows.length; index += 1) {
    const row = rows[index];
    if (row === undefined || !Number.isFinite(row.score)) continue;
    const entry = { row, index };
    if (heap.length < count) {
      heap.push(entry);
      siftUp(heap, heap.length - 1);
    } else if (heap[0] !== undefined && compareEntries(entry, heap[0]) < 0) {
      heap[0] = entry;
      siftDown(heap, 0);
    }
  }
  return heap.sort(compareEntries).map(({ row }) => row);
}

interface Entry {
  row: RankedScore;
  index: number;
}

/** Negative when `a` ranks before `b`: higher score, then course id, then input order (sort is stable). */
function compareEntries(a: Entry, b: Entry): number {
  return b.row.score - a.row.score || a.row.courseId.localeCompare(b.row.courseId) || a.index - b.index;
}

/** Moves the entry at `at` up while it ranks after its parent, so the worst entry stays at the root. */
function siftUp(heap: Entry[], at: number): void {
  let child = at;
  while (child > 0) {
    const parent = (child - 1) >> 1;
    if (!swapWhenRankedBefore(heap, parent, child)) return;
    child = parent;
  }
}

/** Moves the entry at `at` down while one of its children ranks after it. */
function siftDown(heap: Entry[], at: number): void {
  let parent = at;
  for (;;) {
    const left = 2 * parent + 1;
    const right = left + 1;
    let worst = parent;
    if (left < heap.length && rankedAfter(heap, left, worst)) worst = left;
    if (right < heap.length && rankedAfter(heap, right, worst)) worst = right;
    if (worst === parent) return;
    swap(heap, parent, worst);
    parent = worst;
  }
}

function rankedAfter(heap: Entry[], i: number, j: number): boolean {
  const a = heap[i];
  const b = heap[j];
  return a !== undefined && b !== undefined && compareEntries(a, b) > 0;
}

function swapWhenRankedBefore(heap: Entry[], parent: number, child: number): boolean {
  if (!rankedAfter(heap, child, parent)) return false;
  swap(heap, parent, child);
  return true;
}

function swap(heap: Entry[], i: number, j: number): void {
  const a = heap[i];
  const b = heap[j];
  if (a === undefined || b === undefined) return;
  heap[i] = b;
  heap[j] = a;
}
