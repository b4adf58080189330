import type { Settings } from '../../src/settings/settings.ts';
import type { RaceOutcome, Racer } from './race.ts';
import type { TestApp } from './test-app.ts';
import {
  act,
  createSet,
  decideAll,
  eraseJobSeeker,
  requestAccessRecord,
  requestManualSet,
  requestSet,
  type SetBody,
  settingsBody,
  syncSeeker,
} from './workflow.ts';

/** Which of the two racers takes the log's lock first, the other having made its checks meanwhile. */
export const RACE_ORDERS = [
  { order: 0, name: 'the first takes the lock first' },
  { order: 1, name: 'the second takes the lock first' },
  { order: 'together', name: 'both are let go together' },
] as const;

/** The events a race appended, by type, in order. */
export const typesOf = (outcome: RaceOutcome) => outcome.events.map((event) => event.type);
/** The racers' answers' statuses, in the order the racers were given. */
export const statusesOf = (outcome: RaceOutcome) => outcome.responses.map((res) => res.status);
/** The problem type of a racer's refusal. */
export const problemOf = (outcome: RaceOutcome, index: 0 | 1) => outcome.responses[index].body.type;

/** A maker of people of their own for one race each, named `prefix-1`, `prefix-2`…, synced onto `c-001`'s caseload. */
export function racePeople(t: TestApp, prefix: string): () => Promise<string> {
  let people = 0;
  return async () => {
    people += 1;
    const seekerId = `${prefix}-${people}`;
    await syncSeeker(t, seekerId);
    return seekerId;
  };
}

/** A set of `seekerId`, every item decided (two approved), ready to publish; with its ETag. */
export async function aDecidedSet(
  t: TestApp,
  counselor: string,
  seekerId: string,
): Promise<{ set: SetBody; etag: string }> {
  const { set } = await createSet(t, counselor, seekerId);
  return decideAll(t, counselor, set.id, { approve: 2 });
}

/** The ids of the items of `set` its counselor approved. */
export const approvedIds = (set: SetBody) =>
  set.items.filter((item) => item.decision === 'approved').map((item) => item.itemId);

/** The sets stored about a person, by id, with their status. */
export const setsOf = async (t: TestApp, seekerId: string): Promise<Array<{ id: string; status: string }>> =>
  t.container.db('recommendation_sets').where({ seeker_id: seekerId }).orderBy('id').select('id', 'status');

/** The racers the races share: each as its caller sends it. */
export const racers = {
  publish:
    (counselor: string, setId: string, etag: string): Racer =>
    (r) =>
      act(r, counselor, setId, 'publish', etag),
  askForSuggestions:
    (counselor: string, seekerId: string): Racer =>
    (r) =>
      requestSet(r, counselor, seekerId),
  erase:
    (admin: string, seekerId: string): Racer =>
    (r) =>
      eraseJobSeeker(r, admin, seekerId),
  giveFeedback:
    (seekerId: string, itemId: string): Racer =>
    async (r) =>
      r.http
        .post(`/v1/me/recommendations/${itemId}/feedback`)
        .auth(await r.tokenFor('job_seeker', seekerId), { type: 'bearer' })
        .send({ response: 'interested' }),
  exportAccessRecord:
    (admin: string, seekerId: string): Racer =>
    (r) =>
      requestAccessRecord(r, admin, seekerId),
  startSetByHand:
    (counselor: string, seekerId: string): Racer =>
    (r) =>
      requestManualSet(r, counselor, seekerId),
  changeSettings:
    (admin: string, changes: Partial<Settings>): Racer =>
    (r) =>
      r.http.put('/v1/settings').auth(admin, { type: 'bearer' }).send(settingsBody(changes)),
  shortlist:
    (counselor: string, setId: string, etag: string, courseIds: readonly string[]): Racer =>
    (r) =>
      act(r, counselor, setId, 'shortlist', etag, { courseIds }),
  discard:
    (counselor: string, setId: string, etag: string): Racer =>
    (r) =>
      act(r, counselor, setId, 'discard', etag, { reason: 'Profil mis à jour depuis' }),
  exportOwnData:
    (seekerId: string): Racer =>
    async (r) =>
      r.http.get('/v1/me/data').auth(await r.tokenFor('job_seeker', seekerId), { type: 'bearer' }),
};
