import type { Knex } from 'knex';
import { loadConfig } from '../../../src/config.ts';
import { createDecisionLog, type DecisionLogParts } from '../../../src/decision-log/create-decision-log.ts';
import type { NewDecisionEvent } from '../../../src/decision-log/decision-event.ts';
import type { TestDatabase } from '../../support/test-database.ts';
import { openTestDatabase } from '../../support/use-test-database.ts';

export interface DecisionLogFixture extends DecisionLogParts {
  database: TestDatabase;
  db: Knex;
  close(): Promise<void>;
}

export interface DecisionLogFixtureOptions {
  checkpointEvery?: number;
  now?: () => Date;
}

/** A decision log on a fresh migrated database, with keys generated in the test's data folder. */
export async function startDecisionLog(options: DecisionLogFixtureOptions = {}): Promise<DecisionLogFixture> {
  const { database, db, close } = await openTestDatabase();
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: database.dataDir,
    AUDIT_CHECKPOINT_EVERY: String(options.checkpointEvery ?? 1000),
  });
  const parts = await createDecisionLog(db, config, options.now);
  return {
    ...parts,
    database,
    db,
    close,
  };
}

/** A counselor's decision on an item; override what the test is about. */
export function anEvent(overrides: Partial<NewDecisionEvent> = {}): NewDecisionEvent {
  return {
    type: 'item.decided',
    actor: { role: 'counselor', id: 'c-001' },
    subjectId: 'js-001',
    payload: { setId: 'set-1', itemId: 'item-1', decision: 'approved', secondsSinceOpened: 42.5 },
    ...overrides,
  };
}

/** Appends `count` varied events in one transaction (fast fixture building). */
export async function appendMany(fixture: DecisionLogFixture, count: number): Promise<void> {
  await fixture.decisionLog.withTransaction(async (trx) => {
    for (let index = 1; index <= count; index += 1) {
      await fixture.decisionLog.append(trx, variedEvent(index));
    }
  });
}

function variedEvent(index: number): NewDecisionEvent {
  const seeker = `js-${String(index % 17).padStart(3, '0')}`;
  switch (index % 4) {
    case 0:
      return anEvent({
        subjectId: seeker,
        payload: { itemId: `item-${index}`, decision: 'rejected', reasonCode: 'distance' },
      });
    case 1:
      return anEvent({
        type: 'recommendation.generated',
        subjectId: seeker,
        payload: {
          setId: `set-${index}`,
          scores: [0.91, 0.42, index / 7],
          model: { id: 'ebm', version: '1.0.0' },
        },
      });
    case 2:
      return anEvent({ subjectId: seeker, personal: { comment: `commentaire n°${index} — “ok”` } });
    default:
      return anEvent({
        type: 'settings.changed',
        actor: { role: 'admin', id: 'admin-1' },
        subjectId: null,
        payload: { aiEnabled: index % 3 === 0, setTtlHours: 72 },
      });
  }
}
