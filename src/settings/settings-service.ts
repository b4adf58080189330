import type { Principal } from '../auth/principal.ts';
import type { DecisionLog } from '../decision-log/decision-log.ts';
import type { LoggedTextCheck } from '../screening/refuse-sensitive-logged-text.ts';
import { PreconditionFailedError } from '../shared/errors.ts';
import { isWeakEntityTag, mayHaveBeenGiven, readOneIfMatch } from '../shared/if-match.ts';
import { requireShownText } from '../shared/shown-text.ts';
import { DEFAULT_SETTINGS_VERSION, type Settings, type StoredSettings, settingsEtag } from './settings.ts';
import type { SettingsStore } from './settings-store.ts';

/** The operating modes; every change is logged with what it was before. */
export class SettingsService {
  constructor(
    private readonly store: SettingsStore,
    private readonly decisionLog: DecisionLog,
    /** The check of a text the log keeps readable (no sensitive details, no person's id). */
    private readonly checkLoggedText: LoggedTextCheck,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The settings, with who changed them last, when and why (`lastChange`, null before any change). */
  async getSettings(): Promise<StoredSettings> {
    return this.store.get();
  }

  /**
   * Replaces the settings and appends `settings.changed` with the fields that changed, and why when
   * the admin says (`changeReason`: why the kill switch was thrown, say; readable by auditors for
   * good, so refused when it mentions sensitive details or a person's id). The settings keep the
   * same admin, time and reason as their `lastChange`; a PUT that changes no setting keeps the
   * version and `lastChange` they had, its event listing no change. With If-Match, only if the settings are
   * still the version the caller read (412 otherwise); without it, the last change wins, so that the
   * kill switch can be thrown at once.
   */
  async putSettings(
    admin: Principal,
    settings: Settings,
    options: { ifMatch?: string; changeReason?: string } = {},
  ): Promise<StoredSettings> {
    const { ifMatch } = options;
    const reason =
      options.changeReason === undefined ? undefined : requireShownText('changeReason', options.changeReason);
    if (reason !== undefined) {
      await this.checkLoggedText(
        { actor: { role: 'admin', id: admin.subject }, operation: 'putSettings' },
        { field: 'changeReason' },
        reason,
        'say why the settings change',
      );
    }
    return this.decisionLog.withTransaction(async (trx) => {
      const before = await this.store.get(trx);
      const expectedVersion = readExpectedVersion(ifMatch, before);
      const changes = (Object.keys(settings) as Array<keyof Settings>)
        .filter((key) => before[key] !== settings[key])
        .map((key) => ({ setting: key, from: before[key], to: settings[key] }));
      // A PUT that changes nothing is logged as the admin's act, but is no change: the settings keep
      // their version and their last change (who threw the kill switch, and why).
      const saved =
        changes.length === 0
          ? before
          : await this.store.put(trx, settings, {
              by: admin.subject,
              at: this.now().toISOString(),
              reason: reason ?? null,
              ...(expectedVersion === undefined ? {} : { expectedVersion }),
            });
      if (saved === undefined) throw staleSettings(await this.store.get(trx));
      await this.decisionLog.append(trx, {
        type: 'settings.changed',
        actor: { role: 'admin', id: admin.subject },
        payload: { changes, ...(reason === undefined ? {} : { reason }) },
      });
      return saved;
    });
  }
}

/**
 * The version an If-Match names: undefined without one (or with `*`, which any settings match); a
 * weak tag is refused as weak, a tag of a version the settings never had as such, any other that is not the current
 * one is stale. A list of tags is refused (428).
 */
function readExpectedVersion(ifMatch: string | undefined, current: StoredSettings): number | undefined {
  const tag = readOneIfMatch(ifMatch, settingsEtag(current));
  if (tag === undefined || tag === '*') return undefined;
  if (isWeakEntityTag(tag)) {
    throw new PreconditionFailedError(
      `a weak ETag does not name one version; send the settings' strong ETag (If-Match: ${settingsEtag(current)})`,
      { currentEtag: settingsEtag(current) },
    );
  }
  if (!mayHaveBeenGiven(tag, current.version, DEFAULT_SETTINGS_VERSION)) {
    throw new PreconditionFailedError(
      `If-Match names a version the settings never had (${tag}); send the ETag their read gave (If-Match: ${settingsEtag(current)})`,
      { currentEtag: settingsEtag(current) },
    );
  }
  if (tag !== settingsEtag(current)) throw staleSettings(current);
  return current.version;
}

function staleSettings(current: StoredSettings): PreconditionFailedError {
  return new PreconditionFailedError('the settings have changed since you read them; read them again', {
    currentEtag: settingsEtag(current),
  });
}
