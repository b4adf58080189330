import crypto, { type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { AuditConfig } from '../config.ts';
import { createPrivateFolder } from '../shared/private-folder.ts';
import { writeFileOnce } from '../shared/write-file-once.ts';
import { MAKE_MASTER_KEY, MAKE_SIGNING_KEY } from './key-making-commands.ts';

/** The decision log's secrets. */
export interface DecisionLogKeys {
  /** Ed25519 private key that signs checkpoints. */
  signingKey: KeyObject;
  /** AES-256 key that wraps each job seeker's data key. */
  masterKey: Buffer;
  /** HMAC key of pseudonyms. */
  pseudonymKey: Buffer;
}

/**
 * Loads the decision log's keys. A file named in the configuration must exist: generating a
 * fresh master or pseudonym key in its place would silently make past data unreadable or
 * unlinkable. When no file is configured, the key lives in `<dataDir>/keys` and is generated on
 * first use, readable by its owner only.
 */
export function loadOrCreateDecisionLogKeys(dataDir: string, audit: AuditConfig): DecisionLogKeys {
  const files = keyFilesOf(dataDir, audit);
  const signingPem = readOrCreate(audit.signingKeyFile, files.signing, () =>
    crypto.generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  );
  const signingKey = decodeSigningKey(signingPem, files.signing);
  const masterKey = decodeMasterKey(readOrCreate(audit.masterKeyFile, files.master, generateSecret));
  const pseudonymKey = decodeSecret(
    readOrCreate(audit.pseudonymKeyFile, files.pseudonym, generateSecret),
    'pseudonym key',
  );
  if (pseudonymKey.length < 32) throw new Error('the pseudonym key must be at least 32 bytes (base64)');
  return { signingKey, masterKey, pseudonymKey };
}

/** The label that makes the second-review draw key (HKDF's `info`): no other key is derived with it. */
const SECOND_REVIEW_DRAW_LABEL = 'aiguillage second-review draw key';

/**
 * The key of the second-review draw (record 0003), derived from the pseudonym key by HKDF-SHA-256
 * under its own label, so that it is held by the server alone, the same in every process sharing
 * the database, and never the key that pseudonymises or seals anything. From the pseudonym key, not
 * the master key: a master-key rotation leaves the draw as it was. A draw is stored on its set and
 * sealed in the log when it is made, so a key changed later changes no draw already made.
 */
export function deriveSecondReviewDrawKey(pseudonymKey: Buffer): Buffer {
  return Buffer.from(crypto.hkdfSync('sha256', pseudonymKey, Buffer.alloc(0), SECOND_REVIEW_DRAW_LABEL, 32));
}

/**
 * A master key from its file (32 random bytes in base64, as `openssl rand -base64 32` writes
 * them): the one a master-key rotation hands over to.
 */
export function readMasterKeyFile(file: string): Buffer {
  if (!fs.existsSync(file)) {
    throw new Error(
      `the key file ${file} does not exist: make the new key with \`${MAKE_MASTER_KEY} ${file} && chmod 600 ${file}\``,
    );
  }
  refuseKeyOthersCanRead(file);
  return decodeMasterKey(fs.readFileSync(file, 'utf8'));
}

/**
 * A signing key from its file (an Ed25519 private key in PKCS#8 PEM, as `openssl genpkey -algorithm
 * ed25519` writes it): the one a signing-key rotation hands over to.
 */
export function readSigningKeyFile(file: string): KeyObject {
  if (!fs.existsSync(file)) {
    throw new Error(
      `the key file ${file} does not exist: make the new key with \`${MAKE_SIGNING_KEY} ${file}\``,
    );
  }
  refuseKeyOthersCanRead(file);
  return decodeSigningKey(fs.readFileSync(file, 'utf8'), file);
}

/**
 * A new key a rotation hands over to must be readable by its owner only: one that other users (its
 * group, anyone) can read would be as exposed from the first day as the key it replaces may have
 * been. `openssl rand` writes its file as the umask allows (0644, commonly), `openssl genpkey` 0600.
 * Not checked on Windows, whose files carry no such mode.
 */
function refuseKeyOthersCanRead(file: string): void {
  if (process.platform === 'win32') return;
  const mode = fs.statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new Error(
      `the key file ${file} is open to other users than its owner (mode ${mode.toString(8)}): make it readable by its owner only with \`chmod 600 ${file}\` and run the rotation again`,
    );
  }
}

const SIGNING_KEY_FORM = 'an Ed25519 private key (PKCS#8 PEM, "BEGIN PRIVATE KEY")';

function decodeSigningKey(pem: string, file: string): KeyObject {
  let signingKey: KeyObject;
  try {
    signingKey = crypto.createPrivateKey(pem);
  } catch {
    // OpenSSL's own words ("DECODER routines::unsupported") do not say that a public key was given.
    throw new Error(
      isPublicKey(pem)
        ? `${file} holds a public key: checkpoints are signed with a private key, ${SIGNING_KEY_FORM}`
        : `${file} holds no private key: the decision-log signing key must be ${SIGNING_KEY_FORM}`,
    );
  }
  if (signingKey.asymmetricKeyType !== 'ed25519') {
    throw new Error(`the decision-log signing key must be ${SIGNING_KEY_FORM}`);
  }
  return signingKey;
}

function isPublicKey(pem: string): boolean {
  try {
    crypto.createPublicKey(pem);
    return true;
  } catch {
    return false;
  }
}

function decodeMasterKey(text: string): Buffer {
  const masterKey = decodeSecret(text, 'master key');
  if (masterKey.length !== 32) {
    throw new Error(
      `the decision-log master key must be 32 bytes (base64), as \`${MAKE_MASTER_KEY} <file>\` writes them`,
    );
  }
  return masterKey;
}

/** Where each key is read: the configured file, else its place in `<dataDir>/keys`. */
export function keyFilesOf(
  dataDir: string,
  audit: Pick<AuditConfig, 'signingKeyFile' | 'masterKeyFile' | 'pseudonymKeyFile'>,
): { signing: string; master: string; pseudonym: string } {
  const folder = path.join(dataDir, 'keys');
  return {
    signing: audit.signingKeyFile ?? path.join(folder, 'decision-log-signing-key.pem'),
    master: audit.masterKeyFile ?? path.join(folder, 'decision-log-master.key'),
    pseudonym: audit.pseudonymKeyFile ?? path.join(folder, 'pseudonym.key'),
  };
}

function readOrCreate(configured: string | undefined, fallback: string, generate: () => string): string {
  if (configured !== undefined) {
    if (!fs.existsSync(configured)) throw new Error(`the configured key file ${configured} does not exist`);
    return fs.readFileSync(configured, 'utf8');
  }
  if (!fs.existsSync(fallback)) {
    createPrivateFolder(path.dirname(fallback));
    // Another process starting at the same moment may have made one first: its key then wins.
    writeFileOnce(fallback, generate(), 0o600);
  }
  return fs.readFileSync(fallback, 'utf8');
}

function generateSecret(): string {
  return `${crypto.randomBytes(32).toString('base64')}\n`;
}

function decodeSecret(text: string, name: string): Buffer {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) throw new Error(`the ${name} file must hold base64 text`);
  return Buffer.from(trimmed, trimmed.includes('-') || trimmed.includes('_') ? 'base64url' : 'base64');
}
