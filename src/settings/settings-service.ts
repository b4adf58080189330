import type { Principal } from '../auth/principal.ts';
import type { DecisionLog } from '../decision-log/decision-log.ts';
import type { Settings, StoredSettings } from './settings.ts';
import type { SettingsStore } from './settings-store.ts';

/** The operating modes; every change is logged with what it was before. */
export class SettingsService {
  constructor(
    private readonly store: SettingsStore,
    private readonly decisionLog: DecisionLog,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async getSettings(): Promise<StoredSettings> {
    return this.store.get();
  }

  /** Replaces the settings and appends `settings.changed` with the fields that changed. */
  async putSettings(admin: Principal, settings: Settings): Promise<StoredSettings> {
    return this.decisionLog.withTransaction(async (trx) => {
      const before = await this.store.get(trx);
      const saved = await this.store.put(trx, settings, admin.subject, this.now());
      const changes = (Object.keys(settings) as Array<keyof Settings>)
        .filter((key) => before[key] !== settings[key])
        .map((key) => ({ setting: key, from: before[key], to: settings[key] }));
      await this.decisionLog.append(trx, {
        type: 'settings.changed',
        actor: { role: 'admin', id: admin.subject },
        payload: { changes },
      });
      return saved;
    });
  }
}
