import type { Knex } from 'knex';
import { describe, expect, it } from 'vitest';
import type { DecisionLog } from '../../src/decision-log/decision-log.ts';
import { isDue, type RecommendationSet } from '../../src/recommendations/recommendation.ts';
import type { RecommendationStore } from '../../src/recommendations/recommendation-store.ts';
import { expireDueSets } from '../../src/recommendations/set-access.ts';
import { aRecommendationSet } from '../support/workflow.ts';

const NOW = new Date('2026-12-01T00:00:00.000Z');

/** `count` sets past their lifetime, in memory; `stuck` of them change under every save (as if a counselor kept acting). */
function dueSets(count: number, stuck = 0) {
  const sets = new Map<string, RecommendationSet>();
  for (let i = 0; i < count; i += 1) {
    const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    sets.set(id, aRecommendationSet({ id, expiresAt: '2026-11-01T00:00:00.000Z' }));
  }
  const stuckIds = new Set([...sets.keys()].slice(0, stuck));
  const trx = {} as Knex.Transaction;
  let lookups = 0;
  const store = {
    findDue: async (now: Date, limit: number) => {
      lookups += 1;
      return [...sets.values()]
        .filter((set) => isDue(set, now))
        .slice(0, limit)
        .map((set) => set.id);
    },
    findById: async (id: string) => structuredClone(sets.get(id)),
    save: async (_trx: Knex.Transaction, set: RecommendationSet) => {
      if (stuckIds.has(set.id)) return false;
      sets.set(set.id, set);
      return true;
    },
  } as unknown as RecommendationStore;
  const events: unknown[] = [];
  const decisionLog = {
    withTransaction: async <T>(work: (t: Knex.Transaction) => Promise<T>) => work(trx),
    append: async (_trx: Knex.Transaction, event: unknown) => events.push(event),
  } as unknown as DecisionLog;
  const expired = () => [...sets.values()].filter((set) => set.status === 'expired').length;
  return { deps: { store, decisionLog }, events, expired, lookups: () => lookups };
}

describe('the expiry sweep', () => {
  it('expires one batch of 100 due sets for a queue read, each with its event', async () => {
    const { deps, events, expired } = dueSets(250);
    await expireDueSets(deps, NOW, 'batch');
    expect(expired()).toBe(100);
    expect(events).toHaveLength(100);
  });

  it('expires every due set, batch after batch, before a retention run', async () => {
    const { deps, events, expired } = dueSets(250);
    await expireDueSets(deps, NOW, 'all');
    expect(expired()).toBe(250);
    expect(events).toHaveLength(250);
  });

  it('stops when a whole batch could not be expired, rather than finding the same sets again', async () => {
    const { deps, expired, lookups } = dueSets(150, 100);
    await expireDueSets(deps, NOW, 'all');
    expect(expired()).toBe(0);
    expect(lookups()).toBe(1);
  });
});
