import type { Knex } from 'knex';
import { readBoolean, readNullableString, readNumber } from '../db/row-values.ts';
import { DEFAULT_SETTINGS, type Settings, type StoredSettings } from './settings.ts';
import type { SettingsStore } from './settings-store.ts';

const TABLE = 'settings';
const ROW_ID = 1;

export class KnexSettingsStore implements SettingsStore {
  constructor(private readonly db: Knex) {}

  async get(trx?: Knex.Transaction): Promise<StoredSettings> {
    const row = await (trx ?? this.db)(TABLE).where({ id: ROW_ID }).first();
    if (row === undefined) return { ...DEFAULT_SETTINGS, updatedAt: null, updatedBy: null };
    return {
      aiEnabled: readBoolean(row.ai_enabled),
      blindFirst: readBoolean(row.blind_first),
      secondReviewRate: readNumber(row.second_review_rate),
      setTtlHours: readNumber(row.set_ttl_hours),
      fastDecisionSeconds: readNumber(row.fast_decision_seconds),
      updatedAt: readNullableString(row.updated_at),
      updatedBy: readNullableString(row.updated_by),
    };
  }

  async put(
    trx: Knex.Transaction,
    settings: Settings,
    updatedBy: string,
    now: Date,
  ): Promise<StoredSettings> {
    const row = {
      id: ROW_ID,
      ai_enabled: settings.aiEnabled,
      blind_first: settings.blindFirst,
      second_review_rate: settings.secondReviewRate,
      set_ttl_hours: settings.setTtlHours,
      fast_decision_seconds: settings.fastDecisionSeconds,
      updated_at: now.toISOString(),
      updated_by: updatedBy,
    };
    await trx(TABLE).insert(row).onConflict('id').merge();
    return this.get(trx);
  }
}
