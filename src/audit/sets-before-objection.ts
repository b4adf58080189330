import type { DecisionEventContent } from '../decision-log/stored-decision-event.ts';

/** What {@link leaveOutObjectedPeople} reads of an event: who it is about and where it stands. */
type PlacedEvent = Pick<DecisionEventContent, 'seq' | 'subject'>;

/**
 * The latest `objection.recorded` of each person, by pseudonym (`objections`: those events, in any
 * order), as {@link leaveOutObjectedPeople} takes it.
 */
export async function collectLatestObjections(
  objections: AsyncIterable<PlacedEvent> | Iterable<PlacedEvent>,
): Promise<ReadonlyMap<string, number>> {
  const latest = new Map<string, number>();
  for await (const objection of objections) {
    if (objection.subject === null) continue;
    latest.set(objection.subject, Math.max(objection.seq, latest.get(objection.subject) ?? 0));
  }
  return latest;
}

/**
 * The events (`recommendation.generated`) whose person has not objected to AI processing since
 * (GDPR Art. 21): the attribution and drift figures open each set's sealed scores and feature
 * values to monitor the model, processing of the person's data for the AI that the objection ends,
 * as it ends the outcome figures' (record 0019). A set made after a withdrawal counts again, until
 * the next objection; a withdrawal does not bring back the sets made before the objection.
 */
export async function* leaveOutObjectedPeople<E extends PlacedEvent>(
  events: AsyncIterable<E>,
  latestObjections: ReadonlyMap<string, number>,
): AsyncIterable<E> {
  for await (const event of events) {
    const objectedAt = event.subject === null ? undefined : latestObjections.get(event.subject);
    if (objectedAt === undefined || objectedAt < event.seq) yield event;
  }
}
