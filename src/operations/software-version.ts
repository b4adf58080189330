import fs from 'node:fs';

const PACKAGE_FILE = new URL('../../package.json', import.meta.url);

/** The version of the software running, as `package.json` names it. */
export function readSoftwareVersion(): string {
  const manifest: unknown = JSON.parse(fs.readFileSync(PACKAGE_FILE, 'utf8'));
  const version =
    typeof manifest === 'object' && manifest !== null ? Reflect.get(manifest, 'version') : undefined;
  if (typeof version !== 'string') throw new Error('package.json names no version');
  return version;
}
