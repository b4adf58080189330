import type { Knex } from 'knex';
import type { Config } from '../config.ts';
import { CheckpointSigner } from './checkpoint-signer.ts';
import { deriveSecondReviewDrawKey, keyFilesOf, loadOrCreateDecisionLogKeys } from './decision-log-keys.ts';
import { checkKeysMatchDatabase } from './key-fingerprints.ts';
import { KnexDecisionLog } from './knex-decision-log.ts';
import { KnexSubjectKeyring } from './knex-subject-keyring.ts';
import { Pseudonymiser } from './pseudonymiser.ts';

/** The decision log and the pieces services share with it. */
export interface DecisionLogParts {
  /** Both the append port ({@link DecisionLog}) and the auditors' reader ({@link DecisionLogReader}). */
  decisionLog: KnexDecisionLog;
  subjectKeyring: KnexSubjectKeyring;
  pseudonymiser: Pseudonymiser;
  /** The key of the second-review draw, derived from the log's keys (`deriveSecondReviewDrawKey`). */
  secondReviewDrawKey: Buffer;
}

/**
 * Builds the decision log on an open, migrated database, loading (or, in `dataDir`, creating)
 * its keys, which must be those the database's log is written with (`checkKeysMatchDatabase`).
 * Called once by the composition root, and by the scripts that append (retention, signing- and
 * master-key rotation, the audit benchmark), each with a configuration read by
 * `loadConfigFor({ decisionLog: true })`: production's key files are checked before the database is
 * opened.
 */
export async function createDecisionLog(
  db: Knex,
  config: Pick<Config, 'nodeEnv' | 'dataDir' | 'audit'>,
  now: () => Date = () => new Date(),
): Promise<DecisionLogParts> {
  const keys = loadOrCreateDecisionLogKeys(config.dataDir, config.audit);
  await checkKeysMatchDatabase(db, keys, keyFilesOf(config.dataDir, config.audit), now());
  const pseudonymiser = new Pseudonymiser(keys.pseudonymKey);
  const subjectKeyring = new KnexSubjectKeyring(db, keys.masterKey, pseudonymiser, now);
  const decisionLog = new KnexDecisionLog(db, {
    pseudonymiser,
    keyring: subjectKeyring,
    signer: new CheckpointSigner(keys.signingKey),
    checkpointEvery: config.audit.checkpointEvery,
    now,
  });
  await decisionLog.recordSigningKey();
  return {
    decisionLog,
    subjectKeyring,
    pseudonymiser,
    secondReviewDrawKey: deriveSecondReviewDrawKey(keys.pseudonymKey),
  };
}
