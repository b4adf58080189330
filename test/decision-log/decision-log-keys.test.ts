import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AuditConfig, checkLogKeys, loadConfig, loadConfigFor } from '../../src/config.ts';
import { CheckpointSigner, verifyCheckpointSignature } from '../../src/decision-log/checkpoint-signer.ts';
import {
  deriveSecondReviewDrawKey,
  loadOrCreateDecisionLogKeys,
} from '../../src/decision-log/decision-log-keys.ts';
import { Pseudonymiser } from '../../src/decision-log/pseudonymiser.ts';

const NO_FILES: AuditConfig = {
  checkpointEvery: 1000,
  minPeoplePerFigure: 10,
  signingKeyFile: undefined,
  masterKeyFile: undefined,
  pseudonymKeyFile: undefined,
  localKeysAllowed: false,
  verifyEveryHours: 24,
  driftEveryHours: 24,
};

describe('the decision log keys', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aiguillage-keys-'));
  });
  afterEach(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('are generated in the data folder on first use, readable by their owner only, and reused after', () => {
    const first = loadOrCreateDecisionLogKeys(dataDir, NO_FILES);
    const files = fs.readdirSync(path.join(dataDir, 'keys')).sort();
    expect(files).toEqual(['decision-log-master.key', 'decision-log-signing-key.pem', 'pseudonym.key']);
    for (const file of files) expect(fs.statSync(path.join(dataDir, 'keys', file)).mode & 0o077).toBe(0);
    expect(first.masterKey).toHaveLength(32);
    expect(first.signingKey.asymmetricKeyType).toBe('ed25519');

    const again = loadOrCreateDecisionLogKeys(dataDir, NO_FILES);
    expect(again.masterKey.equals(first.masterKey)).toBe(true);
    expect(new Pseudonymiser(again.pseudonymKey).pseudonymise('js-1')).toBe(
      new Pseudonymiser(first.pseudonymKey).pseudonymise('js-1'),
    );
    expect(new CheckpointSigner(again.signingKey).keyId).toBe(new CheckpointSigner(first.signingKey).keyId);
  });

  it('are read from the configured files, for production', () => {
    const signingKeyFile = path.join(dataDir, 'signing.pem');
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
    fs.writeFileSync(signingKeyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const masterKeyFile = path.join(dataDir, 'master.key');
    const master = crypto.randomBytes(32);
    fs.writeFileSync(masterKeyFile, `${master.toString('base64')}\n`);
    const pseudonymKeyFile = path.join(dataDir, 'pseudonym.key');
    fs.writeFileSync(pseudonymKeyFile, crypto.randomBytes(48).toString('base64url'));

    const keys = loadOrCreateDecisionLogKeys(dataDir, {
      ...NO_FILES,
      signingKeyFile,
      masterKeyFile,
      pseudonymKeyFile,
    });
    expect(keys.masterKey.equals(master)).toBe(true);
    expect(keys.pseudonymKey).toHaveLength(48);
    const checkpoint = new CheckpointSigner(keys.signingKey).sign(
      7,
      'a'.repeat(64),
      '2026-11-30T10:00:00.000Z',
    );
    expect(verifyCheckpointSignature(checkpoint, publicKey)).toBe(true);
    expect(fs.existsSync(path.join(dataDir, 'keys'))).toBe(false);
  });

  it('are never generated in place of a configured file that is missing', () => {
    const missing = path.join(dataDir, 'nowhere', 'master.key');
    expect(() => loadOrCreateDecisionLogKeys(dataDir, { ...NO_FILES, masterKeyFile: missing })).toThrow(
      /does not exist/,
    );
    expect(fs.existsSync(missing)).toBe(false);
  });

  it('are refused when they are of the wrong kind or size', () => {
    const ecKeyFile = path.join(dataDir, 'ec.pem');
    const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    fs.writeFileSync(ecKeyFile, ec.export({ type: 'pkcs8', format: 'pem' }));
    expect(() => loadOrCreateDecisionLogKeys(dataDir, { ...NO_FILES, signingKeyFile: ecKeyFile })).toThrow(
      /Ed25519/,
    );

    const shortKeyFile = path.join(dataDir, 'short.key');
    fs.writeFileSync(shortKeyFile, crypto.randomBytes(16).toString('base64'));
    expect(() => loadOrCreateDecisionLogKeys(dataDir, { ...NO_FILES, masterKeyFile: shortKeyFile })).toThrow(
      /32 bytes/,
    );
    expect(() =>
      loadOrCreateDecisionLogKeys(dataDir, { ...NO_FILES, pseudonymKeyFile: shortKeyFile }),
    ).toThrow(/32 bytes/);
  });

  it('give the second-review draw a key of its own, the same from the same keys, none of the keys themselves', () => {
    const keys = loadOrCreateDecisionLogKeys(dataDir, NO_FILES);
    const drawKey = deriveSecondReviewDrawKey(keys.pseudonymKey);
    expect(drawKey).toHaveLength(32);
    expect(
      drawKey.equals(deriveSecondReviewDrawKey(loadOrCreateDecisionLogKeys(dataDir, NO_FILES).pseudonymKey)),
    ).toBe(true);
    expect(drawKey.equals(keys.pseudonymKey.subarray(0, 32))).toBe(false);
    expect(drawKey.equals(keys.masterKey)).toBe(false);
    expect(drawKey.equals(deriveSecondReviewDrawKey(crypto.randomBytes(32)))).toBe(false);
  });

  it('are refused, saying a private key is needed, when the signing key file holds the public key', () => {
    const publicKeyFile = path.join(dataDir, 'signing.pub.pem');
    const { publicKey } = crypto.generateKeyPairSync('ed25519');
    fs.writeFileSync(publicKeyFile, publicKey.export({ type: 'spki', format: 'pem' }));
    expect(() =>
      loadOrCreateDecisionLogKeys(dataDir, { ...NO_FILES, signingKeyFile: publicKeyFile }),
    ).toThrow(
      `${publicKeyFile} holds a public key: checkpoints are signed with a private key, an Ed25519 private key (PKCS#8 PEM, "BEGIN PRIVATE KEY")`,
    );
  });
});

