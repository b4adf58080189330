import type { Knex } from 'knex';
import type { Settings, SettingsChange, StoredSettings } from './settings.ts';

/** Persistence of the single settings row. */
export interface SettingsStore {
  /** The settings, or the defaults when nobody has changed them yet. */
  get(trx?: Knex.Transaction): Promise<StoredSettings>;
  /**
   * Replaces the settings, bumping their version, and keeps `change` as their last change. With
   * `expectedVersion`, only if they are still at that version: undefined, writing nothing, when
   * another change came first.
   */
  put(
    trx: Knex.Transaction,
    settings: Settings,
    change: SettingsChange & { expectedVersion?: number },
  ): Promise<StoredSettings | undefined>;
}
