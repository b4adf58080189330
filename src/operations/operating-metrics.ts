import { Gauge, type Registry } from 'prom-client';
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