describe('checkpoint signatures', () => {
  const signer = new CheckpointSigner(crypto.generateKeyPairSync('ed25519').privateKey);
  const checkpoint = signer.sign(1000, 'b'.repeat(64), '2026-11-30T10:00:00.000Z');

  it('verify with the exported public key PEM', () => {
    const pem = signer.exportPublicKeyPem();
    expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(verifyCheckpointSignature(checkpoint, pem)).toBe(true);
    expect(checkpoint.keyId).toMatch(/^[\w-]{43}$/);
  });

  it('fail when the seq, the hash, the time or the signature changed, or with another key', () => {
    expect(verifyCheckpointSignature({ ...checkpoint, seq: 999 }, signer.publicKey)).toBe(false);
    expect(verifyCheckpointSignature({ ...checkpoint, hash: 'c'.repeat(64) }, signer.publicKey)).toBe(false);
    expect(
      verifyCheckpointSignature({ ...checkpoint, signedAt: '2026-12-01T10:00:00.000Z' }, signer.publicKey),
    ).toBe(false);
    expect(verifyCheckpointSignature({ ...checkpoint, signature: 'AAAA' }, signer.publicKey)).toBe(false);
    const other = crypto.generateKeyPairSync('ed25519').publicKey;
    expect(verifyCheckpointSignature(checkpoint, other)).toBe(false);
  });

  it('carry the RFC 7638 thumbprint of the key as key id', async () => {
    const { calculateJwkThumbprint } = await import('jose');
    const jwk = signer.publicKey.export({ format: 'jwk' });
    expect(checkpoint.keyId).toBe(
      await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: String(jwk.x) }),
    );
  });
});

describe('the audit configuration', () => {
  it('defaults to a checkpoint every 1000 events and keys generated in the data folder', () => {
    expect(loadConfig({}).audit).toEqual(NO_FILES);
  });

  it('reads the checkpoint interval, the minimum of people per figure and the key files from the environment', () => {
    expect(loadConfig({}).audit.minPeoplePerFigure).toBe(10);
    const audit = loadConfig({
      AUDIT_CHECKPOINT_EVERY: '250',
      AUDIT_MIN_PEOPLE: '25',
      AUDIT_SIGNING_KEY_FILE: '/secrets/signing.pem',
      AUDIT_MASTER_KEY_FILE: '/secrets/master.key',
      AUDIT_PSEUDONYM_KEY_FILE: 'relative/pseudonym.key',
    }).audit;
    expect(audit).toEqual({
      checkpointEvery: 250,
      minPeoplePerFigure: 25,
      signingKeyFile: '/secrets/signing.pem',
      masterKeyFile: '/secrets/master.key',
      pseudonymKeyFile: path.resolve('relative/pseudonym.key'),
      localKeysAllowed: false,
      verifyEveryHours: 24,
      driftEveryHours: 24,
    });
    expect(() => loadConfig({ AUDIT_CHECKPOINT_EVERY: '-1' })).toThrow(/AUDIT_CHECKPOINT_EVERY/);
    expect(() => loadConfig({ AUDIT_MIN_PEOPLE: '0' })).toThrow(/AUDIT_MIN_PEOPLE/);
  });

  it('checks the drift every 24 hours by default, never in tests unless told, and at most a week apart', () => {
    expect(loadConfig({}).audit.driftEveryHours).toBe(24);
    expect(loadConfig({ NODE_ENV: 'test' }).audit.driftEveryHours).toBe(0);
    expect(loadConfig({ NODE_ENV: 'test', AUDIT_DRIFT_EVERY_HOURS: '6' }).audit.driftEveryHours).toBe(6);
    expect(() => loadConfig({ AUDIT_DRIFT_EVERY_HOURS: '169' })).toThrow(/AUDIT_DRIFT_EVERY_HOURS.*a week/);
  });
});

