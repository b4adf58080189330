import type { ActiveModelState } from '../scoring/active-model.ts';

/**
 * The model as operations see it, in one vocabulary for `/readyz` and `/metrics`: `ok` when the
 * active model is loaded, `not_configured` when none is active (and none failed to register),
 * `unavailable` when the active model cannot be loaded or the shipped one could not be registered.
 */
export type ModelCheck = 'ok' | 'not_configured' | 'unavailable';
export const MODEL_CHECKS: readonly ModelCheck[] = ['ok', 'not_configured', 'unavailable'];

export function checkModel(state: Pick<ActiveModelState, 'status'>): ModelCheck {
  return state.status === 'loaded' ? 'ok' : state.status === 'none' ? 'not_configured' : 'unavailable';
}

/**
 * The model while it is still loading past what a probe or a scrape waits (its hash, session and
 * warm-up): as one that cannot load, which keeps the instance ready.
 */
export const MODEL_LOADING: ModelCheck = 'unavailable';
