/**
 * The decision log's keys as `/readyz` reports them: `master_key_replaced` once a rotation
 * (`npm run audit:rotate-master-key`) recorded another master key than the one this process holds.
 * No person's data key opens with it any more, so the instance is not ready until restarted with
 * the new key. `signing_key_retired` once a rotation (`npm run audit:rotate-signing-key`) retired
 * the key this process signs checkpoints with: it signs none any more, and is not ready either.
 */
export function checkKeys(keys: {
  masterKeyInUse: boolean;
  signingKeyInUse: boolean;
}): 'ok' | 'master_key_replaced' | 'signing_key_retired' {
  if (!keys.masterKeyInUse) return 'master_key_replaced';
  return keys.signingKeyInUse ? 'ok' : 'signing_key_retired';
}
