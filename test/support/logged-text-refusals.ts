import { expect } from 'vitest';
import type { RecordedDecisionEvent } from '../../src/decision-log/decision-event.ts';
import type { TestApp } from './test-app.ts';

/** Runs `work` and returns what it returned with the decision-log events it appended, in seq order. */
export async function trackAppended<T>(
  t: TestApp,
  work: () => PromiseLike<T>,
): Promise<{ result: T; appended: RecordedDecisionEvent[] }> {
  const { decisionLog } = t.container.decisionLog;
  const fromSeq = (await decisionLog.readHead()).seq + 1;
  const result = await work();
  const appended: RecordedDecisionEvent[] = [];
  for await (const event of decisionLog.streamEvents({ fromSeq })) appended.push(event);
  return { result, appended };
}

/**
 * The `logged_text.refused` a refusal for a person's id appends: the writer by pseudonym, the
 * operation and where the text was; no subject, no text.
 */
export function aLoggedTextRefusal(
  t: TestApp,
  writer: { role: string; id: string },
  operation: string,
  place: { header: string } | { field: string } | { parameter: string },
) {
  return expect.objectContaining({
    type: 'logged_text.refused',
    actor: { role: writer.role, pseudonym: t.container.decisionLog.pseudonymiser.pseudonymise(writer.id) },
    subject: null,
    personal: null,
    payload: { operation, ...place, reason: 'person_id' },
  });
}

/** The words of every refusal for a person's id, whoever the person is. */
export const PERSON_ID_REFUSAL =
  /without the id of a person the log names .*refer to the set, or to the role \(“the job seeker”, “the counselor”\), not to the person\. This refusal is recorded in the decision log/;
