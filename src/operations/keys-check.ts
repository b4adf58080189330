/**
 * The decision log's keys as `/readyz` reports them: `master_key_replaced` once a rotation
 * (`npm run audit:rotate-master-key`) recorded another master key than the one this process holds.
 * No person's data key opens with it any more, so the instance is not ready until restarted with
 * the new key.
 */
export function checkKeys(masterKeyInUse: boolean): 'ok' | 'master_key_replaced' {
  return masterKeyInUse ? 'ok' : 'master_key_replaced';
}
