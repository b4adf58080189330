import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { SET_NAMING_MEMBERS, SET_NAMING_TYPES_ABOUT_ITS_PERSON } from '../../src/audit/audit-event-filter.ts';
import { DECISION_EVENT_TYPES } from '../../src/decision-log/decision-event.ts';

const CATALOGUE = new URL('../../docs/decision-log-events.md', import.meta.url);

/** The types the document has a section for (`## type`), in its order. */
async function listDocumentedTypes(): Promise<string[]> {
  const text = await readFile(CATALOGUE, 'utf8');
  return [...text.matchAll(/^## (\S+)$/gm)].map((match) => match[1] ?? '');
}

/** Each documented type's section, by type. */
async function readSections(): Promise<Map<string, string>> {
  const text = await readFile(CATALOGUE, 'utf8');
  return new Map(
    text
      .split(/^## /m)
      .slice(1)
      .map((section) => [section.slice(0, section.indexOf('\n')).trim(), section] as const),
  );
}

/**
 * The public members by which a documented type names sets other than its own `setId`: an addition's
 * `earlierModelSetId` tells about the addition, not about that set (SET_NAMING_MEMBERS says why).
 */
function setNamingMembersOf(section: string): string[] {
  const publicPart = section.slice(section.indexOf('- Public payload'), section.indexOf('- Sealed'));
  const names = [...publicPart.matchAll(/`([A-Za-z]*(?:SetIds?|setIds|OwedBy))`/g)].map(
    (match) => match[1] ?? '',
  );
  return [...new Set(names)].filter((name) => name !== 'earlierModelSetId').sort();
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

  it("has the set trail read every member by which a type names another set, so that a set's trail misses no event naming it", async () => {
    const documented = [...(await readSections())]
      .map(([type, section]) => [type, setNamingMembersOf(section)] as const)
      .filter(([, members]) => members.length > 0);
    const read = Object.entries(SET_NAMING_MEMBERS).map(
      ([type, members]) => [type, members.map(({ member }) => member).sort()] as const,
    );
    expect(Object.fromEntries(read)).toEqual(Object.fromEntries(documented));
  });

  it("says the person is the subject of every type a set's trail reads among the events of the set's person", async () => {
    const sections = await readSections();
    for (const type of SET_NAMING_TYPES_ABOUT_ITS_PERSON) {
      expect(sections.get(type)?.replace(/\s+/g, ' '), type).toMatch(/Subject: the (same )?person\./);
    }
  });
});
