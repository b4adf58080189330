import { describe, expect, it } from 'vitest';
import { SET_NAMING_TYPES_ABOUT_ITS_PERSON } from '../../src/audit/audit-event-filter.ts';
import { KnexAuditEventStore } from '../../src/audit/knex-audit-event-store.ts';
import { BULK_SQL, insertEvents, readPlans, usePlanDatabase } from '../support/query-plans.ts';

/** Events written after the set's own first three. */
const LATER = 60_000;
/** The types the later events cycle through: each of the person's types that may name a set. */
const LATER_TYPES = [
  'recommendation.generated',
  'item.decided',
  'job_seeker.upserted',
  'recommendation.published',
  'feedback.given',
  'shortlist.submitted',
  'objection.recorded',
  'second_review.requested',
  'recommendation.created_manually',
  'item.decided',
];

/** A plan that reads the log from its first event, or every event of a type, and filters. */
const WHOLE_LOG =
  /SCAN decision_events\b|INTEGER PRIMARY KEY \(rowid>\?\)|Seq Scan on decision_events|Index Scan using decision_events_pkey/;

/** The indexes a plan reads, in either engine's words. */
function indexesRead(plan: string): string[] {
  return [
    ...plan.matchAll(/(?:USING (?:COVERING )?INDEX|Index (?:Only )?Scan using|Bitmap Index Scan on) (\w+)/g),
  ].map((match) => match[1] ?? '');
}

/**
 * One set's trail (`GET /v1/audit/events?setId=`) reads, beside the events naming the set as their
 * `setId`, the events that name it otherwise: on a log where 60,000 events of those types were
 * written after the set, those written about the set's person are read from the person's events,
 * so that the trail of a set made a year ago costs what the trail of this week's set does.
 */
describe("query plans of one set's trail, 60,000 events after the set", () => {
  let store: KnexAuditEventStore;
  const last = LATER + 103;

  const log = usePlanDatabase(
    async (db) => {
      const { text } = BULK_SQL;
      const event = (seq: number, type: string, subject: string | null, payload: object) => ({
        seq,
        event_id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
        type,
        occurred_at: '2026-01-05T10:00:00.000Z',
        actor_role: 'counselor',
        actor_pseudonym: 'c1',
        subject,
        payload: JSON.stringify(payload),
        prev_hash: '0'.repeat(64),
        hash: '1'.repeat(64),
      });
      // The set, made for s-trail; an answer on its item written before `feedback.given` named the set.
      await db('decision_events').insert([
        event(1, 'recommendation.generated', 's-trail', { setId: 'set-trail', withdrawnSetIds: [] }),
        event(2, 'item.decided', 's-trail', { setId: 'set-trail', itemId: 'item-trail' }),
        event(3, 'feedback.given', 's-trail', { itemId: 'item-trail', response: 'interested' }),
      ]);
      // Then a year of other people's events, 3,000 people, each of the types that may name a set.
      const type = `case g % 10 ${LATER_TYPES.map((name, index) => `when ${index} then '${name}'`).join(' ')} end`;
      await insertEvents(db, LATER, {
        seq: 'g + 100',
        type,
        occurred_at: "'2026-06-01T10:00:00.000Z'",
        actor_pseudonym: "'c1'",
        subject: `'s' || ${text('g % 3000')}`,
        payload: `'{"setId":"set-' || ${text('g')} || '","itemId":"item-' || ${text('g')} || '","withdrawnSetIds":[]}'`,
      });
      // A year on, the person's sync withdraws the set, a publication replaces it, a recall retracts it.
      await db('decision_events').insert([
        event(LATER + 101, 'job_seeker.upserted', 's-trail', { withdrawnSetIds: ['set-trail'] }),
        event(LATER + 102, 'recommendation.published', 's-trail', {
          setId: 'set-next',
          replacesSetId: 'set-trail',
        }),
        event(LATER + 103, 'model.recalled', null, {
          modelId: 'm-1',
          retractedSetIds: ['set-trail'],
          withdrawnSetIds: [],
        }),
      ]);
      await db('decision_log_head').update({ seq: last, hash: '1'.repeat(64) });
      store = new KnexAuditEventStore(db);
    },
    { analyze: 'decision_events' },
  );

  it("reads the events naming the set otherwise, written about its person, from the person's events, not from every event of their types", async () => {
    const { db } = log;
    const plans = (
      await readPlans(db, async () => {
        await store.listEvents({ setId: 'set-trail' }, { afterSeq: 0, limit: 50 });
        await store.countEvents({ setId: 'set-trail' }, last);
      })
    ).filter(({ sql }) => !sql.includes('decision_log_head'));
    expect(plans.length).toBeGreaterThan(0);
    for (const { sql, plan } of plans) expect(plan, sql).not.toMatch(WHOLE_LOG);
    const ofThePerson = plans.filter(({ bindings }) =>
      bindings.some((binding) => SET_NAMING_TYPES_ABOUT_ITS_PERSON.has(binding as never)),
    );
    // Each of the person's types, once for the page and once for the count.
    expect(ofThePerson).toHaveLength(SET_NAMING_TYPES_ABOUT_ITS_PERSON.size * 2);
    for (const { sql, plan } of ofThePerson) {
      // The person's events, and for the older answers the set's own events giving its items.
      expect(indexesRead(plan), sql).toContain('decision_events_subject_seq_index');
      for (const index of indexesRead(plan))
        expect(['decision_events_subject_seq_index', 'decision_events_set_id_seq_index'], sql).toContain(
          index,
        );
    }
  });

  it('still gives the whole trail: its events, the older answer on its item, its withdrawal, replacement and recall', async () => {
    const events = await store.listEvents({ setId: 'set-trail' }, { afterSeq: 0, limit: 50 });
    expect(events.map((recorded) => recorded.seq)).toEqual([1, 2, 3, LATER + 101, LATER + 102, LATER + 103]);
    expect(await store.countEvents({ setId: 'set-trail' }, last)).toBe(6);
  });
});
