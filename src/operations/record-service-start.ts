import type { Engine } from '../db/engine.ts';
import type { DecisionEvent } from '../decision-log/decision-event.ts';
import type { DecisionLog } from '../decision-log/decision-log.ts';
import type { ModelStore } from '../model-registry/model-store.ts';
import type { SettingsStore } from '../settings/settings-store.ts';

export interface ServiceStartDeps {
  decisionLog: DecisionLog;
  models: Pick<ModelStore, 'findActive'>;
  settings: Pick<SettingsStore, 'get'>;
  engine: Engine;
  /** `package.json`'s version. */
  softwareVersion: string;
  /**
   * The database's schema: the latest migration applied (`schemaVersion`), and those this start applied
   * (`migrationsApplied`, none when it was up to date): an upgrade is the start that applied some.
   */
  schema: { version: string; migrationsApplied: readonly string[] };
  /** `AUDIT_MIN_PEOPLE`: the fewest job seekers a figure opened from sealed parts is given on. */
  auditMinPeople: number;
  /** The retention periods in force (`RETENTION_LOG_DAYS`, `RETENTION_PERSONAL_DAYS`, `RETENTION_IDEMPOTENCY_HOURS`). */
  retention: { logDays: number; personalDays: number; idempotencyHours: number; readTraceDays: number };
}

/**
 * Appends `service.started`: that the service begins serving, with which software and schema (and the
 * migrations its start applied), on which engine,
 * with which active model and settings, under which minimum of people per figure and retention
 * periods (read from the environment, they change only with a start). Read under the chain head's lock, so that the model and
 * settings it names are those the events before it left in force.
 */
export function recordServiceStart(deps: ServiceStartDeps): Promise<DecisionEvent> {
  return deps.decisionLog.withTransaction(async (trx) => {
    const model = await deps.models.findActive(trx);
    const settings = await deps.settings.get(trx);
    return deps.decisionLog.append(trx, {
      type: 'service.started',
      actor: { role: 'system', id: 'startup' },
      payload: {
        softwareVersion: deps.softwareVersion,
        schemaVersion: deps.schema.version,
        migrationsApplied: [...deps.schema.migrationsApplied],
        engine: deps.engine,
        model: model === undefined ? null : { id: model.id, version: model.version, sha256: model.sha256 },
        settings: {
          aiEnabled: settings.aiEnabled,
          blindFirst: settings.blindFirst,
          secondReviewRate: settings.secondReviewRate,
          setTtlHours: settings.setTtlHours,
          fastDecisionSeconds: settings.fastDecisionSeconds,
        },
        auditMinPeople: deps.auditMinPeople,
        retention: {
          logDays: deps.retention.logDays,
          personalDays: deps.retention.personalDays,
          idempotencyHours: deps.retention.idempotencyHours,
          readTraceDays: deps.retention.readTraceDays,
        },
      },
    });
  });
}
