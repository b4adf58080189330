import { InvalidInputError } from '../shared/errors.ts';
import type { FieldProblem } from './validate-course-record.ts';

/**
 * One line of an import body as a reader found it: 1-based line number (the CSV header is line 1)
 * and either the record it holds, not yet validated, or why it could not be read at all.
 */
export type ImportLine = { line: number; value: unknown } | { line: number; problems: FieldProblem[] };

/** A broken rule on a line of an import. */
export interface LineError {
  line: number;
  field: string;
  reason: string;
}

/** What a successful import did. */
export interface ImportReport {
  imported: number;
  created: number;
  updated: number;
}

/** At most this many line errors are reported; a body of garbage must not make a huge answer. */
export const MAX_REPORTED_LINE_ERRORS = 1000;

/** The import was refused as a whole: nothing was written. */
export class InvalidImportError extends InvalidInputError {
  constructor(
    message: string,
    /** The first {@link MAX_REPORTED_LINE_ERRORS} errors, in line order. */
    readonly lineErrors: LineError[],
    /** How many lines were invalid, including those past the reported errors. */
    readonly invalidLineCount: number,
    /** True when some errors were left out of `lineErrors`. */
    readonly truncated: boolean,
  ) {
    super(message, { lineErrors, invalidLineCount, lineErrorsTruncated: truncated });
  }
}
