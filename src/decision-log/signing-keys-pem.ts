import { type SigningKeyRecord, type SigningKeys, toSigningKeys } from './checkpoint-signer.ts';

const RETIRED_LINE = 'Retired-At-Seq: ';
const PEM_BLOCK =
  /(?:^Retired-At-Seq: (\d+)\r?\n)?(-----BEGIN PUBLIC KEY-----[\s\S]*?-----END PUBLIC KEY-----)/gm;

/**
 * The log's signing keys as one text for offline checks: each public key in SPKI PEM, a retired
 * one preceded by a `Retired-At-Seq:` line naming the last seq it may sign (text outside PEM
 * blocks, which PEM readers skip). The key in use comes first, so that a tool reading one key
 * reads that one.
 */
export function formatSigningKeysPem(records: readonly SigningKeyRecord[]): string {
  const inUseFirst = [...records].sort(
    (a, b) => Number(a.retiredAtSeq !== null) - Number(b.retiredAtSeq !== null),
  );
  return inUseFirst
    .map((record) => {
      const pem = record.publicKeyPem.endsWith('\n') ? record.publicKeyPem : `${record.publicKeyPem}\n`;
      return record.retiredAtSeq === null ? pem : `${RETIRED_LINE}${record.retiredAtSeq}\n${pem}`;
    })
    .join('');
}

/** Reads the text {@link formatSigningKeysPem} writes, or a single PEM public key. */
export function readSigningKeysPem(text: string): SigningKeys {
  const records = [...text.matchAll(PEM_BLOCK)].map((match) => ({
    publicKeyPem: match[2] ?? '',
    retiredAtSeq: match[1] === undefined ? null : Number(match[1]),
  }));
  if (records.length === 0) throw new Error('no PEM public key found');
  return toSigningKeys(records);
}
