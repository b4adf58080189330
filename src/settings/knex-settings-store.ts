import type { Knex } from 'knex';
import { readBoolean, readNullableString, readNumber } from '../db/row-values.ts';
import {
  DEFAULT_SETTINGS,
  DEFAULT_SETTINGS_VERSION,
  type Settings,
  type SettingsChange,
  type StoredSettings,
} from './settings.ts';
import type { SettingsStore } from './settings-store.ts';

const TABLE = 'settings';
const ROW_ID = 1;

export class KnexSettingsStore implements SettingsStore {
  constructor(private readonly db: Knex) {}

  async get(trx?: Knex.Transaction): Promise<StoredSettings> {
    const row = await (trx ?? this.db)(TABLE).where({ id: ROW_ID }).first();
    if (row === undefined)
      return { ...DEFAULT_SETTINGS, lastChange: null, version: DEFAULT_SETTINGS_VERSION };
    return {
      aiEnabled: readBoolean(row.ai_enabled),
      blindFirst: readBoolean(row.blind_first),
      secondReviewRate: readNumber(row.second_review_rate),
      setTtlHours: readNumber(row.set_ttl_hours),
      fastDecisionSeconds: readNumber(row.fast_decision_seconds),
      lastChange: {
        by: String(row.updated_by),
        at: String(row.updated_at),
        reason: readNullableString(row.change_reason),
      },
      version: readNumber(row.version),
    };
  }

  async put(
    trx: Knex.Transaction,
    settings: Settings,
    change: SettingsChange & { expectedVersion?: number },
  ): Promise<StoredSettings | undefined> {
    const values = {
      ai_enabled: settings.aiEnabled,
      blind_first: settings.blindFirst,
      second_review_rate: settings.secondReviewRate,
      set_ttl_hours: settings.setTtlHours,
      fast_decision_seconds: settings.fastDecisionSeconds,
      updated_at: change.at,
      updated_by: change.by,
      change_reason: change.reason,
    };
    const { expectedVersion } = change;
    if (expectedVersion === undefined) {
      await trx(TABLE)
        .insert({ id: ROW_ID, ...values, version: 1 })
        .onConflict('id')
        .merge({ ...values, version: trx.raw('?? + 1', [`${TABLE}.version`]) });
    } else if (expectedVersion === 0) {
      // The first change: whoever inserts the row first wins, the other finds it there.
      const inserted = await trx(TABLE)
        .insert({ id: ROW_ID, ...values, version: 1 })
        .onConflict('id')
        .ignore()
        .returning('id');
      if (inserted.length === 0) return undefined;
    } else {
      const changed = await trx(TABLE)
        .where({ id: ROW_ID, version: expectedVersion })
        .update({ ...values, version: expectedVersion + 1 });
      if (changed === 0) return undefined;
    }
    return this.get(trx);
  }
}
