import { Gauge, type Registry } from 'prom-client';
import { type RecentDrift, WATCHED_DRIFT_LEVELS } from '../audit/drift-watch.ts';
import type { UnreportedIncidents } from '../incidents/unreported-incidents.ts';
import { resolveWithin } from '../shared/resolve-within.ts';
import { MODEL_CHECKS, MODEL_LOADING, type ModelCheck } from './model-check.ts';
import { CHECK_TIMEOUT_MS } from './readiness.ts';

export interface OperatingState {
  /** Whether suggestions may use the model (the kill switch is off). */
  aiEnabled(): Promise<boolean>;
  /** The model as `/readyz` reports it. */
  modelCheck(): Promise<ModelCheck>;
  /**
   * Bytes free on the disk of the SQLite data folder; absent on PostgreSQL, whose disk is the
   * database server's (watched there).
   */
  dataDirFreeBytes?: () => Promise<number>;
  /** Failed runs in a row of this process's daily retention job (0 when it is off: `RETENTION_DAILY_JOB`). */
  retentionFailedRunsInARow?: () => number;
  /** The incidents not yet reported, per severity and recipient (`readUnreportedIncidents`). */
  unreportedIncidents?: () => Promise<readonly UnreportedIncidents[]>;
  /** The drift watch's last check (`src/audit/drift-watch.ts`); undefined before the first. */
  lastDriftCheck?: () => RecentDrift | undefined;
  /** The id of the model active now, if any: the drift levels shown are of that model alone. */
  activeModelId?: () => Promise<string | undefined>;
  /** The drift watch's checks that failed in a row since the last that went through. */
  driftFailedChecksInARow?: () => number;
}

/**
 * Gauges read at each scrape, so that a dashboard shows when the kill switch is thrown or no
 * model serves (counselors then work with the manual path), and the SQLite disk filling up. A
 * reading that fails or does not answer within `CHECK_TIMEOUT_MS` (the database down, which
 * `/readyz` reports) keeps the last value rather than failing the scrape, but for the model's, which
 * reads `unavailable` when late, as `/readyz` gives it; before the first reading the switch and the
 * disk are NaN (unknown), which no alert's comparison takes for the switch thrown or a full disk.
 */
export function registerOperatingGauges(registry: Registry, state: OperatingState): void {
  const aiEnabled = new Gauge({
    name: 'aiguillage_ai_enabled',
    help: '1 while suggestions may use the model, 0 while the kill switch (aiEnabled: false) is thrown',
    registers: [registry],
    async collect() {
      const enabled = await readOrUndefined(() => state.aiEnabled());
      if (enabled !== undefined) this.set(enabled ? 1 : 0);
    },
  });
  aiEnabled.set(Number.NaN);
  new Gauge({
    name: 'aiguillage_model_state',
    help: 'The model as /readyz reports it: 1 for the current state (ok, not_configured, unavailable), 0 for the others',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      // A model still loading reads as /readyz gives it.
      const current = await readOrUndefined(() => state.modelCheck(), MODEL_LOADING);
      if (current === undefined) return;
      for (const each of MODEL_CHECKS) this.set({ state: each }, each === current ? 1 : 0);
    },
  });
  new Gauge({
    name: 'aiguillage_retention_failed_runs_in_a_row',
    help:
      "Runs of this process's daily retention job that failed in a row, each tried again after 5 minutes, " +
      'then twice as long, an hour at most; 0 once one went through (or the job is off)',
    registers: [registry],
    collect() {
      this.set(state.retentionFailedRunsInARow?.() ?? 0);
    },
  });
  const { unreportedIncidents } = state;
  if (unreportedIncidents !== undefined) registerIncidentGauges(registry, unreportedIncidents);
  const { lastDriftCheck, activeModelId } = state;
  if (lastDriftCheck !== undefined) registerDriftGauges(registry, lastDriftCheck, activeModelId);
  new Gauge({
    name: 'aiguillage_model_drift_failed_checks_in_a_row',
    help:
      "Checks of this process's drift watch that failed in a row, each tried again after an hour; the level " +
      'shown is then the last check that went through; 0 once one goes through',
    registers: [registry],
    collect() {
      this.set(state.driftFailedChecksInARow?.() ?? 0);
    },
  });
  const { dataDirFreeBytes } = state;
  if (dataDirFreeBytes !== undefined) {
    const freeBytes = new Gauge({
      name: 'aiguillage_data_dir_free_bytes',
      help: 'Bytes free on the disk of DATA_DIR, which holds the SQLite database; /readyz fails below MIN_FREE_DISK_MB',
      registers: [registry],
      async collect() {
        const free = await readOrUndefined(dataDirFreeBytes);
        if (free !== undefined) this.set(free);
      },
    });
    freeBytes.set(Number.NaN);
  }
}

