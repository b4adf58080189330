import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createDecisionLog } from '../../src/decision-log/create-decision-log.ts';
import { REWRAP_PAGE } from '../../src/decision-log/knex-subject-keyring.ts';
import {
  MasterKeyReplacedError,
  UnreadablePersonalPartError,
} from '../../src/decision-log/subject-keyring.ts';
import { anEvent, type DecisionLogFixture, startDecisionLog } from './support/decision-log-fixture.ts';

describe('rotating the master key of the decision log', () => {
  let fixture: DecisionLogFixture;
  let next: Buffer;
  let clock: number;
  const now = () => new Date(clock);

  beforeEach(async () => {
    clock = Date.parse('2026-12-05T09:00:00Z');
    fixture = await startDecisionLog({ now });
    next = crypto.randomBytes(32);
  });
  afterEach(() => fixture.close());

  /** Appends an event with a personal part about the person; returns the sealed part. */
  const sealFor = async (seekerId: string, comment: string): Promise<string> => {
    const event = await fixture.decisionLog.withTransaction((trx) =>
      fixture.decisionLog.append(trx, anEvent({ subjectId: seekerId, personal: { comment } })),
    );
    return event.personal ?? '';
  };

  const erase = (seekerId: string) =>
    fixture.decisionLog.withTransaction(async (trx) => {
      await fixture.subjectKeyring.shredSubjectKey(trx, seekerId);
      await fixture.decisionLog.append(
        trx,
        anEvent({
          type: 'subject.erased',
          actor: { role: 'admin', id: 'admin-1' },
          subjectId: seekerId,
          payload: {},
        }),
      );
    });

  /** The API restarted with this master key in a file of its own, the other keys where they were. */
  const restartWith = (masterKey: Buffer) => {
    const file = path.join(fixture.database.dataDir, `master-${crypto.randomUUID()}.key`);
    fs.writeFileSync(file, `${masterKey.toString('base64')}\n`);
    const config = loadConfig({
      NODE_ENV: 'test',
      DATA_DIR: fixture.database.dataDir,
      AUDIT_MASTER_KEY_FILE: file,
    });
    return createDecisionLog(fixture.db, config, now);
  };

  const oldMasterKey = () =>
    Buffer.from(
      fs.readFileSync(path.join(fixture.database.dataDir, 'keys', 'decision-log-master.key'), 'utf8').trim(),
      'base64',
    );

  /** What a rotation may change, to check that a failed one changed none of it. */
  const readKeyState = async () => ({
    subjectKeys: await fixture.db('subject_keys').orderBy('key_id'),
    fingerprints: await fixture.db('log_key_fingerprints').orderBy('purpose'),
    head: await fixture.decisionLog.readHead(),
  });

  it('wraps every data key again under the new key, page after page, each keeping its id and age, so every sealed part opens as before', async () => {
    const people = Array.from({ length: REWRAP_PAGE + 3 }, (_, index) => `js-${index}`);
    const sealed = await fixture.decisionLog.withTransaction(async (trx) => {
      const parts: string[] = [];
      for (const person of people) {
        parts.push(await fixture.subjectKeyring.encryptPersonal(trx, person, { comment: `about ${person}` }));
      }
      return parts;
    });
    const before = await fixture.db('subject_keys').orderBy('key_id');

    const rotation = await fixture.decisionLog.rotateMasterKey(next, 'ops-7');
    expect(rotation.rewrappedDataKeys).toBe(people.length);

    const after = await fixture.db('subject_keys').orderBy('key_id');
    const unwrapped = (row: Record<string, unknown>) => ({
      key_id: row.key_id,
      subject: row.subject,
      created_at: row.created_at,
    });
    expect(after.map(unwrapped)).toEqual(before.map(unwrapped));
    after.forEach((row, index) => {
      expect(row.wrapped_key).not.toBe(before[index]?.wrapped_key);
    });

    const restarted = await restartWith(next);
    for (const [index, part] of sealed.entries()) {
      expect(await restarted.subjectKeyring.decryptPersonal(part)).toEqual({
        status: 'readable',
        value: { comment: `about ${people[index]}` },
      });
    }
    // The retired key opens none of them any more: the process that holds it learns why.
    await expect(fixture.subjectKeyring.decryptPersonal(sealed[0] ?? '')).rejects.toBeInstanceOf(
      MasterKeyReplacedError,
    );
  });

  it('leaves a destroyed data key destroyed', async () => {
    const alice = await sealFor('js-alice', 'alice');
    const bob = await sealFor('js-bob', 'bob');
    await erase('js-bob');

    expect(await fixture.decisionLog.rotateMasterKey(next, 'ops-7')).toMatchObject({ rewrappedDataKeys: 1 });

    const restarted = await restartWith(next);
    expect(await restarted.subjectKeyring.decryptPersonal(alice)).toEqual({
      status: 'readable',
      value: { comment: 'alice' },
    });
    expect(await restarted.subjectKeyring.decryptPersonal(bob)).toEqual({ status: 'shredded' });
    expect(
      await fixture.db('subject_keys').where({ subject: fixture.pseudonymiser.pseudonymise('js-bob') }),
    ).toEqual([]);
  });

  it('records the rotation by the operator as staff, with the fingerprints and the count only, and the chain still verifies', async () => {
    await sealFor('js-alice', 'alice');
    await sealFor('js-bob', 'bob');
    const retiredKeyFingerprint = fixture.subjectKeyring.masterKeyFingerprint;
    clock += 60_000;

    const rotation = await fixture.decisionLog.rotateMasterKey(next, 'ops-7');

    const restarted = await restartWith(next);
    expect(rotation.keyFingerprint).toBe(restarted.subjectKeyring.masterKeyFingerprint);
    expect(rotation.keyFingerprint).not.toBe(retiredKeyFingerprint);
    const [event] = await restarted.decisionLog.listEvents({ types: ['log.master_key_rotated'] });
    expect(event).toMatchObject({
      seq: rotation.seq,
      occurredAt: '2026-12-05T09:01:00.000Z',
      actor: { role: 'admin' },
      subject: null,
      personal: null,
      payload: { retiredKeyFingerprint, keyFingerprint: rotation.keyFingerprint, rewrappedDataKeys: 2 },
    });
    expect(Object.keys(event?.payload ?? {}).sort()).toEqual([
      'keyFingerprint',
      'retiredKeyFingerprint',
      'rewrappedDataKeys',
    ]);
    expect(event?.actor.pseudonym).not.toBe('ops-7');
    expect(
      await fixture
        .db('log_key_fingerprints')
        .where({ purpose: 'master' })
        .first('fingerprint', 'recorded_at'),
    ).toEqual({ fingerprint: rotation.keyFingerprint, recorded_at: '2026-12-05T09:01:00.000Z' });
    expect(await restarted.decisionLog.verifyRange()).toMatchObject({ ok: true, checked: rotation.seq });
  });

  it('lets a process with the new master key start, and refuses one with the old, naming the rotation that replaced it and the key to start with', async () => {
    const old = oldMasterKey();
    const rotation = await fixture.decisionLog.rotateMasterKey(next, 'ops-7');
    await expect(restartWith(next)).resolves.toBeDefined();
    await expect(restartWith(old)).rejects.toThrow(
      new RegExp(
        `other keys than this process's \\(master\\): its master key \\(read from .*master-.*\\.key\\) was retired by the key rotation at seq ${rotation.seq} \\(log\\.master_key_rotated\\): start it with the new key that rotation handed over to, AUDIT_MASTER_KEY_FILE naming that key's file`,
      ),
    );
  });

  it('refuses the master key in use as the new one, changing nothing', async () => {
    await sealFor('js-alice', 'alice');
    const before = await readKeyState();
    await expect(fixture.decisionLog.rotateMasterKey(oldMasterKey(), 'ops-7')).rejects.toThrow(
      /the new master key is the one in use/,
    );
    expect(await readKeyState()).toEqual(before);
  });

  it('refuses to rotate from a master key another rotation replaced meanwhile, even with no data key to wrap again, changing nothing', async () => {
    // This instance still holds the first key, as a second rotation command started at the same
    // time as the first would, and finds the log's key replaced once its turn comes.
    await fixture.decisionLog.rotateMasterKey(next, 'ops-7');
    const before = await readKeyState();
    await expect(fixture.decisionLog.rotateMasterKey(crypto.randomBytes(32), 'ops-8')).rejects.toThrow(
      'another rotation replaced the master key in use while this one waited: nothing changed; the key it handed over to is the one in use now',
    );
    expect(await readKeyState()).toEqual(before);
  });

  it('changes nothing when one data key does not open with the master key in use, and names that key', async () => {
    const alice = await sealFor('js-alice', 'alice');
    await sealFor('js-bob', 'bob');
    await sealFor('js-carol', 'carol');
    // Bob's row, damaged: one byte of the wrapped key flipped.
    const bob = await fixture
      .db('subject_keys')
      .where({ subject: fixture.pseudonymiser.pseudonymise('js-bob') })
      .first();
    const parts = String(bob.wrapped_key).split('.');
    const ciphertext = Buffer.from(parts[1] ?? '', 'base64url');
    ciphertext[0] = (ciphertext[0] ?? 0) ^ 1;
    parts[1] = ciphertext.toString('base64url');
    await fixture
      .db('subject_keys')
      .where({ key_id: bob.key_id })
      .update({ wrapped_key: parts.join('.') });
    const before = await readKeyState();

    await expect(fixture.decisionLog.rotateMasterKey(next, 'ops-7')).rejects.toThrow(
      `the data key ${bob.key_id} does not open with the master key in use`,
    );

    expect(await readKeyState()).toEqual(before);
    expect(await fixture.subjectKeyring.decryptPersonal(alice)).toEqual({
      status: 'readable',
      value: { comment: 'alice' },
    });
    await expect(restartWith(next)).rejects.toThrow(/other keys than this process's \(master;/);
  });

  it('tells a process left running with the retired master key that it was replaced, when it seals for a known person or opens their data, and that it is not in use any more', async () => {
    const part = await sealFor('js-alice', 'alice');
    expect(await fixture.subjectKeyring.isMasterKeyInUse()).toBe(true);
    await fixture.decisionLog.rotateMasterKey(next, 'ops-7');
    const head = await fixture.decisionLog.readHead();

    expect(await fixture.subjectKeyring.isMasterKeyInUse()).toBe(false);
    await expect(fixture.subjectKeyring.decryptPersonal(part)).rejects.toThrow(
      'the master key was replaced; restart the service with the new key',
    );
    await expect(sealFor('js-alice', 'alice again')).rejects.toBeInstanceOf(MasterKeyReplacedError);
    expect(await fixture.decisionLog.readHead()).toEqual(head);
    const restarted = await restartWith(next);
    expect(await restarted.subjectKeyring.isMasterKeyInUse()).toBe(true);
  });

  it('still reads a damaged data key as unreadable, not as a replaced master key, while the key is in use', async () => {
    const part = await sealFor('js-alice', 'alice');
    const row = await fixture.db('subject_keys').first();
    const parts = String(row.wrapped_key).split('.');
    const tag = Buffer.from(parts[2] ?? '', 'base64url');
    tag[0] = (tag[0] ?? 0) ^ 1;
    parts[2] = tag.toString('base64url');
    await fixture
      .db('subject_keys')
      .where({ key_id: row.key_id })
      .update({ wrapped_key: parts.join('.') });

    await expect(fixture.subjectKeyring.decryptPersonal(part)).rejects.toBeInstanceOf(
      UnreadablePersonalPartError,
    );
  });

  it('refuses to wrap a new person’s data key in a process left running with the retired master key', async () => {
    await sealFor('js-alice', 'alice');
    await fixture.decisionLog.rotateMasterKey(next, 'ops-7');
    const head = await fixture.decisionLog.readHead();

    await expect(sealFor('js-newcomer', 'newcomer')).rejects.toBeInstanceOf(MasterKeyReplacedError);

    expect(await fixture.decisionLog.readHead()).toEqual(head);
    expect(
      await fixture.db('subject_keys').where({ subject: fixture.pseudonymiser.pseudonymise('js-newcomer') }),
    ).toEqual([]);
  });
});
