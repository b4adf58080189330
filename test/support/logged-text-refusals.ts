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

/**
 * The words of every refusal for a person's id in a body or a header, whoever the person is: one
 * sentence, saying once that the log names people by pseudonym.
 */
export const PERSON_ID_REFUSAL =
  /^[^.]* is kept readable in the decision log for good, where job seekers and staff appear only by pseudonym: [^.]* without the id of any person the log names, referring to the set or to the role \(“the job seeker”, “the counselor”\) rather than to the person\. This refusal is recorded in the decision log \(the operation, not the text\)$/;
