import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

/** The part of `semver` read here (it ships no types). */
interface Semver {
  Range: new (range: string) => { set: ReadonlyArray<ReadonlyArray<{ value: string }>> };
  minVersion(range: string): { version: string } | null;
  satisfies(version: string, range: string): boolean;
  compare(a: string, b: string): number;
}
const semver = createRequire(import.meta.url)('semver') as Semver;

/** What npm 11, which the README asks for (`allowScripts`), runs on: its own `engines`. */
const NPM_11_NODE = '^20.17.0 || >=22.9.0';

/** Node's major lines of today: the lowest version of each the engines field admits is checked. */
const MAJORS = [20, 21, 22, 23, 24, 25, 26];

/** The lowest version of the major line `major` the range admits, if any. */
function lowestOfLine(range: string, major: number): string | undefined {
  const found = new semver.Range(range).set
    .map((comparators) =>
      semver.minVersion(
        `${comparators.map((c) => c.value).join(' ')} >=${major}.0.0 <${major + 1}.0.0`.trim(),
      ),
    )
    .flatMap((version) => (version === null ? [] : [version.version]))
    .sort(semver.compare);
  return found[0];
}

describe('the Node versions package.json says the project runs on', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    engines: { node: string };
  };
  const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { optional?: boolean; engines?: { node?: string } }>;
  };
  const needs = Object.entries(lock.packages).flatMap(([where, entry]) =>
    where !== '' && entry.optional !== true && entry.engines?.node !== undefined
      ? [[where.replace(/^.*node_modules\//, ''), entry.engines.node] as const]
      : [],
  );

  it('admits only versions npm 11 and every installed package (the test and lint tools too) run on', () => {
    const refused: string[] = [];
    for (const major of MAJORS) {
      const lowest = lowestOfLine(manifest.engines.node, major);
      if (lowest === undefined) continue;
      for (const [name, range] of [['npm 11', NPM_11_NODE] as const, ...needs]) {
        if (!semver.satisfies(lowest, range)) refused.push(`${name} (${range}) refuses Node ${lowest}`);
      }
    }
    expect(refused).toEqual([]);
  });

  it('admits the Node 20 line this machine and the README name', () => {
    expect(lowestOfLine(manifest.engines.node, 20)).toBeDefined();
  });
});
