import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../src/audit/audit-event-store.ts';
import { formatCsvRow } from '../../src/audit/event-export-format.ts';

/** An event as a tampered or unlucky row may hold it: each text cell starts with a formula character. */
function anEventOfFormulaCells(): StoredEvent {
  return {
    seq: 7,
    eventId: '=HYPERLINK("https://example.org/x","click")',
    type: '+item.decided',
    occurredAt: '@2026-03-04T10:00:00.000Z',
    actor: { role: '\tcounselor', pseudonym: '-Qx0kL2aZ' },
    subject: '\rS1',
    payloadText: '{"setId":"set-1"}',
    personal: null,
    prevHash: '0'.repeat(64),
    hash: '1'.repeat(64),
  };
}

describe('the CSV export read in a spreadsheet', () => {
  it('prefixes with an apostrophe every cell that starts with = + - @, a tab or a carriage return, so that no spreadsheet takes it for a formula', () => {
    const [cells] = parse(formatCsvRow(anEventOfFormulaCells())) as string[][];
    expect(cells).toEqual([
      '7',
      `'=HYPERLINK("https://example.org/x","click")`,
      "'+item.decided",
      "'@2026-03-04T10:00:00.000Z",
      "'\tcounselor",
      "'-Qx0kL2aZ",
      "'\rS1",
      '{"setId":"set-1"}',
      'false',
      '0'.repeat(64),
      '1'.repeat(64),
    ]);
  });

  it('leaves a cell that starts otherwise as it is, and doubles a leading apostrophe, so that the reader may always drop the first one', () => {
    const event = {
      ...anEventOfFormulaCells(),
      eventId: "'quoted",
      type: 'item.decided',
      occurredAt: '2026-03-04T10:00:00.000Z',
      actor: { role: 'counselor', pseudonym: 'Qx0-kL2=aZ' },
      subject: null,
    };
    const [cells] = parse(formatCsvRow(event)) as string[][];
    expect(cells?.slice(1, 7)).toEqual([
      "''quoted",
      'item.decided',
      '2026-03-04T10:00:00.000Z',
      'counselor',
      'Qx0-kL2=aZ',
      '',
    ]);
  });
});
