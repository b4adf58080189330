import type { Knex } from 'knex';
import type { OccupationLabel } from './occupation-label.ts';

/** Where the referential of occupation labels is kept. It names no one. */
export interface OccupationLabelStore {
  /**
   * Every label, ordered by code, read in `trx` once no other load of the referential can change it
   * before `trx` ends: what a load compares itself with, or adds to.
   */
  listForLoad(trx: Knex.Transaction): Promise<OccupationLabel[]>;
  /** Puts `labels` in place of the whole referential, in `trx`, after {@link listForLoad}. */
  replaceAll(trx: Knex.Transaction, labels: readonly OccupationLabel[]): Promise<void>;
  /** Every label, ordered by code. */
  list(): Promise<OccupationLabel[]>;
  /** The labels of `codes` the referential holds, by code (read in `trx` when given). */
  findLabels(codes: readonly string[], trx?: Knex.Transaction): Promise<Map<string, string>>;
}
