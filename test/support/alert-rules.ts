import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';

export interface AlertRule {
  alert: string;
  expr: string;
  labels: { severity: string };
}

/** The alert rules of `docs/alert-rules.yml`, as Prometheus loads them. */
export async function readAlertRules(): Promise<AlertRule[]> {
  const document = parse(await readFile('docs/alert-rules.yml', 'utf8')) as {
    groups: Array<{ rules: AlertRule[] }>;
  };
  return document.groups.flatMap((group) => group.rules);
}

/** PromQL words that are not metric names: aggregations and functions (followed by `(`) aside. */
const PROMQL_KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
]);

/**
 * What an alert expression reads that the exposition text does not serve: a metric name (any, not
 * only `aiguillage_` ones) with no sample, a label no sample of it carries, or a value (`label="v"`, or
 * each word of `label=~"a|b"`) none of its samples has. Empty when the rule reads only what is served.
 */
export function listUnservedSelectors(expr: string, exposition: string, skip: string[] = []): string[] {
  const samples = exposition.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
  const missing: string[] = [];
  // Ranges ([7d]) hold no name; label matchers are read with the name before them.
  const selectors = [...expr.replace(/\[[^\]]*\]/g, ' ').matchAll(/([A-Za-z_:][\w:]*)\s*(\(|\{([^}]*)\})?/g)];
  for (const [, name = '', open = '', matchers = ''] of selectors) {
    if (open === '(' || PROMQL_KEYWORDS.has(name) || skip.includes(name)) continue;
    const served = samples.filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));
    if (served.length === 0) {
      missing.push(name);
      continue;
    }
    for (const [, label = '', regex = '', value = ''] of matchers.matchAll(
      /([A-Za-z_]\w*)\s*(=~|!~|!=|=)\s*"([^"]*)"/g,
    )) {
      if (!served.some((line) => line.includes(`${label}="`))) missing.push(`${name}{${label}}`);
      else if (regex === '=' || regex === '=~') {
        const values = regex === '=' ? [value] : value.split('|');
        for (const each of values) {
          if (!served.some((line) => line.includes(`${label}="${each}"`)))
            missing.push(`${name}{${label}="${each}"}`);
        }
      }
    }
  }
  return missing;
}
