import type { Knex } from 'knex';
import { ConflictError, problemType } from '../shared/errors.ts';
import type { RecommendationSet } from './recommendation.ts';
import type { RecommendationStore } from './recommendation-store.ts';

/** Tries per set while a counselor keeps changing it. */
const ATTEMPTS = 3;

/**
 * Changes one set with `change` and saves it, guarded by its version, while `applies` still holds
 * for it. A counselor may change it meanwhile (on PostgreSQL the guarded save then misses): read it
 * again and retry; a set the change no longer applies to is left as it is (undefined). A set still
 * changing after a few tries is a conflict to retry, the caller's transaction undone.
 */
export async function retrySetChange(
  store: Pick<RecommendationStore, 'findById' | 'save'>,
  trx: Knex.Transaction,
  first: RecommendationSet,
  applies: (set: RecommendationSet) => boolean,
  change: (set: RecommendationSet) => void,
): Promise<RecommendationSet | undefined> {
  let set: RecommendationSet | undefined = first;
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    if (set === undefined || !applies(set)) return undefined;
    const version = set.version;
    change(set);
    if (await store.save(trx, set, version)) return set;
    set = await store.findById(first.id, trx);
  }
  throw new ConflictError(
    'the suggestions of this job seeker are being changed right now; try again',
    problemType('try-again'),
  );
}
