import fs from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { hasLocalKeys, loadOrCreateLocalKeys } from '../src/auth/local-keys.ts';
import { mintLocalToken } from '../src/auth/mint-token.ts';
import { isRole, ROLES, type Role } from '../src/auth/principal.ts';
import { loadConfig } from '../src/config.ts';
import { isApplicationActorId } from '../src/model-registry/application-actors.ts';

/** A month: long enough for a demo, short enough that a forgotten token dies. */
const MAX_TTL_SECONDS = 30 * 24 * 3600;
const DEFAULT_TTL_SECONDS = 8 * 3600;

interface TokenOptions {
  role?: Role[];
  sub: string;
  ttl: number;
}

const program = new Command()
  .name('npm run token --')
  .description(
    'Mints a bearer token signed with the local key of DATA_DIR (the same key the API uses when no ' +
      'identity provider is configured). The token alone is printed on the last line.',
  )
  .requiredOption(
    '--sub <subject>',
    "the token's subject: a counselor, job seeker or service id",
    readSubject,
  )
  .option('--role <roles>', `a role, repeatable or comma-separated: ${ROLES.join(', ')}`, collectRoles)
  .option('--ttl <seconds>', 'lifetime in seconds', readTtl, DEFAULT_TTL_SECONDS)
  .addHelpText('after', '\nExample: npm run token -- --role counselor --sub c-001')
  .showHelpAfterError('(npm run token -- --help for usage)');

async function mintFromCommandLine(): Promise<void> {
  program.parse();
  const options = program.opts<TokenOptions>();
  const roles = [...new Set(options.role ?? [])];
  if (roles.length === 0) program.error(`error: give at least one --role (${ROLES.join(', ')})`);
  // The API refuses such a token (401): the models would read the person as the application.
  if (roles.includes('admin') && isApplicationActorId(options.sub)) {
    throw new Error(
      `"${options.sub}" is an id the application acts under itself (it registers and activates the ` +
        'shipped model under it), so no admin token may carry it and the API would refuse one with 401; ' +
        'give the admin their own id as --sub.',
    );
  }
  const config = loadConfig();
  if (config.auth.jwksUrl !== undefined) {
    throw new Error(
      'AUTH_JWKS_URL is set, so the API trusts tokens from that identity provider only; get a token ' +
        'there (this command signs with the local key, which the API then ignores).',
    );
  }
  const dataDir = path.resolve(config.dataDir);
  // A mistyped DATA_DIR would otherwise get a key of its own, and its tokens a 401 from the API.
  if (!fs.existsSync(dataDir)) {
    throw new Error(
      `DATA_DIR ${dataDir} does not exist, so no API has run on it and none would accept a token ` +
        'signed there; give the DATA_DIR the API was started with (the API makes the folder and its key ' +
        'on its first start).',
    );
  }
  const madeKey = !hasLocalKeys(dataDir);
  const keys = await loadOrCreateLocalKeys(dataDir);
  if (madeKey) {
    process.stderr.write(
      `npm run token: no local key was in ${dataDir}, so one was made; only an API started with this ` +
        'DATA_DIR accepts the token (one running with another answers 401).\n',
    );
  }
  const expiresAt = new Date(Date.now() + options.ttl * 1000);
  const token = await mintLocalToken(config.auth, keys, {
    subject: options.sub,
    roles,
    expiresInSeconds: options.ttl,
  });
  const lines = [
    `Token for "${options.sub}" with role(s) ${roles.join(', ')}, valid until ${expiresAt.toISOString()}.`,
    `Signed with the local key in ${dataDir}; send it as "Authorization: Bearer <token>".`,
    token,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

function collectRoles(value: string, previous: Role[] = []): Role[] {
  const given = value
    .split(',')
    .map((role) => role.trim())
    .filter((role) => role !== '');
  const unknown = given.filter((role) => !isRole(role));
  if (unknown.length > 0 || given.length === 0) {
    throw new InvalidArgumentError(`"${value}" is not a role; the roles are ${ROLES.join(', ')}.`);
  }
  return [...previous, ...given.filter(isRole)];
}

function readSubject(value: string): string {
  const subject = value.trim();
  if (subject === '') throw new InvalidArgumentError('the subject must not be empty.');
  return subject;
}

function readTtl(value: string): number {
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_TTL_SECONDS) {
    throw new InvalidArgumentError(`give a whole number of seconds from 1 to ${MAX_TTL_SECONDS}.`);
  }
  return seconds;
}

mintFromCommandLine().catch((error: unknown) => {
  process.stderr.write(`npm run token: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