/**
 * The incidents recorded (`POST /v1/audit/incidents`) with no notification to the provider or the
 * authority recorded, read from the log at each scrape (both gauges share one reading): how many, and
 * when the oldest was detected, the instant the deadlines of Art. 26(5) and Art. 73 run from. The
 * product cannot tell which deadline applies (15, 10 or 2 days): the alert rules fire well before the
 * shortest, and the operator checks. No series for the oldest when there is none; a reading that fails
 * keeps the last values, as the other gauges do.
 */
function registerIncidentGauges(
  registry: Registry,
  read: () => Promise<readonly UnreportedIncidents[]>,
): void {
  let reading: Promise<readonly UnreportedIncidents[] | undefined> | undefined;
  const readOncePerScrape = () => {
    reading ??= readOrUndefined(read).finally(() => {
      reading = undefined;
    });
    return reading;
  };
  const labelNames = ['severity', 'recipient'] as const;
  new Gauge({
    name: 'aiguillage_unreported_incidents',
    help:
      'Incidents recorded with no notification to the recipient (provider, authority) recorded, by severity ' +
      '(serious, malfunction, near_miss)',
    labelNames,
    registers: [registry],
    async collect() {
      const tally = await readOncePerScrape();
      for (const { severity, recipient, count } of tally ?? []) this.set({ severity, recipient }, count);
    },
  });
  new Gauge({
    name: 'aiguillage_oldest_unreported_incident_timestamp_seconds',
    help:
      'When the oldest incident with no notification to the recipient recorded was detected (detectedAt, Unix ' +
      'time in seconds), by severity and recipient; no series when there is none',
    labelNames,
    registers: [registry],
    async collect() {
      const tally = await readOncePerScrape();
      if (tally === undefined) return;
      this.reset();
      for (const { severity, recipient, oldestDetectedAt } of tally) {
        if (oldestDetectedAt !== null) this.set({ severity, recipient }, Date.parse(oldestDetectedAt) / 1000);
      }
    },
  });
}

/**
 * The drift watch's last check, read from memory at each scrape (the check itself runs once per
 * `AUDIT_DRIFT_EVERY_HOURS`: too costly for every scrape): each feature of the active model at its
 * level, and when it was checked. No level before the first check, nor with no model active, nor
 * once another model was activated since the check (its levels were of a model no longer serving,
 * and would keep an alert firing about it until the next check).
 */
function registerDriftGauges(
  registry: Registry,
  lastCheck: () => RecentDrift | undefined,
  activeModelId?: () => Promise<string | undefined>,
): void {
  new Gauge({
    name: 'aiguillage_model_drift_level',
    help:
      "Drift of the active model's inputs from its training reference over the last 4 whole weeks, per feature, " +
      'as last checked: 1 for its level (population stability index: stable below 0.1, moderate below 0.25, ' +
      'significant above; too_few vectors to read it; no_vectors), 0 for the others; none once another model was activated, until it is checked',
    labelNames: ['feature', 'level'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const check = lastCheck();
      if (check === undefined || check.model === null) return;
      // Unknown when the database does not answer in time: the levels are left out then too.
      const active = activeModelId === undefined ? check.model.id : await readOrUndefined(activeModelId);
      if (active !== check.model.id) return;
      for (const { feature, level } of check.features) {
        for (const each of WATCHED_DRIFT_LEVELS) this.set({ feature, level: each }, each === level ? 1 : 0);
      }
    },
  });
  new Gauge({
    name: 'aiguillage_model_drift_checked_timestamp_seconds',
    help: "When this process last checked the active model's drift (Unix time in seconds); NaN before the first check",
    registers: [registry],
    collect() {
      const checkedAt = lastCheck()?.checkedAt;
      this.set(checkedAt === undefined ? Number.NaN : Date.parse(checkedAt) / 1000);
    },
  });
}

/**
 * The reading, or undefined when it fails or does not answer in time (a database frozen or cut off by
 * the network answers only when TCP gives up, minutes later, past any scrape's timeout): `late`, when
 * given, for a reading that takes longer.
 */
async function readOrUndefined<T>(read: () => Promise<T>, late?: T): Promise<T | undefined> {
  try {
    return await resolveWithin(read(), CHECK_TIMEOUT_MS, late);
  } catch {
    return undefined;
  }
}
