import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { CheckpointSigner, SigningKeyRetiredError } from '../../src/decision-log/checkpoint-signer.ts';
import { createDecisionLog } from '../../src/decision-log/create-decision-log.ts';
import type { RecordedDecisionEvent } from '../../src/decision-log/decision-event.ts';
import { formatSigningKeysPem, readSigningKeysPem } from '../../src/decision-log/signing-keys-pem.ts';
import { verifyChain } from '../../src/decision-log/verify-chain.ts';
import { runScript } from '../support/run-script.ts';
import {
  anEvent,
  appendMany,
  type DecisionLogFixture,
  startDecisionLog,
} from './support/decision-log-fixture.ts';

function aNewSigningKeyPem(): string {
  return crypto.generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

describe('rotating the signing key of the decision log', () => {
  let fixture: DecisionLogFixture;
  let clock: number;
  const now = () => new Date(clock);

  beforeEach(async () => {
    clock = Date.parse('2026-11-30T09:00:00Z');
    fixture = await startDecisionLog({ checkpointEvery: 5, now });
    await appendMany(fixture, 12);
    await fixture.decisionLog.createCheckpoint();
  });
  afterEach(() => fixture.close());

  /** One more event, and a checkpoint at it signed by `signer` at `signedAt`, written past the log. */
  const slipInCheckpoint = async (signer: CheckpointSigner, signedAt: string) => {
    await fixture.decisionLog.withTransaction((trx) => fixture.decisionLog.append(trx, anEvent()));
    const head = await fixture.decisionLog.readHead();
    const checkpoint = signer.sign(head.seq, head.hash, signedAt);
    await fixture.db('decision_checkpoints').insert({
      seq: checkpoint.seq,
      hash: checkpoint.hash,
      signed_at: checkpoint.signedAt,
      key_id: checkpoint.keyId,
      signature: checkpoint.signature,
    });
  };

  /** The API restarted with the new key in its data folder, as the rotation command tells. */
  const restartWith = async (keyPem: string) => {
    fs.writeFileSync(path.join(fixture.database.dataDir, 'keys', 'decision-log-signing-key.pem'), keyPem);
    const config = loadConfig({
      NODE_ENV: 'test',
      DATA_DIR: fixture.database.dataDir,
      AUDIT_CHECKPOINT_EVERY: '5',
    });
    return createDecisionLog(fixture.db, config, now);
  };

  /** `npm run audit:rotate-signing-key` to `newKeyFile`, with the API's configuration. */
  const rotateFromCommandLine = (newKeyFile: string) =>
    runScript('rotate-signing-key.ts', ['--new-key', newKeyFile, '--operator', 'ops-7'], {
      env: {
        NODE_ENV: 'test',
        DATA_DIR: fixture.database.dataDir,
        ...(fixture.database.databaseUrl === undefined ? {} : { DATABASE_URL: fixture.database.databaseUrl }),
      },
    });

  it('keeps the checkpoints signed before valid with the retired key, and verifies the whole log after it', async () => {
    const newKeyPem = aNewSigningKeyPem();
    const next = new CheckpointSigner(crypto.createPrivateKey(newKeyPem));
    const retiredKeyId = (await fixture.decisionLog.listSigningKeys())[0]?.keyId;
    clock += 60_000;
    const last = await fixture.decisionLog.rotateSigningKey(next, 'ops-7');
    expect(last).toMatchObject({ seq: 13, keyId: retiredKeyId });

    clock += 60_000;
    const restarted = await restartWith(newKeyPem);
    await restarted.decisionLog.withTransaction(async (trx) => {
      for (let i = 0; i < 6; i += 1) await restarted.decisionLog.append(trx, anEvent());
    });
    await restarted.decisionLog.createCheckpoint();

    const keys = await restarted.decisionLog.listSigningKeys();
    expect(keys).toEqual([
      expect.objectContaining({ keyId: next.keyId, retiredAtSeq: null, retiredAt: null }),
      expect.objectContaining({
        keyId: retiredKeyId,
        retiredAtSeq: 13,
        retiredAt: '2026-11-30T09:01:00.000Z',
      }),
    ]);
    const checkpoints = await restarted.decisionLog.listCheckpoints({ limit: 100 });
    expect(new Set(checkpoints.map((checkpoint) => checkpoint.keyId))).toEqual(
      new Set([retiredKeyId, next.keyId]),
    );
    expect(await restarted.decisionLog.verifyRange()).toMatchObject({
      ok: true,
      checked: 19,
      checkpointsChecked: 6,
    });

    // The event says which key took over from which; its actor is pseudonymised as any.
    const [rotation] = await restarted.decisionLog.listEvents({ types: ['log.signing_key_rotated'] });
    expect(rotation).toMatchObject({
      seq: 13,
      payload: { retiredKeyId, keyId: next.keyId },
      actor: { role: 'admin' },
    });
    expect(rotation?.actor.pseudonym).not.toBe('ops-7');

    // Offline: the export checks against the keys as GET /v1/audit/public-key gives them as text.
    const events: RecordedDecisionEvent[] = [];
    for await (const event of restarted.decisionLog.streamEvents()) events.push(event);
    const signingKeys = readSigningKeysPem(formatSigningKeysPem(keys));
    expect(await verifyChain(events, { checkpoints, signingKeys })).toMatchObject({ ok: true, checked: 19 });
    const newKeyOnly = readSigningKeysPem(next.exportPublicKeyPem());
    expect(await verifyChain(events, { checkpoints, signingKeys: newKeyOnly })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/names a signing key this log does not know/),
    });
  });

  it('signs no checkpoint past the rotation in a process left running with the retired key, and the log still verifies', async () => {
    expect(await fixture.decisionLog.isSigningKeyInUse()).toBe(true);
    await fixture.decisionLog.rotateSigningKey(
      new CheckpointSigner(crypto.createPrivateKey(aNewSigningKeyPem())),
      'ops-7',
    );
    expect(await fixture.decisionLog.isSigningKeyInUse()).toBe(false);
    // A process left running with the old key appends on, and is asked for a checkpoint.
    await fixture.decisionLog.withTransaction((trx) => fixture.decisionLog.append(trx, anEvent()));
    await expect(fixture.decisionLog.createCheckpoint()).rejects.toBeInstanceOf(SigningKeyRetiredError);
    expect(await fixture.decisionLog.verifyRange()).toMatchObject({ ok: true });
  });

  it('skips the regular checkpoints in a process left running through the rotation, reading the rotations only when one is due, and the log still verifies', async () => {
    const newKeyPem = aNewSigningKeyPem();
    await fixture.decisionLog.rotateSigningKey(
      new CheckpointSigner(crypto.createPrivateKey(newKeyPem)),
      'ops-7',
    );
    const readsOfRotations: number[] = [];
    const countReads = (query: { bindings?: readonly unknown[] }) => {
      if (query.bindings?.includes('log.signing_key_rotated')) readsOfRotations.push(1);
    };
    fixture.db.on('query', countReads);
    // The rotation is at seq 13: the process left running appends up to seq 15, when one is due.
    await fixture.decisionLog.withTransaction(async (trx) => {
      await fixture.decisionLog.append(trx, anEvent());
      expect(readsOfRotations).toHaveLength(0);
      await fixture.decisionLog.append(trx, anEvent());
    });
    fixture.db.off('query', countReads);
    expect(await fixture.decisionLog.readHead()).toMatchObject({ seq: 15 });
    const checkpointSeqs = (await fixture.decisionLog.listCheckpoints()).map((checkpoint) => checkpoint.seq);
    expect(checkpointSeqs).toEqual([5, 10, 12, 13]);
    expect(await fixture.decisionLog.verifyRange()).toMatchObject({ ok: true, checked: 15 });
    expect(readsOfRotations).toHaveLength(1);

    // Restarted with the new key, the process signs the next checkpoint due, over those events.
    const restarted = await restartWith(newKeyPem);
    await restarted.decisionLog.withTransaction(async (trx) => {
      for (let i = 0; i < 5; i += 1) await restarted.decisionLog.append(trx, anEvent());
    });
    expect(await restarted.decisionLog.listCheckpoints({ afterSeq: 13 })).toEqual([
      expect.objectContaining({ seq: 20 }),
    ]);
    expect(await restarted.decisionLog.verifyRange()).toMatchObject({
      ok: true,
      checked: 20,
      unanchored: null,
    });
  });

  it('refuses to hand the signing back to a key a rotation retired, or to the key in use, writing nothing', async () => {
    const keyFile = path.join(fixture.database.dataDir, 'keys', 'decision-log-signing-key.pem');
    const firstKey = new CheckpointSigner(crypto.createPrivateKey(fs.readFileSync(keyFile, 'utf8')));
    const secondKeyPem = aNewSigningKeyPem();
    const secondKey = new CheckpointSigner(crypto.createPrivateKey(secondKeyPem));
    await fixture.decisionLog.rotateSigningKey(secondKey, 'ops-7');
    const restarted = await restartWith(secondKeyPem);
    const headBefore = await restarted.decisionLog.readHead();

    await expect(restarted.decisionLog.rotateSigningKey(firstKey, 'ops-7')).rejects.toThrow(
      `the new signing key ${firstKey.keyId} was retired by the rotation at seq 13 and may sign nothing past it; generate a new key`,
    );
    await expect(restarted.decisionLog.rotateSigningKey(secondKey, 'ops-7')).rejects.toThrow(
      'the new signing key is the one in use; generate a new key',
    );
    expect(await restarted.decisionLog.readHead()).toEqual(headBefore);
    expect(await restarted.decisionLog.isSigningKeyInUse()).toBe(true);

    // A key never used before still takes over, and the log keeps being signed.
    const thirdKey = new CheckpointSigner(crypto.createPrivateKey(aNewSigningKeyPem()));
    await expect(restarted.decisionLog.rotateSigningKey(thirdKey, 'ops-7')).resolves.toMatchObject({
      seq: 14,
      keyId: secondKey.keyId,
    });
    expect(
      (await restarted.decisionLog.listSigningKeys()).map((key) => [key.keyId, key.retiredAtSeq]),
    ).toEqual([
      [thirdKey.keyId, null],
      [firstKey.keyId, 13],
      [secondKey.keyId, 14],
    ]);
  });

  it('refuses a checkpoint a leaked retired key dates before the rotation: the seq decides, not the time', async () => {
    const retired = new CheckpointSigner(
      crypto.createPrivateKey(
        fs.readFileSync(path.join(fixture.database.dataDir, 'keys', 'decision-log-signing-key.pem'), 'utf8'),
      ),
    );
    await fixture.decisionLog.rotateSigningKey(
      new CheckpointSigner(crypto.createPrivateKey(aNewSigningKeyPem())),
      'ops-7',
    );
    await slipInCheckpoint(retired, '2026-11-30T08:00:00.000Z');
    expect(await fixture.decisionLog.verifyRange()).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/the checkpoint at seq 14 is signed with key .*, retired at seq 13/),
    });
  });

  it('takes no key from the table of signing keys that no rotation of the chain names', async () => {
    const intruder = new CheckpointSigner(crypto.createPrivateKey(aNewSigningKeyPem()));
    await fixture.db('log_signing_keys').insert({
      key_id: intruder.keyId,
      public_key_pem: intruder.exportPublicKeyPem(),
      recorded_at: '2026-11-30T09:00:00.000Z',
    });
    expect((await fixture.decisionLog.listSigningKeys()).map((key) => key.keyId)).not.toContain(
      intruder.keyId,
    );
    await slipInCheckpoint(intruder, '2026-11-30T09:00:00.000Z');
    expect(await fixture.decisionLog.verifyRange()).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/names a signing key this log does not know/),
    });
  });

  it('takes no public key from the table of signing keys filed under the id of another key', async () => {
    const next = new CheckpointSigner(crypto.createPrivateKey(aNewSigningKeyPem()));
    await fixture.decisionLog.rotateSigningKey(next, 'ops-7');
    const intruder = new CheckpointSigner(crypto.createPrivateKey(aNewSigningKeyPem()));
    await fixture
      .db('log_signing_keys')
      .where({ key_id: next.keyId })
      .update({ public_key_pem: intruder.exportPublicKeyPem() });
    expect((await fixture.decisionLog.listSigningKeys()).map((key) => key.publicKeyPem)).not.toContain(
      intruder.exportPublicKeyPem(),
    );
    await slipInCheckpoint(intruder, '2026-11-30T09:00:00.000Z');
    expect(await fixture.decisionLog.verifyRange()).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/names a signing key this log does not know/),
    });
  });

  it('refuses to start a process with the retired key, naming the rotation that retired it and the key to start with', async () => {
    const oldKeyPem = fs.readFileSync(
      path.join(fixture.database.dataDir, 'keys', 'decision-log-signing-key.pem'),
      'utf8',
    );
    await fixture.decisionLog.rotateSigningKey(
      new CheckpointSigner(crypto.createPrivateKey(aNewSigningKeyPem())),
      'ops-7',
    );
    await expect(restartWith(oldKeyPem)).rejects.toThrow(
      /other keys than this process's \(signing\): its signing key \(read from .*decision-log-signing-key\.pem\) was retired by the key rotation at seq 13 \(log\.signing_key_rotated\): start it with the new key that rotation handed over to, AUDIT_SIGNING_KEY_FILE naming that key's file \(or that key put in .*decision-log-signing-key\.pem\)$/,
    );
  });

  it('rotates from the command line, with the API configuration, and says what to start next', async () => {
    const newKeyFile = path.join(fixture.database.dataDir, 'next-signing-key.pem');
    fs.writeFileSync(newKeyFile, aNewSigningKeyPem(), { mode: 0o600 });
    const env = {
      NODE_ENV: 'test',
      DATA_DIR: fixture.database.dataDir,
      ...(fixture.database.databaseUrl === undefined ? {} : { DATABASE_URL: fixture.database.databaseUrl }),
    };
    const run = await runScript('rotate-signing-key.ts', ['--new-key', newKeyFile, '--operator', 'ops-7'], {
      env,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/retired after signing the checkpoint at seq 13/);
    expect(run.stdout).toContain(`AUDIT_SIGNING_KEY_FILE=${newKeyFile}`);
    const again = await runScript('rotate-signing-key.ts', ['--new-key', newKeyFile, '--operator', 'ops-7'], {
      env,
    });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(
      /other keys than this process's \(signing\): its signing key .* was retired by the key rotation at seq 13/,
    );
  });

  it('refuses from the command line to rotate back to a retired key, saying to generate a new one, with exit code 1 and nothing written', async () => {
    const keyDir = path.join(fixture.database.dataDir, 'keys');
    const firstKeyFile = path.join(fixture.database.dataDir, 'first-signing-key.pem');
    fs.copyFileSync(path.join(keyDir, 'decision-log-signing-key.pem'), firstKeyFile);
    const secondKeyFile = path.join(fixture.database.dataDir, 'second-signing-key.pem');
    fs.writeFileSync(secondKeyFile, aNewSigningKeyPem(), { mode: 0o600 });
    const env = {
      NODE_ENV: 'test',
      DATA_DIR: fixture.database.dataDir,
      ...(fixture.database.databaseUrl === undefined ? {} : { DATABASE_URL: fixture.database.databaseUrl }),
    };
    const rotate = (newKeyFile: string) =>
      runScript('rotate-signing-key.ts', ['--new-key', newKeyFile, '--operator', 'ops-7'], {
        env: { ...env, AUDIT_SIGNING_KEY_FILE: secondKeyFile },
      });
    const first = await runScript(
      'rotate-signing-key.ts',
      ['--new-key', secondKeyFile, '--operator', 'ops-7'],
      {
        env,
      },
    );
    expect(first.code).toBe(0);
    const headBefore = await fixture.decisionLog.readHead();

    const back = await rotate(firstKeyFile);
    expect(back.code).toBe(1);
    expect(back.stdout).toBe('');
    expect(back.stderr).toMatch(
      /^audit:rotate-signing-key failed: the new signing key \S+ was retired by the rotation at seq 13 and may sign nothing past it; generate a new key\n$/,
    );
    expect(await fixture.decisionLog.readHead()).toEqual(headBefore);
    expect((await fixture.decisionLog.listCheckpoints()).at(-1)).toMatchObject({ seq: 13 });
  });

  it('refuses from the command line a new key file other users can read, saying to chmod 600 it, with exit code 1 and nothing written', async () => {
    const newKeyFile = path.join(fixture.database.dataDir, 'next-signing-key.pem');
    fs.writeFileSync(newKeyFile, aNewSigningKeyPem());
    fs.chmodSync(newKeyFile, 0o644);
    const headBefore = await fixture.decisionLog.readHead();
    const run = await rotateFromCommandLine(newKeyFile);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `audit:rotate-signing-key: cannot start: the key file ${newKeyFile} is open to other users than its owner (mode 644): make it readable by its owner only with \`chmod 600 ${newKeyFile}\` and run the rotation again\n`,
    );
    expect(await fixture.decisionLog.readHead()).toEqual(headBefore);
  });

  it('refuses from the command line a public key as the new key, saying a private key is needed, with exit code 1 and nothing written', async () => {
    const publicKeyFile = path.join(fixture.database.dataDir, 'next-signing-key.pub.pem');
    const { publicKey } = crypto.generateKeyPairSync('ed25519');
    fs.writeFileSync(publicKeyFile, publicKey.export({ type: 'spki', format: 'pem' }), { mode: 0o600 });
    const headBefore = await fixture.decisionLog.readHead();
    const run = await rotateFromCommandLine(publicKeyFile);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `audit:rotate-signing-key: cannot start: ${publicKeyFile} holds a public key: checkpoints are signed ` +
        'with a private key, an Ed25519 private key (PKCS#8 PEM, "BEGIN PRIVATE KEY")\n',
    );
    expect(await fixture.decisionLog.readHead()).toEqual(headBefore);
  });

  it('refuses from the command line a new key file that does not exist, saying the command that makes one, with exit code 1 and nothing written', async () => {
    const missing = path.join(fixture.database.dataDir, 'not-made-yet.pem');
    const headBefore = await fixture.decisionLog.readHead();
    const run = await runScript('rotate-signing-key.ts', ['--new-key', missing, '--operator', 'ops-7'], {
      env: {
        NODE_ENV: 'test',
        DATA_DIR: fixture.database.dataDir,
        ...(fixture.database.databaseUrl === undefined ? {} : { DATABASE_URL: fixture.database.databaseUrl }),
      },
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `audit:rotate-signing-key: cannot start: the key file ${missing} does not exist: make the new key with ` +
        `\`openssl genpkey -algorithm ed25519 -out ${missing}\`\n`,
    );
    expect(await fixture.decisionLog.readHead()).toEqual(headBefore);
  });
});
