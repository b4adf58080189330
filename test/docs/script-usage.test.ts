import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScript } from '../support/run-script.ts';

const root = path.resolve(import.meta.dirname, '../..');
const { scripts } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
};

/** The npm scripts that run a command-line script of `scripts/` with options, and its file. */
const commandLineScripts = Object.entries(scripts)
  .map(([name, command]) => [name, command.match(/^node --import tsx scripts\/([\w-]+\.ts)$/)?.[1]] as const)
  .filter((entry): entry is readonly [string, string] => entry[1] !== undefined);

describe("the scripts' --help", () => {
  it('finds the command-line scripts in package.json', () => {
    expect(commandLineScripts.map(([name]) => name)).toEqual(
      expect.arrayContaining(['token', 'train', 'bench', 'bench:model', 'audit:verify', 'retention']),
    );
  });

  it('names the command a reader types (npm run <script> --), not the file behind it', async () => {
    const usageLines = await Promise.all(
      commandLineScripts.map(async ([name, file]) => {
        const run = await runScript(file, ['--help']);
        return [name, run.code, run.stdout.split('\n')[0]] as const;
      }),
    );
    expect(
      usageLines.filter(
        ([name, code, usage]) => code !== 0 || !usage?.startsWith(`Usage: npm run ${name} -- `),
      ),
    ).toEqual([]);
  }, 120_000);

  it('points to the --help of a script run without an option it needs', async () => {
    const needingOptions = [
      'token',
      'train',
      'audit:verify',
      'audit:rotate-signing-key',
      'audit:rotate-master-key',
    ];
    const refusals = await Promise.all(
      needingOptions.map(async (name) => {
        const file = commandLineScripts.find(([script]) => script === name)?.[1] ?? `${name} (no script)`;
        const run = await runScript(file, []);
        return [name, run.code, run.stderr] as const;
      }),
    );
    expect(
      refusals.filter(
        ([name, code, stderr]) => code === 0 || !stderr.includes(`(npm run ${name} -- --help for usage)`),
      ),
    ).toEqual([]);
  }, 120_000);
});
