import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createDecisionLog } from '../../src/decision-log/create-decision-log.ts';
import { useTestDatabase } from '../support/use-test-database.ts';

describe('the keys of a database’s decision log', () => {
  const opened = useTestDatabase();
  const folders: string[] = [];

  afterAll(async () => {
    for (const folder of folders) fs.rmSync(folder, { recursive: true, force: true });
  });

  function configFor(dataDir: string, files: Record<string, string> = {}) {
    return loadConfig({
      NODE_ENV: 'test',
      DATA_DIR: dataDir,
      DATABASE_URL: opened.database.databaseUrl ?? '',
      ...files,
    });
  }

  function aFolder(): string {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'aiguillage-other-keys-'));
    folders.push(folder);
    return folder;
  }

  it('are recorded by the first process, and a process with other keys refuses to start, naming them', async () => {
    const { database, db } = opened;
    await createDecisionLog(db, configFor(database.dataDir));
    const recorded = await db('log_key_fingerprints').orderBy('purpose').pluck('purpose');
    expect(recorded).toEqual(['master', 'pseudonym', 'signing']);

    const elsewhere = aFolder();
    await expect(createDecisionLog(db, configFor(elsewhere))).rejects.toThrow(
      new RegExp(
        `other keys than this process's \\(master, pseudonym, signing; read from ${elsewhere}/keys/decision-log-signing-key\\.pem, ${elsewhere}/keys/decision-log-master\\.key, ${elsewhere}/keys/pseudonym\\.key\\)`,
      ),
    );
    // Nothing was appended with the other keys, and the first keys still start.
    await createDecisionLog(db, configFor(database.dataDir));
  });

  it('accept the same keys read from named files, and refuse a single key that differs', async () => {
    const { database, db } = opened;
    await createDecisionLog(db, configFor(database.dataDir));
    const keys = path.join(database.dataDir, 'keys');
    const files = {
      AUDIT_SIGNING_KEY_FILE: path.join(keys, 'decision-log-signing-key.pem'),
      AUDIT_MASTER_KEY_FILE: path.join(keys, 'decision-log-master.key'),
      AUDIT_PSEUDONYM_KEY_FILE: path.join(keys, 'pseudonym.key'),
    };
    await createDecisionLog(db, configFor(aFolder(), files));

    const otherPseudonymKey = path.join(aFolder(), 'pseudonym.key');
    fs.writeFileSync(otherPseudonymKey, `${Buffer.alloc(32, 7).toString('base64')}\n`);
    await expect(
      createDecisionLog(db, configFor(aFolder(), { ...files, AUDIT_PSEUDONYM_KEY_FILE: otherPseudonymKey })),
    ).rejects.toThrow(/other keys than this process's \(pseudonym; read from .*pseudonym\.key\)/);
  });
});
