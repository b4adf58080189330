import { openSealedBytes, sealBytes } from './sealed-box.ts';

/**
 * A job seeker's data key wrapped under the master key, bound to its id and subject: a wrapped key
 * copied into another row does not open there.
 */
export function wrapDataKey(masterKey: Buffer, dataKey: Buffer, keyId: string, subject: string): string {
  return sealBytes(masterKey, dataKey, wrapContext(keyId, subject));
}

/** The data key a `subject_keys` row wraps; throws when another master key wrapped it, or the row changed. */
export function unwrapDataKey(masterKey: Buffer, keyId: string, subject: string, wrapped: string): Buffer {
  return openSealedBytes(masterKey, wrapped, wrapContext(keyId, subject));
}

function wrapContext(keyId: string, subject: string): string {
  return `aiguillage.subject-key.v1:${keyId}:${subject}`;
}
