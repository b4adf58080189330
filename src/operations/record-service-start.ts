import type { Engine } from '../db/database.ts';
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
}

/**
 * Appends `service.started`: that the service began serving, with which software, on which engine,
 * with which active model and settings. Read under the chain head's lock, so that the model and
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
        engine: deps.engine,
        model: model === undefined ? null : { id: model.id, version: model.version, sha256: model.sha256 },
        settings: {
          aiEnabled: settings.aiEnabled,
          blindFirst: settings.blindFirst,
          secondReviewRate: settings.secondReviewRate,
          setTtlHours: settings.setTtlHours,
          fastDecisionSeconds: settings.fastDecisionSeconds,
        },
      },
    });
  });
}
