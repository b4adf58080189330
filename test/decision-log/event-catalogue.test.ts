import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { DECISION_EVENT_TYPES } from '../../src/decision-log/decision-event.ts';

const CATALOGUE = new URL('../../docs/decision-log-events.md', import.meta.url);

/** The types the document has a section for (`## type`), in its order. */
async function listDocumentedTypes(): Promise<string[]> {
  const text = await readFile(CATALOGUE, 'utf8');
  return [...text.matchAll(/^## (\S+)$/gm)].map((match) => match[1] ?? '');
}

describe('the catalogue of decision-log events (docs/decision-log-events.md)', () => {
  it('documents every event type the log records, each in a section of its own', async () => {
    const documented = await listDocumentedTypes();
    expect(DECISION_EVENT_TYPES.filter((type) => !documented.includes(type))).toEqual([]);
  });

  it('documents no type the log does not record, and none twice', async () => {
    const documented = await listDocumentedTypes();
    expect(documented.filter((type) => !(DECISION_EVENT_TYPES as readonly string[]).includes(type))).toEqual(
      [],
    );
    expect(new Set(documented).size).toBe(documented.length);
  });

  it("names every auditors' figure that opens the sealed parts where it says who reads them", async () => {
    const intro = (await readFile(CATALOGUE, 'utf8')).split(/^## /m)[0]?.replace(/\s+/g, ' ') ?? '';
    const [sentence] = intro.match(/[^.(]* open it in aggregate/) ?? [];
    // The attribution, drift and outcome figures each open the sealed parts with the person's key.
    for (const figure of ['attribution', 'drift', 'outcome']) expect(sentence, figure).toContain(figure);
  });
});
