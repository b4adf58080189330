import { Command } from 'commander';
import { loadConfigFor } from '../src/config.ts';
import { openConfiguredDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrations.ts';
import { CheckpointSigner } from '../src/decision-log/checkpoint-signer.ts';
import { createDecisionLog } from '../src/decision-log/create-decision-log.ts';
import { keyFilesOf, readSigningKeyFile } from '../src/decision-log/decision-log-keys.ts';
import { readOperatorId } from '../src/decision-log/read-operator-id.ts';
import { startOrExit } from '../src/operations/start-or-exit.ts';

const program = new Command('npm run audit:rotate-signing-key --')
  .showHelpAfterError('(npm run audit:rotate-signing-key -- --help for usage)')
  .description(
    "Hands the signing of the decision log's checkpoints over to a new Ed25519 key. Run it with the API's own " +
      'configuration, every API process stopped: it appends `log.signing_key_rotated`, signs a last checkpoint ' +
      'with the key in use (vouching for the whole log so far), retires that key and records the new one. ' +
      'Checkpoints signed before stay valid with the retired key; one it signs afterwards is not. Then start ' +
      'the API with the new key file. The new key must be freshly generated: the key in use, or one an ' +
      'earlier rotation retired, is refused.',
  )
  .requiredOption(
    '--new-key <pem-file>',
    'the new Ed25519 private key (PKCS#8 PEM), never used by the log before, readable by its owner only',
  )
  .requiredOption(
    '--operator <id>',
    'who rotates the key, recorded in the event (a staff id, not a job seeker)',
    readOperatorId,
  )
  .parse();
const options = program.opts<{ newKey: string; operator: string }>();

const PROGRAM = 'audit:rotate-signing-key';
const config = await startOrExit(PROGRAM, () => loadConfigFor({ decisionLog: true }));
const next = await startOrExit(PROGRAM, () => new CheckpointSigner(readSigningKeyFile(options.newKey)));
// A script is a composition root of its own, as scripts/migrate.ts: it opens the database itself.
const db = await startOrExit(PROGRAM, () => openConfiguredDatabase(config, { existing: true }));
try {
  await migrateToLatest(db);
  // Opened with the key in use: a process with other keys than the log's is refused here too.
  const { decisionLog } = await createDecisionLog(db, config);
  const checkpoint = await decisionLog.rotateSigningKey(next, options.operator);
  const keyFile = keyFilesOf(config.dataDir, config.audit).signing;
  console.log(
    [
      `signing key ${checkpoint.keyId} retired after signing the checkpoint at seq ${checkpoint.seq}`,
      `signing key ${next.keyId} now in use`,
      `start the API with AUDIT_SIGNING_KEY_FILE=${options.newKey} (or put that key in ${keyFile});`,
      'a process still holding the retired key refuses to start. Auditors: fetch GET /v1/audit/public-key again.',
    ].join('\n'),
  );
} catch (error) {
  console.error(`audit:rotate-signing-key failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await db.destroy();
}
