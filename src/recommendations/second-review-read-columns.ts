import type { SecondReviewRead } from './recommendation.ts';

/**
 * How a set's second-review reads are stored: the list as JSON, and the time of the earliest read,
 * indexed, through which the retention run finds the sets holding a read past the read-trace period.
 * Both null when the set holds none.
 */
export function toSecondReviewReadColumns(reads: readonly SecondReviewRead[]): {
  second_review_reads: string | null;
  second_review_first_read_at: string | null;
} {
  let first: string | null = null;
  for (const read of reads) if (first === null || read.at < first) first = read.at;
  return {
    second_review_reads: reads.length === 0 ? null : JSON.stringify(reads),
    second_review_first_read_at: first,
  };
}
