import type { OccupationLabel } from './occupation-label.ts';

/** Where the referential of occupation labels is kept. It names no one. */
export interface OccupationLabelStore {
  /** Puts `labels` in place of the whole referential, in one transaction. */
  replaceAll(labels: readonly OccupationLabel[]): Promise<void>;
  /** Every label, ordered by code. */
  list(): Promise<OccupationLabel[]>;
  /** The labels of `codes` the referential holds, by code. */
  findLabels(codes: readonly string[]): Promise<Map<string, string>>;
}
