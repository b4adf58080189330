import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));
const runFile = promisify(execFile);

/** The course ids `selectTopScores` keeps, best first, of courses scoring the same, in a process under `locale`. */
async function rankTiesUnder(locale: string, ids: readonly string[], limit: number): Promise<string[]> {
  const script = `
    const { selectTopScores } = await import('./src/scoring/select-top-scores.ts');
    const rows = ${JSON.stringify(ids)}.map((courseId) => ({ courseId, score: 0.5 }));
    console.log(JSON.stringify(selectTopScores(rows, ${limit}).map((row) => row.courseId)));
  `;
  const { stdout } = await runFile(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', script],
    {
      cwd: repositoryRoot,
      env: { ...process.env, LC_ALL: locale, LANG: locale },
    },
  );
  return JSON.parse(stdout) as string[];
}

/**
 * An additive model of binned features ties often: which of the tied courses a person is suggested
 * must not depend on the host's locale (two API processes, or the machine that built the model card).
 */
describe('the order of courses that score the same', () => {
  it('is the same whatever the locale of the process', async () => {
    const ids = ['AAR-01', 'BOR-02', 'ZED-03'];
    const english = await rankTiesUnder('en_US.UTF-8', ids, 2);
    // Danish collation sorts "AA" as Å, after Z.
    const danish = await rankTiesUnder('da_DK.UTF-8', ids, 2);
    expect(english).toEqual(['AAR-01', 'BOR-02']);
    expect(danish).toEqual(english);
  });
});
