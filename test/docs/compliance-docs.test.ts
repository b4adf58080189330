import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type DataSubjectRight, describeProcessing } from '../../src/access-record/processing-statement.ts';
import { DEFAULT_SETTINGS } from '../../src/settings/settings.ts';

const root = path.resolve(import.meta.dirname, '../..');

/** The compliance documents whose references to the repository must stay true. */
const DOCUMENTS = [
  'docs/risk-register.md',
  'docs/technical-documentation.md',
  'docs/instructions-for-use.md',
  'docs/fria-template.md',
  'docs/information-notice-fr.md',
  'docs/monitoring-plan-template.md',
];

/**
 * Repository paths a document names: `src/…`, `test/…` and the other top-level folders of code,
 * written as words (not inside a link or a longer path), ending on a letter or digit so that a
 * sentence's full stop is not taken for part of the name.
 */
const REPOSITORY_PATH = /(?<![\w./-])(?:src|test|scripts|models|migrations|openapi)\/[\w./-]*\w/g;

function readDocument(relative: string): string {
  return fs.readFileSync(path.join(root, relative), 'utf8');
}

function listNamedPaths(text: string): string[] {
  return [...new Set(text.match(REPOSITORY_PATH) ?? [])];
}

describe('the compliance documents', () => {
  it.each(DOCUMENTS)('%s names only files and folders the repository holds', (document) => {
    const named = listNamedPaths(readDocument(document));
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((file) => !fs.existsSync(path.join(root, file)))).toEqual([]);
  });

  it('names, for every hazard of the risk register, the test files that prove its controls', () => {
    const rows = readDocument('docs/risk-register.md')
      .split('\n')
      .filter((line) => /^\| R\d+ \|/.test(line));
    expect(rows.length).toBeGreaterThan(15);
    const unproven = rows
      .filter((row) => !row.includes('(nothing to test)'))
      .filter((row) => !listNamedPaths(row).some((named) => named.startsWith('test/')));
    expect(unproven).toEqual([]);
    const tests = rows.flatMap(listNamedPaths).filter((named) => named.startsWith('test/'));
    expect(tests.filter((named) => !named.endsWith('.test.ts'))).toEqual([]);
  });

  it('gives the technical documentation the range of decision records the repository holds', () => {
    const records = fs
      .readdirSync(path.join(root, 'docs/decisions'))
      .filter((file) => /^\d{4}-.*\.md$/.test(file))
      .sort();
    const range = `${records[0]?.slice(0, 4)}–${records.at(-1)?.slice(0, 4)}`;
    expect(readDocument('docs/technical-documentation.md')).toContain(
      `[Decision records](decisions/) ${range};`,
    );
  });

  it.each(['README.md', 'docs/instructions-for-use.md'])(
    '%s names every kind of row the personal-data period purges, and what keeps a profile',
    (document) => {
      // The rows a deployer copies into the record of processing: each kind of data `retention.purged`
      // counts under RETENTION_PERSONAL_DAYS, the counselors' replies to contests among them.
      const row = readDocument(document)
        .split('\n')
        .find((line) => line.startsWith('| `RETENTION_PERSONAL_DAYS`'));
      expect(row).toBeDefined();
      for (const kind of ['set', 'feedback', 'outcome', 'contest', 'profile']) {
        expect(row, kind).toContain(kind);
      }
      expect(row).toMatch(/no reply to a contest/);
    },
  );

  it('names in the notice every right the access record tells the person of', () => {
    // The notice's section 7 gives each right a bullet of its own, headed in bold.
    const headings: Record<DataSubjectRight, string> = {
      access: '**Voir vos données.**',
      rectification: '**Corriger vos données.**',
      restriction: "**Limiter l'utilisation de vos données.**",
      objection: "**Vous opposer à l'utilisation de l'IA.**",
      erasure: '**Effacer vos données.**',
      complaint: '**Réclamation.**',
    };
    const rights = readDocument('docs/information-notice-fr.md')
      .split('## 7. Vos droits')[1]
      ?.split('\n## ')[0];
    const told = describeProcessing(
      { personalDays: 1, logDays: 1, idempotencyHours: 1, readTraceDays: 1 },
      [],
    ).rights;
    for (const { right } of told) expect(rights, right).toContain(`- ${headings[right]}`);
  });

  it('links every compliance document from the README', () => {
    const readme = readDocument('README.md');
    for (const document of DOCUMENTS) {
      expect(readme).toContain(`](${document})`);
    }
  });
});

