import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { TestDatabase } from './test-database.ts';

const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));
const runFile = promisify(execFile);

/** How a command-line script ended. */
export interface ScriptRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ScriptOptions {
  /** Set over the test's own environment. */
  env?: Record<string, string>;
  /** Variables of the test's environment the script must not see. */
  unset?: string[];
}

/**
 * Runs `scripts/<file>` as its npm script does (`node --import tsx`), from the repository root,
 * and reports how it ended instead of throwing on a non-zero exit.
 */
export function runScript(
  file: string,
  args: string[] = [],
  options: ScriptOptions = {},
): Promise<ScriptRun> {
  return runTypeScript(`scripts/${file}`, args, options);
}

/**
 * Runs `npm start` (`src/main.ts`) on a free port, for a start that is refused; one that serves
 * instead is stopped after a minute (SIGTERM, code -1).
 */
export function runStart(options: ScriptOptions = {}): Promise<ScriptRun> {
  return runTypeScript(
    'src/main.ts',
    [],
    {
      ...options,
      env: { PORT: '0', SEED_DEMO: 'false', NODE_ENV: 'test', LOG_LEVEL: 'info', ...options.env },
    },
    60_000,
  );
}

async function runTypeScript(
  file: string,
  args: string[],
  options: ScriptOptions,
  timeout = 0,
): Promise<ScriptRun> {
  const inherited = { ...process.env };
  for (const name of options.unset ?? []) delete inherited[name];
  try {
    const { stdout, stderr } = await runFile(process.execPath, ['--import', 'tsx', file, ...args], {
      cwd: repositoryRoot,
      env: { ...inherited, NO_COLOR: '1', ...options.env },
      timeout,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/**
 * Runs `scripts/<file>` with a test app's database and data folder (keys included), as an operator
 * runs it with the configuration of an API, left running or not.
 */
export function runScriptOn(
  database: Pick<TestDatabase, 'dataDir' | 'databaseUrl'>,
  file: string,
  args: string[],
): Promise<ScriptRun> {
  return runScript(file, args, {
    env: {
      NODE_ENV: 'test',
      DATA_DIR: database.dataDir,
      ...(database.databaseUrl === undefined ? {} : { DATABASE_URL: database.databaseUrl }),
    },
  });
}
