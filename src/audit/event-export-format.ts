import { writeStoredEventText } from '../decision-log/stored-decision-event.ts';
import type { StoredEvent } from './audit-event-store.ts';

export const EXPORT_FORMATS = ['ndjson', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The media type of each export format. */
export const EXPORT_MEDIA_TYPES: Record<ExportFormat, string> = {
  ndjson: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
};

/**
 * One NDJSON line: the event with exactly the fields it was recorded and hashed with, as the
 * decision log writes a stored event out (its payload as the text that was hashed), so that the
 * offline verifier recomputes every hash from the line alone.
 */
export function formatNdjsonLine(event: StoredEvent): string {
  return `${writeStoredEventText(event)}\n`;
}

const CSV_COLUMNS = [
  'seq',
  'eventId',
  'type',
  'occurredAt',
  'actorRole',
  'actorPseudonym',
  'subject',
  'payload',
  'hasPersonal',
  'prevHash',
  'hash',
] as const;

/** The first line of a CSV export. */
export const CSV_HEADER = `${CSV_COLUMNS.join(',')}\r\n`;

/**
 * One CSV row (RFC 4180), for reading in a spreadsheet: the payload as its JSON text and only
 * whether a sealed personal part exists, each cell guarded against formulas
 * ({@link guardFormulaCell}). Verification uses the NDJSON export.
 */
export function formatCsvRow(event: StoredEvent): string {
  const cells = [
    String(event.seq),
    event.eventId,
    event.type,
    event.occurredAt,
    event.actor.role,
    event.actor.pseudonym,
    event.subject ?? '',
    event.payloadText,
    event.personal === null ? 'false' : 'true',
    event.prevHash,
    event.hash,
  ];
  return `${cells.map((cell) => quoteCsvCell(guardFormulaCell(cell))).join(',')}\r\n`;
}

/**
 * A cell a spreadsheet would take for a formula (starting with `=`, `+`, `-`, `@`, a tab or a
 * carriage return; a pseudonym may start with `-`) gets a leading apostrophe, which spreadsheets
 * read as "text". So does one that already starts with an apostrophe: a reader may then always drop
 * a leading apostrophe to get the value back (OWASP, CSV injection).
 */
function guardFormulaCell(cell: string): string {
  return /^[=+\-@\t\r']/.test(cell) ? `'${cell}` : cell;
}

function quoteCsvCell(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}