describe('the alerts the compliance documents name', () => {
  type Rules = { groups: Array<{ rules: Array<{ alert: string }> }> };
  const shipped = (parse(readDocument('docs/alert-rules.yml')) as Rules).groups.flatMap((group) =>
    group.rules.map((rule) => rule.alert),
  );
  /** Alert names as the rules spell them: the product's name followed by a capitalised word. */
  const namedAlerts = (text: string) => [...new Set(text.match(/\bAiguillage[A-Z]\w+/g) ?? [])];

  it.each([...DOCUMENTS, 'README.md', 'docs/decision-log-events.md'])(
    '%s names only alerts docs/alert-rules.yml defines',
    (document) => {
      expect(namedAlerts(readDocument(document)).filter((alert) => !shipped.includes(alert))).toEqual([]);
    },
  );

  it('are each given a reader and an action in the monitoring plan', () => {
    expect(shipped.length).toBeGreaterThan(0);
    const named = namedAlerts(readDocument('docs/monitoring-plan-template.md'));
    expect(shipped.filter((alert) => !named.includes(alert))).toEqual([]);
  });
});

describe('the metrics the compliance documents name', () => {
  /** Every metric the service registers: the `name` given to a prom-client metric under src/. */
  const registered = fs
    .readdirSync(path.join(root, 'src'), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .flatMap((file) => [...readDocument(path.join('src', file)).matchAll(/\bname: '(aiguillage_\w+)'/g)])
    .map((match) => match[1]);

  it.each([...DOCUMENTS, 'docs/alert-rules.yml'])(
    '%s names only metrics the service registers',
    (document) => {
      expect(registered.length).toBeGreaterThan(5);
      // A histogram's series are its name with a suffix.
      const named = (readDocument(document).match(/\baiguillage_\w+/g) ?? []).map((name) =>
        name.replace(/_(bucket|count|sum)$/, ''),
      );
      expect([...new Set(named)].filter((name) => !registered.includes(name))).toEqual([]);
    },
  );
});

describe("the instructions' table of settings (section 3.2)", () => {
  it('gives each setting the default the service starts with and the range the contract accepts', () => {
    type Spec = {
      components: {
        schemas: {
          SettingsFields: {
            properties: Record<string, { type: string; minimum?: number; maximum?: number }>;
          };
        };
      };
    };
    const fields = (parse(readDocument('openapi/openapi.yaml')) as Spec).components.schemas.SettingsFields
      .properties;
    const rows = new Map(
      readDocument('docs/instructions-for-use.md')
        .split('\n')
        .map((line) => line.match(/^\| `(\w+)` \| `([^`]+)` \| ([^|]+) \|/))
        .filter((match) => match !== null)
        .map(([, name = '', value = '', range = '']) => [name, { value, range: range.trim() }]),
    );
    for (const [name, value] of Object.entries(DEFAULT_SETTINGS)) {
      const field = fields[name];
      expect(rows.get(name), name).toEqual({
        value: String(value),
        range: field?.type === 'boolean' ? 'boolean' : `${field?.minimum}–${field?.maximum}`,
      });
    }
  });
});

describe("the instructions' incident commands", () => {
  const instructions = readDocument('docs/instructions-for-use.md');
  const section = instructions.slice(
    instructions.indexOf('## 11. Incidents'),
    instructions.indexOf('## 12.'),
  );
  const commands = section.match(/```bash\n([\s\S]*?)```/)?.[1] ?? '';

  it('keep the id of the incident they record for the reports that name it', () => {
    expect(commands).toContain('/notifications');
    expect(commands.indexOf('INCIDENT=$(')).toBeGreaterThanOrEqual(0);
    expect(commands.indexOf('INCIDENT=$(')).toBeLessThan(commands.indexOf('$INCIDENT/notifications'));
  });

  it('date the detection and the report now and name a set the application holds, not a fixed example', () => {
    expect(commands).not.toMatch(/"(detectedAt|notifiedAt)": "\d{4}-/);
    expect(commands).toContain('"setIds": ["\'"$SET"\'"]');
  });
});

describe('the share of sets opened before their first decision', () => {
  // The figure counts the reviewed sets that were opened first (src/audit/set-review.ts).
  it('is described in the instructions and the contract as the sets opened first, not those decided unopened', () => {
    const instructions = readDocument('docs/instructions-for-use.md');
    const section = instructions.slice(instructions.indexOf('### 3.4 '), instructions.indexOf('### 3.5 '));
    const flat = section.replace(/\s+/g, ' ');
    expect(flat).not.toContain('share of sets decided without being opened');
    expect(flat).toContain(
      'share of reviewed sets opened before their first decision (`openedBeforeFirstDecisionShare`',
    );

    type Spec = {
      components: { schemas: Record<string, { properties?: Record<string, { description?: string }> }> };
    };
    const spec = parse(readDocument('openapi/openapi.yaml')) as Spec;
    const described =
      spec.components.schemas.OversightRowFigures?.properties?.openedBeforeFirstDecisionShare?.description;
    expect(described).toMatch(/^Share of the reviewed sets .* opened .* before their first decision/);
  });
});
