import { InvalidArgumentError } from 'commander';

/**
 * The `--operator` of a key rotation: the log's only record of who rotated the key (the event's
 * actor). Trimmed, so that " ops-1" and "ops-1" are one actor with one pseudonym; a blank one is
 * refused, as it would rotate the key for good by an actor nobody can be traced to.
 */
export function readOperatorId(value: string): string {
  const operator = value.trim();
  if (operator === '') {
    throw new InvalidArgumentError('give the staff id of who rotates the key (not blank).');
  }
  return operator;
}
