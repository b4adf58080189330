/** The operating modes of the review workflow. */
export interface Settings {
  /** Kill switch: when false, no suggestion is computed and counselors use the catalog. */
  aiEnabled: boolean;
  /** Counselors submit their own shortlist before they see the model's items. */
  blindFirst: boolean;
  /** Share (0..1) of sets sampled for a second counselor's review before publication. */
  secondReviewRate: number;
  /** Hours before an unpublished set expires. */
  setTtlHours: number;
  /** Decisions that took this many seconds or less count as fast in the oversight figures. */
  fastDecisionSeconds: number;
}

/** The last change of the settings: who made it, when, and why. */
export interface SettingsChange {
  /** The admin's id (staff, not a job seeker: erasure and retention leave it). */
  by: string;
  /** ISO 8601. */
  at: string;
  /** The admin's `changeReason`, screened as `settings.changed` keeps it; null when none was given. */
  reason: string | null;
}

export interface StoredSettings extends Settings {
  /** Null for the documented defaults, before any change. */
  lastChange: SettingsChange | null;
  /** Bumped by every change; `DEFAULT_SETTINGS_VERSION` for the documented defaults, before any change. */
  version: number;
}

/** The version of the documented defaults, before any change. */
export const DEFAULT_SETTINGS_VERSION = 0;

/** The settings' strong ETag: their version. */
export function settingsEtag(settings: Pick<StoredSettings, 'version'>): string {
  return `"${settings.version}"`;
}

export const DEFAULT_SETTINGS: Settings = {
  aiEnabled: true,
  blindFirst: false,
  secondReviewRate: 0,
  setTtlHours: 168,
  fastDecisionSeconds: 10,
};
