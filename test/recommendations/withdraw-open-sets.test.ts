import type { Knex } from 'knex';
import { describe, expect, it } from 'vitest';
import type { DecisionEvent } from '../../src/decision-log/decision-event.ts';
import type { RecommendationSet } from '../../src/recommendations/recommendation.ts';
import { withdrawOpenSets } from '../../src/recommendations/withdraw-open-sets.ts';
import { ConflictError } from '../../src/shared/errors.ts';
import { aRecommendationSet, WORKFLOW_START } from '../support/workflow.ts';

/** The transaction is only handed on to the store and the log, which these fakes ignore. */
const TRX = {} as Knex.Transaction;

/**
 * A store holding one open set that a counselor changes `changesMeanwhile` times while it is being
 * withdrawn: each of those saves misses (the version moved), as the guarded save does on PostgreSQL.
 */
function aStoreChangedMeanwhile(changesMeanwhile: number) {
  let stored: RecommendationSet = { ...aRecommendationSet(), status: 'pending_review', version: 3 };
  let changes = changesMeanwhile;
  return {
    read: () => stored,
    findOpenForSeeker: async () => [structuredClone(stored)],
    findById: async () => structuredClone(stored),
    save: async (_trx: Knex.Transaction, set: RecommendationSet, expectedVersion: number) => {
      if (changes > 0) {
        changes -= 1;
        stored = { ...stored, version: stored.version + 1 };
        return false;
      }
      if (expectedVersion !== stored.version) return false;
      stored = set;
      return true;
    },
  };
}

function aLog() {
  const types: string[] = [];
  return {
    types,
    append: async (_trx: Knex.Transaction, event: { type: string }): Promise<DecisionEvent> => {
      types.push(event.type);
      // What the withdrawal reads of the appended event: nothing.
      return {} as DecisionEvent;
    },
  };
}

describe('withdrawOpenSets', () => {
  it('reads a set again and retries when a counselor changed it meanwhile', async () => {
    const store = aStoreChangedMeanwhile(2);
    const log = aLog();

    const withdrawn = await withdrawOpenSets(
      { store, decisionLog: log, now: () => WORKFLOW_START },
      TRX,
      store.read().seekerId,
      { reason: 'Changement de conseiller' },
    );

    expect(withdrawn).toEqual([store.read().id]);
    expect(store.read()).toMatchObject({ status: 'discarded', discardReason: 'Changement de conseiller' });
    expect(log.types).toEqual(['recommendation.discarded']);
  });

  it('gives up with a try-again conflict, logging nothing, when the set keeps changing', async () => {
    const store = aStoreChangedMeanwhile(10);
    const log = aLog();

    const attempt = withdrawOpenSets(
      { store, decisionLog: log, now: () => WORKFLOW_START },
      TRX,
      store.read().seekerId,
      { reason: 'Changement de conseiller' },
    );

    await expect(attempt).rejects.toBeInstanceOf(ConflictError);
    await expect(attempt).rejects.toMatchObject({ message: expect.stringContaining('try again') });
    expect(log.types).toEqual([]);
  });
});
