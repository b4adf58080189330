import { Command } from 'commander';
import { loadConfigFor } from '../src/config.ts';
import { openConfiguredDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrations.ts';
import { createDecisionLog } from '../src/decision-log/create-decision-log.ts';
import { keyFilesOf, readMasterKeyFile } from '../src/decision-log/decision-log-keys.ts';
import { readOperatorId } from '../src/decision-log/read-operator-id.ts';
import { KnexStorageScrubber } from '../src/erasure/knex-storage-scrubber.ts';
import { scrubAfterCommit } from '../src/erasure/scrub-after-commit.ts';
import { startOrExit } from '../src/operations/start-or-exit.ts';

const program = new Command('npm run audit:rotate-master-key --')
  .showHelpAfterError('(npm run audit:rotate-master-key -- --help for usage)')
  .description(
    "Replaces the master key that wraps each job seeker's data key (one that may have leaked, say). Run it " +
      "with the API's own configuration, every API process stopped: in one transaction it wraps every data key " +
      'again under the new key (a destroyed one stays destroyed), records the new key and appends ' +
      '`log.master_key_rotated`; if one key does not open, nothing changes. Then start the API with the new ' +
      'key file: the database no longer opens with the old key, but backups taken before still do.',
  )
  .requiredOption(
    '--new-key <file>',
    'the new master key: 32 random bytes in base64 (openssl rand -base64 32), readable by its owner only (chmod 600)',
  )
  .requiredOption(
    '--operator <id>',
    'who rotates the key, recorded in the event (a staff id, not a job seeker)',
    readOperatorId,
  )
  .parse();
const options = program.opts<{ newKey: string; operator: string }>();

const PROGRAM = 'audit:rotate-master-key';
const config = await startOrExit(PROGRAM, () => loadConfigFor({ decisionLog: true }));
const next = await startOrExit(PROGRAM, () => readMasterKeyFile(options.newKey));
// A script is a composition root of its own, as scripts/migrate.ts: it opens the database itself.
const db = await startOrExit(PROGRAM, () => openConfiguredDatabase(config, { existing: true }));
try {
  await migrateToLatest(db);
  // Opened with the key in use: a process with other keys than the log's is refused here too.
  const { decisionLog } = await createDecisionLog(db, config);
  const rotation = await decisionLog.rotateMasterKey(next, options.operator);
  const keyFile = keyFilesOf(config.dataDir, config.audit).master;
  const lines = [
    `${rotation.rewrappedDataKeys} data keys wrapped again under master key ${rotation.keyFingerprint} (log.master_key_rotated at seq ${rotation.seq})`,
    `start the API with AUDIT_MASTER_KEY_FILE=${options.newKey} (or put that key in ${keyFile});`,
    'a process still holding the old master key refuses to start; one left running answers 503 (/readyz: keys master_key_replaced) until restarted with the new key.',
    'Backups taken before still open with the old key: destroy the two together, or keep them together.',
  ];
  // The keys as the old master key wrapped them may linger in freed space: cleared as after an erasure.
  const storage = await scrubAfterCommit(new KnexStorageScrubber(db, ['subject_keys']));
  if (!storage.complete) {
    lines.push(
      `the data keys as the old master key wrapped them may linger in free space: ${storage.detail}`,
    );
  }
  console.log(lines.join('\n'));
} catch (error) {
  // One transaction: whatever failed, the keys, the log and the recorded fingerprints are as they were.
  console.error(
    `audit:rotate-master-key failed, the keys are as they were: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exitCode = 1;
} finally {
  await db.destroy();
}
