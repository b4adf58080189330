import type { Knex } from 'knex';
import { chunksOf } from '../db/chunks-of.ts';
import type { DecisionLog } from '../decision-log/decision-log.ts';
import type { RecommendationStore } from '../recommendations/recommendation-store.ts';
import type { NamedSetState } from './incident.ts';

/** Where the states of the sets an incident names are read: the log, and the sets held. */
export interface NamedSetSources {
  log: Pick<DecisionLog, 'listLoggedSets'>;
  sets: Pick<RecommendationStore, 'listHeldIds'>;
}

/** Sets looked up in the held sets per statement (a page of incidents may name many). */
const HELD_CHUNK = 400;

/**
 * The state of each of `setIds` whose creation the log records (read in `trx` when given); an id
 * the log never recorded a set under is left out. A set still held is `held`, whatever came after it.
 */
export async function readNamedSetStates(
  sources: NamedSetSources,
  setIds: readonly string[],
  trx?: Knex.Transaction,
): Promise<Map<string, NamedSetState>> {
  const states = new Map<string, NamedSetState>();
  if (setIds.length === 0) return states;
  const held = new Set<string>();
  for (const chunk of chunksOf([...new Set(setIds)], HELD_CHUNK)) {
    for (const id of await sources.sets.listHeldIds(chunk, trx)) held.add(id);
  }
  for (const { setId, erasedSince } of await sources.log.listLoggedSets(setIds, trx)) {
    states.set(setId, held.has(setId) ? 'held' : erasedSince ? 'erased' : 'purged');
  }
  return states;
}
