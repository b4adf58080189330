import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nameModelFolder } from '../../src/model/model-folder.ts';
import { DEFAULT_TRAIN_OPTIONS } from '../../src/model/train-model.ts';
import { runScript } from '../support/run-script.ts';

describe('npm run train', () => {
  const folders: string[] = [];
  afterAll(() => Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true }))));

  it('refuses, in one line and with exit code 1, an --out whose model folder exists already, writing nothing into it', async () => {
    const out = await mkdtemp(join(tmpdir(), 'aiguillage-train-'));
    folders.push(out);
    const existing = join(out, nameModelFolder(DEFAULT_TRAIN_OPTIONS));
    await mkdir(existing);
    await writeFile(join(existing, 'MODEL_CARD.md'), 'the card the registry holds\n');

    const run = await runScript('train.ts', ['--out', out, '--seekers', '600', '--courses', '60']);

    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toEqual([
      `${existing} exists already: a model folder is never written over (the registry holds its files' hashes); ` +
        'write the new model elsewhere (--out), or give it another --model-version',
    ]);
    expect(await readdir(existing)).toEqual(['MODEL_CARD.md']);
    expect(await readFile(join(existing, 'MODEL_CARD.md'), 'utf8')).toBe('the card the registry holds\n');
  }, 120_000);
});