describe('the decision log keys in production', () => {
  const check = (env: Record<string, string>) => () => checkLogKeys(loadConfig(env));
  // Files that exist: a named file that does not is refused whatever NODE_ENV says.
  const secrets = fs.mkdtempSync(path.join(os.tmpdir(), 'aiguillage-secrets-'));
  const files = {
    AUDIT_MASTER_KEY_FILE: path.join(secrets, 'master.key'),
    AUDIT_PSEUDONYM_KEY_FILE: path.join(secrets, 'pseudonym.key'),
    AUDIT_SIGNING_KEY_FILE: path.join(secrets, 'signing.pem'),
  };
  for (const file of Object.values(files)) fs.writeFileSync(file, 'a key');
  afterAll(() => fs.rmSync(secrets, { recursive: true, force: true }));

  it('must be named, each missing file by name, or generated locally only when AUDIT_LOCAL_KEYS=true says so', () => {
    expect(check({ NODE_ENV: 'production' })).toThrow(
      /AUDIT_MASTER_KEY_FILE, AUDIT_PSEUDONYM_KEY_FILE, AUDIT_SIGNING_KEY_FILE must be set.*AUDIT_LOCAL_KEYS=true/,
    );
    const { AUDIT_SIGNING_KEY_FILE: _signing, ...twoOfThree } = files;
    expect(check({ NODE_ENV: 'production', ...twoOfThree })).toThrow(/^AUDIT_SIGNING_KEY_FILE must be set/);
    expect(check({ NODE_ENV: 'production', ...files })).not.toThrow();
    expect(check({ NODE_ENV: 'production', AUDIT_LOCAL_KEYS: 'true' })).not.toThrow();
    for (const env of [{ NODE_ENV: 'development' }, { NODE_ENV: 'test' }, {}])
      expect(check(env)).not.toThrow();
  });

  it('refuse a named file that does not exist, saying how a first deployment makes that key', () => {
    const missing = (name: string) => path.join(secrets, 'not-made-yet', name);
    expect(
      check({ NODE_ENV: 'production', ...files, AUDIT_SIGNING_KEY_FILE: missing('signing.pem') }),
    ).toThrow(
      `AUDIT_SIGNING_KEY_FILE names ${missing('signing.pem')}, which does not exist (a new key would leave the log's past data unreadable or unlinkable): name the file that holds the key; on a first deployment, before any process has started on the database, make it with \`openssl genpkey -algorithm ed25519 -out ${missing('signing.pem')}\``,
    );
    expect(check({ ...files, AUDIT_MASTER_KEY_FILE: missing('master.key') })).toThrow(
      `make it with \`openssl rand -base64 32 > ${missing('master.key')}\``,
    );
    expect(check({ ...files, AUDIT_PSEUDONYM_KEY_FILE: missing('pseudonym.key') })).toThrow(
      `make it with \`openssl rand -base64 32 > ${missing('pseudonym.key')}\``,
    );
  });

  it('are checked with the configuration of the processes that open the log, before any database is opened', () => {
    const production = { NODE_ENV: 'production', AUTH_LOCAL_KEYS: 'true' };
    expect(() => loadConfigFor({ decisionLog: true }, production)).toThrow(/AUDIT_MASTER_KEY_FILE/);
    expect(() => loadConfigFor({ tokens: true, decisionLog: true }, production)).toThrow(
      /AUDIT_MASTER_KEY_FILE/,
    );
    // npm run migrate opens no log: it runs without them.
    expect(loadConfigFor({}, production).nodeEnv).toBe('production');
    expect(loadConfigFor({ decisionLog: true }, { ...production, ...files }).audit.masterKeyFile).toBe(
      files.AUDIT_MASTER_KEY_FILE,
    );
  });
});
