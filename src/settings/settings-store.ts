import type { Knex } from 'knex';
import type { Settings, StoredSettings } from './settings.ts';

/** Persistence of the single settings row. */
export interface SettingsStore {
  /** The settings, or the defaults when nobody has changed them yet. */
  get(trx?: Knex.Transaction): Promise<StoredSettings>;
  put(trx: Knex.Transaction, settings: Settings, updatedBy: string, now: Date): Promise<StoredSettings>;
}
