import type { StoredEvent } from './audit-event-store.ts';

export const EXPORT_FORMATS = ['ndjson', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The media type of each export format. */
export const EXPORT_MEDIA_TYPES: Record<ExportFormat, string> = {
  ndjson: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
};

/**
 * One NDJSON line: the event with exactly the fields it was recorded and hashed with, members in
 * canonical order and the payload written as stored (the canonical JSON text that was hashed),
 * so that the offline verifier recomputes every hash from the line alone. For an event as the
 * log writes it, the line is the canonical JSON of the recorded event.
 */
export function formatNdjsonLine(event: StoredEvent): string {
  const text = JSON.stringify;
  return (
    `{"actor":{"pseudonym":${text(event.actor.pseudonym)},"role":${text(event.actor.role)}},` +
    `"eventId":${text(event.eventId)},"hash":${text(event.hash)},"occurredAt":${text(event.occurredAt)},` +
    `"payload":${event.payloadText},"personal":${text(event.personal)},"prevHash":${text(event.prevHash)},` +
    `"seq":${event.seq},"subject":${text(event.subject)},"type":${text(event.type)}}\n`
  );
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
 * whether a sealed personal part exists. Verification uses the NDJSON export.
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
  return `${cells.map(quoteCsvCell).join(',')}\r\n`;
}

function quoteCsvCell(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}
