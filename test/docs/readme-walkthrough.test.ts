import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import type { JobSeeker, JobSeekerInput } from '../../src/job-seekers/job-seeker.ts';
import { listManualSearchPaths } from '../../src/recommendations/manual-path.ts';

const root = path.resolve(import.meta.dirname, '../..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

/** The README's text from one heading to the next one named. */
function readSection(from: string, to: string): string {
  const start = readme.indexOf(from);
  const end = readme.indexOf(to, start);
  expect(start).toBeGreaterThanOrEqual(0);
  expect(end).toBeGreaterThan(start);
  return readme.slice(start, end);
}

/** The commands of "A first loop, step by step" and "An auditor's session", in the order given. */
const commands = [...readSection('## A first loop', '## Configuration').matchAll(/```bash\n([\s\S]*?)```/g)]
  .map((block) => block[1] ?? '')
  .join('\n');

/** Where a command first holds `needle` (the test fails when none does). */
function positionOf(needle: string): number {
  const position = commands.indexOf(needle);
  expect(position, needle).toBeGreaterThanOrEqual(0);
  return position;
}

/** The whole command (its continued lines included) of the walkthrough holding `position`. */
function commandAt(position: number): { text: string; start: number; end: number } {
  const start = commands.lastIndexOf('\n', position) + 1;
  let end = commands.indexOf('\n', position);
  while (end >= 0 && commands[end - 1] === '\\') end = commands.indexOf('\n', end + 1);
  if (end < 0) end = commands.length;
  let first = start;
  while (first > 1 && commands[first - 2] === '\\') first = commands.lastIndexOf('\n', first - 2) + 1;
  return { text: commands.slice(first, end), start: first, end };
}

describe('the README walkthrough', () => {
  it('makes each Idempotency-Key with node, not with a file Linux alone has', () => {
    expect(commands).not.toContain('/proc/');
    const keys = [...commands.matchAll(/Idempotency-Key: \$\((.*?)\)"/g)].map((key) => key[1]);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.filter((key) => key !== "node -p 'crypto.randomUUID()'")).toEqual([]);
  });

  it('holds no bash array, which zsh numbers from 1', () => {
    expect(commands).not.toMatch(/\w=\(/);
    expect(commands).not.toMatch(/\$\{\w+\[/);
  });

  it('writes the audit files in a folder of their own, out of the repository', () => {
    expect(commands).toContain('OUT=$(mktemp -d)');
    const written = [
      ...commands.matchAll(/(?:>>?|\s-D|--public-key|--checkpoints|audit:verify --)\s+("[^"]*"|[^\s;|)]+)/g),
    ]
      .map((target) => target[1] ?? '')
      .filter((target) => target !== '/dev/null' && target !== '-');
    expect(written.length).toBeGreaterThan(5);
    expect(written.filter((target) => !target.startsWith('"$OUT/'))).toEqual([]);
  });

  it('lists the pending_review queue while the set is still in it', () => {
    expect(positionOf('status=pending_review')).toBeLessThan(positionOf('/publish'));
  });

  it('has the person contest a course before the counselor looks for contests and replies', () => {
    const contest = positionOf('"response": "contest"');
    expect(contest).toBeLessThan(positionOf('.contests[]'));
    expect(contest).toBeLessThan(positionOf('contested=true'));
    expect(contest).toBeLessThan(positionOf('/contest-reply'));
  });

  it("reads the file of the person the walkthrough's sets are for", () => {
    const seeker = commands.match(/SEEKER=.*--sub (js-\d+)/)?.[1];
    const file = commands.match(/\/v1\/job-seekers\/(js-\d+)"[^\n]*\n[^\n]*\.contests\[\]/)?.[1];
    expect(seeker).toBeDefined();
    expect(file).toBe(seeker);
  });

  it('records an outcome after the retraction and the objection that would delete it', () => {
    const outcome = positionOf('/outcomes/');
    expect(outcome).toBeGreaterThan(positionOf('/retract'));
    expect(outcome).toBeGreaterThan(positionOf('DELETE $API/v1/me/objection'));
  });

  it("finds the model's set it retracted among the sets it made", () => {
    const query = commands.match(/modelId=[^"]*/)?.[0] ?? '';
    expect(positionOf(query)).toBeGreaterThan(positionOf('/retract'));
    expect(query).toMatch(/status=[\w,]*retracted/);
  });

  describe('the catalog search', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    /** The person the walkthrough syncs, as the manual path reads them. */
    function readSyncedPerson(): JobSeeker {
      const body = commands.match(/PUT \$API\/v1\/job-seekers\/js-2001 [^']*'[^']*' -d '(\{[^']*\})'/)?.[1];
      expect(body).toBeDefined();
      return {
        ...(JSON.parse(body ?? '{}') as JobSeekerInput),
        id: 'js-2001',
        aiObjection: false,
        enrolmentId: null,
        createdAt: '2026-10-01T08:00:00.000Z',
        updatedAt: '2026-10-01T08:00:00.000Z',
      };
    }

    it('asks for the manual path a refusal gives the person, at any hour in France, the summer time changes included', () => {
      const tomorrow = commands.match(/^TOMORROW=\$\(node -p "(.*)"\)$/m)?.[1];
      expect(tomorrow).toBeDefined();
      const search = commandAt(positionOf('/v1/courses?')).text.match(/"\$API(\/v1\/courses\?[^"]*)"/)?.[1];
      expect(search).toBeDefined();
      const person = readSyncedPerson();
      vi.useFakeTimers({ toFake: ['Date'] });
      for (const instant of [
        '2026-12-05T22:30:00Z', // 23:30 in France
        '2026-12-05T23:30:00Z', // 00:30 the next day
        '2027-03-27T22:30:00Z', // 23:30, the night the clocks go forward
        '2026-10-24T22:30:00Z', // 00:30 in summer time, the day the clocks go back
        '2026-10-25T22:30:00Z', // 23:30 that day, in winter time
      ]) {
        vi.setSystemTime(new Date(instant));
        // The README's own expression, run as node -p runs it, on this clock.
        const day = String(new Function(`return ${tomorrow}`)());
        const asked = new URLSearchParams(search?.replace('/v1/courses?', '').replace('$TOMORROW', day));
        expect(asked.get('limit'), instant).toBe('5');
        asked.delete('limit');
        const [manualPath] = listManualSearchPaths(person, new Date(instant));
        expect(Object.fromEntries(asked), instant).toEqual(
          Object.fromEntries(new URLSearchParams(manualPath?.replace('/v1/courses?', ''))),
        );
      }
    });
  });

  it('tells who each of its tokens stands for before minting them', () => {
    const tokens = readme.indexOf('npm run -s token');
    const told = readme.slice(readme.indexOf('## A first loop'), tokens);
    const minted = [
      ...readme.slice(tokens, readme.indexOf('```', tokens)).matchAll(/--role (\w+) --sub ([\w-]+)/g),
    ];
    expect(minted.length).toBe(5);
    const untold = minted.filter(([, role = '', sub = '']) => {
      const named = role === 'job_seeker' ? 'job seeker' : role;
      return !told.includes(named) || (/^(c|js)-/.test(sub) && !told.includes(`\`${sub}\``));
    });
    expect(untold.map(([token]) => token)).toEqual([]);
  });

  it("names the refusal's field the walkthrough shows as the person's manual path", () => {
    const search = readme.indexOf('$API/v1/courses?');
    const told = readme.slice(readme.lastIndexOf('```\n', readme.lastIndexOf('```bash', search)), search);
    const shown = commandAt(positionOf("jq '{status, detail, manualSearchPaths")).text;
    expect(shown).toContain('manualSearchPaths');
    expect(told).toContain('`manualSearchPaths`');
  });

  it('says what the activation answers when pasted in the walkthrough, which runs no recall', () => {
    /** The README's text from the end of the block before the one holding `needle` to that needle. */
    const leadingTo = (needle: string): string => {
      const position = readme.indexOf(needle);
      expect(position, needle).toBeGreaterThanOrEqual(0);
      return readme.slice(readme.lastIndexOf('```\n', readme.lastIndexOf('```bash', position)), position);
    };
    expect(leadingTo('/v1/models/aiguillage-ebm-1.1.0/recall')).toContain('Not run in this walkthrough');
    const activation = leadingTo('/v1/models/aiguillage-ebm-1.1.0/activate');
    expect(activation).not.toContain('after the recall above');
    expect(activation).toContain('`activatedBy`');
    expect(activation).toContain('`alreadyActive: true`');
  });

  it('fences every command of the walkthrough as bash, the shell its blocks are written for', () => {
    const fences = [
      ...readSection('## A first loop', '## Configuration').matchAll(/```(\w*)\n[\s\S]*?```/g),
    ].map((block) => block[1]);
    expect(fences.length).toBeGreaterThan(10);
    expect(fences.filter((language) => language !== 'bash')).toEqual([]);
  });

  it("asks for the person's access record before erasing them, and reads nothing of theirs after", () => {
    const erasure = commandAt(positionOf('X-Erasure-Request'));
    expect(erasure.text).toContain('DELETE $API/v1/job-seekers/js-2001');
    expect(positionOf('X-Access-Request')).toBeLessThan(erasure.start);
    const after = commands.slice(erasure.end);
    expect(
      ['js-2001', '$SEEKER', '$SET', '$ITEM', '$COURSE'].filter((person) => after.includes(person)),
    ).toEqual([]);
  });

  it('shows the status the erasure answers, which has no body', () => {
    expect(commandAt(positionOf('X-Erasure-Request')).text).toMatch(
      /^curl -s -o \/dev\/null -w '%\{http_code\}\\n' -X DELETE /,
    );
  });

  it('tells how to run the walkthrough again once its person is erased', () => {
    const after = readme.slice(readme.indexOf('X-Erasure-Request: ERASE'), readme.indexOf('### Demo data'));
    expect(after).toContain('`"$API/v1/job-seekers/js-2001?reEnrol=true"`');
  });

  it('says that the demo hint asks for suggestions with an Idempotency-Key', () => {
    const hint = readSection('### Demo data', '## Configuration');
    expect(hint).toContain('POST /v1/job-seekers/js-1005/recommendations');
    expect(hint).toContain('`Idempotency-Key`');
  });
});

describe("the README's settings", () => {
  const settings = readSection('## Configuration', '## PostgreSQL');
  const intro = settings.slice(0, settings.indexOf('| variable |'));

  it('names every word a yes-or-no setting takes', () => {
    for (const [word, value] of [
      ['true', true],
      ['1', true],
      ['yes', true],
      ['false', false],
      ['0', false],
      ['no', false],
    ] as const) {
      expect(loadConfig({ SEED_DEMO: word.toUpperCase() }).seedDemo).toBe(value);
      expect(intro).toContain(`\`${word}\``);
    }
  });

  it('has a row for every variable src/config.ts reads, and none for another', () => {
    const read = new Set<string>();
    const watched = (values: Record<string, string>) =>
      new Proxy(values, {
        get(target, name) {
          if (typeof name === 'string') read.add(name);
          return target[name as string];
        },
        has(target, name) {
          if (typeof name === 'string') read.add(name);
          return name in target;
        },
      });
    loadConfig(watched({}));
    loadConfig(watched({ NODE_ENV: 'production', AUTH_LOCAL_KEYS: 'true', AUDIT_LOCAL_KEYS: 'true' }));
    loadConfig(watched({ NODE_ENV: 'test' }));
    const rows = [...settings.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm)].map((row) => row[1]);
    expect(read.size).toBeGreaterThan(30);
    expect([...read].filter((name) => !rows.includes(name)).sort()).toEqual([]);
    expect(rows.filter((name) => name !== undefined && !read.has(name)).sort()).toEqual([]);
  });

  it('gives the log level NODE_ENV=test starts with', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).logLevel).toBe('silent');
    const row = settings.split('\n').find((line) => line.startsWith('| `LOG_LEVEL` |')) ?? '';
    expect(row.split('|')[2]).toContain('`silent` when `NODE_ENV=test`');
  });
});

describe('npm ci, the first command of the README', () => {
  it('runs or refuses by name the install script of every package that has one', () => {
    const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { hasInstallScript?: boolean }>;
    };
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      allowScripts: Record<string, boolean>;
    };
    const withScripts = Object.entries(lock.packages)
      .filter(([, entry]) => entry.hasInstallScript === true)
      .map(([location]) => location.slice(location.lastIndexOf('node_modules/') + 'node_modules/'.length));
    expect(withScripts.length).toBeGreaterThan(0);
    expect(withScripts.filter((name) => !(name in manifest.allowScripts))).toEqual([]);
  });
});

describe("the README's scripts", () => {
  it('trains the model again outside the shipped folders, whose registered card the new one would replace', () => {
    const row = readme.split('\n').find((line) => line.startsWith('| `npm run train')) ?? '';
    const out = row.match(/--out (\S+?)`/)?.[1];
    expect(out).toBeDefined();
    expect(path.resolve(root, out ?? '')).not.toBe(path.resolve(root, loadConfig({}).modelsDir));
    expect(row).toContain('split');
  });
});

describe("the README's code layout", () => {
  it('names every folder of src/', () => {
    const layout = readme.slice(readme.indexOf('## How the code is laid out'));
    const folders = fs
      .readdirSync(path.join(root, 'src'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    expect(folders.length).toBeGreaterThan(10);
    expect(
      folders.filter((folder) => !layout.includes(`src/${folder}/`) && !layout.includes(` ${folder}/`)),
    ).toEqual([]);
  });
});
