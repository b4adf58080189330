import type { Logger } from 'pino';
import { createLogger } from '../../src/http/logger.ts';

/** One JSON line the application logged, with the fields the tests read. */
export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

const LEVELS = { info: 30, warn: 40, error: 50 } as const;

export interface CapturedLogs {
  logger: Logger;
  lines: LogLine[];
  /** The lines logged at `level` whose message matches. */
  find(level: keyof typeof LEVELS, message: RegExp): LogLine[];
}

/**
 * The application's logger at info level, keeping every line, for tests that check what an
 * operator would see.
 */
export function captureLogs(): CapturedLogs {
  const lines: LogLine[] = [];
  const logger = createLogger('info', { write: (line: string) => lines.push(JSON.parse(line) as LogLine) });
  return {
    logger,
    lines,
    find: (level, message) => lines.filter((line) => line.level === LEVELS[level] && message.test(line.msg)),
  };
}
