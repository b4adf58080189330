import crypto, { type KeyObject } from 'node:crypto';
import type { Knex } from 'knex';
import { readNumber } from '../db/row-values.ts';
import { verifyCheckpointSignature } from './checkpoint-signer.ts';
import type { DecisionLogKeys } from './decision-log-keys.ts';
import { Pseudonymiser } from './pseudonymiser.ts';
import { toCheckpoint } from './stored-checkpoint.ts';
import { unwrapDataKey } from './wrapped-data-key.ts';

export type LogKeyPurpose = 'signing' | 'master' | 'pseudonym';

/**
 * Job seekers whose pseudonyms are looked for among the log's subjects: every sync appends an
 * event about its job seeker, so one is enough; a few spare a start refused over one odd row.
 */
const PSEUDONYM_SAMPLE = 10;

/**
 * The keys the log already written on this database shows it was not written with. For a log
 * older than the recorded fingerprints (migration 20261201100000), where nothing else tells the
 * first process started after the upgrade that it holds other keys. Reads a few rows: the latest
 * checkpoint must verify with the signing key, a stored data key must open with the master key,
 * and a job seeker's pseudonym must be among the log's subjects. What the log does not hold yet
 * (no checkpoint, no data key, no job seeker) proves nothing either way.
 */
export async function findKeysTheLogWasNotWrittenWith(
  db: Knex,
  keys: DecisionLogKeys,
): Promise<LogKeyPurpose[]> {
  const head: { seq: unknown } | undefined = await db('decision_log_head').first('seq');
  if (head === undefined || readNumber(head.seq) === 0) return [];
  const notWrittenWith: LogKeyPurpose[] = [];
  if (!(await signedLatestCheckpoint(db, keys.signingKey))) notWrittenWith.push('signing');
  if (!(await wrappedADataKey(db, keys.masterKey))) notWrittenWith.push('master');
  if (!(await pseudonymisedTheSubjects(db, keys.pseudonymKey))) notWrittenWith.push('pseudonym');
  return notWrittenWith;
}

async function signedLatestCheckpoint(db: Knex, signingKey: KeyObject): Promise<boolean> {
  const row: Record<string, unknown> | undefined = await db('decision_checkpoints')
    .orderBy('seq', 'desc')
    .first();
  return (
    row === undefined || verifyCheckpointSignature(toCheckpoint(row), crypto.createPublicKey(signingKey))
  );
}

async function wrappedADataKey(db: Knex, masterKey: Buffer): Promise<boolean> {
  const row: Record<string, unknown> | undefined = await db('subject_keys').first(
    'key_id',
    'subject',
    'wrapped_key',
  );
  if (row === undefined) return true;
  try {
    unwrapDataKey(masterKey, String(row.key_id), String(row.subject), String(row.wrapped_key));
    return true;
  } catch {
    return false;
  }
}

async function pseudonymisedTheSubjects(db: Knex, pseudonymKey: Buffer): Promise<boolean> {
  const ids: string[] = await db('job_seekers').limit(PSEUDONYM_SAMPLE).pluck('id');
  if (ids.length === 0) return true;
  const pseudonymiser = new Pseudonymiser(pseudonymKey);
  const event = await db('decision_events')
    .whereIn(
      'subject',
      ids.map((id) => pseudonymiser.pseudonymise(id)),
    )
    .first('seq');
  return event !== undefined;
}
