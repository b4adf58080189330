/** The time range an auditor query covers, and the rule it must keep. */
import { InvalidInputError } from '../shared/errors.ts';

/** A time range over the log; both ends optional (ISO 8601 in UTC). */
export interface AuditPeriod {
  from?: string;
  to?: string;
}

/** The rule a period breaks when it ends where, or before, it starts. */
export const PERIOD_ORDER_RULE = 'the period must end after it starts';

/**
 * A period given in the log's milliseconds that ends before it starts is refused. One that ends where it
 * starts covers nothing: it comes from bounds asked apart within one millisecond, both rounded up to
 * the next (the route refuses bounds asked equal, which it alone sees as asked).
 */
export function checkPeriod(period: AuditPeriod): void {
  if (period.from !== undefined && period.to !== undefined && period.from > period.to) {
    throw new InvalidInputError(PERIOD_ORDER_RULE, { from: period.from, to: period.to });
  }
}
