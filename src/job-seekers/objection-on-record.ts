import type { DecisionLogReader } from '../decision-log/decision-log.ts';
import type { ObjectionOnRecord } from './job-seeker-service.ts';

const PAGE = 1000;

/**
 * Reads a person's standing objection from the decision log, which is never deleted from: their
 * latest `objection.recorded` or `subject.erased` event (found by their pseudonym) says whether
 * they objected and were not erased since. Purging an idle profile appends neither, so the
 * objection outlives the profile; an erasure takes it with everything else.
 */
export function readObjectionOnRecord(
  log: Pick<DecisionLogReader, 'listEvents'>,
  pseudonymise: (seekerId: string) => string,
): ObjectionOnRecord {
  return async (seekerId) => {
    const subject = pseudonymise(seekerId);
    let latest: string | undefined;
    let afterSeq = 0;
    for (;;) {
      const page = await log.listEvents({
        types: ['objection.recorded', 'subject.erased'],
        subject,
        afterSeq,
        limit: PAGE,
      });
      const last = page.at(-1);
      if (last === undefined) break;
      latest = last.type;
      afterSeq = last.seq;
      if (page.length < PAGE) break;
    }
    return latest === 'objection.recorded';
  };
}
