/**
 * What services look up in the log: the events about a job seeker, the auditors' reads naming them,
 * every event of a few types, and the sets whose creation the log records. Each is read in the
 * caller's transaction when given.
 */
import type { Knex } from 'knex';
import { chunksOf } from '../db/chunks-of.ts';
import { engineOf } from '../db/engine.ts';
import { payloadTextSql } from '../db/payload-text-sql.ts';
import type { DecisionEvent, DecisionEventType, RecordedDecisionEvent } from './decision-event.ts';
import type { LoggedSet } from './decision-log.ts';
import { EVENTS } from './decision-log-tables.ts';
import type { Pseudonymiser } from './pseudonymiser.ts';
import { toDecisionEvent, toRecordedEvent } from './stored-decision-event.ts';

/**
 * Where `audit.queried` names a person by pseudonym: its `subject` and `actor` filters (a job seeker
 * is the subject of the events about them and the actor of their own acts: feedback, objection,
 * readings), and `setSubject`, the person a set whose trail was read (`setId`) was made for.
 */
const QUERY_FIELDS_NAMING_PEOPLE = [['filters', 'subject'], ['filters', 'actor'], ['setSubject']] as const;
/** The events that create a set: one per set, naming it as their `setId`. */
const SET_CREATION_TYPES = [
  'recommendation.generated',
  'recommendation.created_manually',
] as const satisfies readonly DecisionEventType[];
/** Set ids looked up per statement, whatever number the caller gives (see `chunksOf`). */
const LOOKUP_CHUNK = 400;

/** The log's database, and the pseudonyms its events name people by. */
export interface EventLookupSource {
  db: Knex;
  pseudonymiser: Pseudonymiser;
}

/** See {@link DecisionLog.findLatestEventAbout}. */
export async function findLatestEventAbout(
  { db, pseudonymiser }: EventLookupSource,
  subjectId: string,
  types: readonly DecisionEventType[],
  trx?: Knex.Transaction,
  range?: { beforeSeq: number },
): Promise<DecisionEvent | undefined> {
  const query = (trx ?? db)(EVENTS)
    .where({ subject: pseudonymiser.pseudonymise(subjectId) })
    .whereIn('type', [...types]);
  if (range !== undefined) query.where('seq', '<', range.beforeSeq);
  const row = await query.orderBy('seq', 'desc').first();
  return row === undefined ? undefined : toDecisionEvent(row);
}

/** See {@link DecisionLog.listEventsAbout}. */
export async function listEventsAbout(
  { db, pseudonymiser }: EventLookupSource,
  subjectId: string,
  trx?: Knex.Transaction,
): Promise<RecordedDecisionEvent[]> {
  const rows: Array<Record<string, unknown>> = await (trx ?? db)(EVENTS)
    .where({ subject: pseudonymiser.pseudonymise(subjectId) })
    .orderBy('seq');
  return rows.map(toRecordedEvent);
}

/** See {@link DecisionLog.listQueriesNaming}. */
export async function listQueriesNaming(
  { db, pseudonymiser }: EventLookupSource,
  subjectId: string,
  trx?: Knex.Transaction,
): Promise<RecordedDecisionEvent[]> {
  const pseudonym = pseudonymiser.pseudonymise(subjectId);
  const engine = engineOf(db);
  const found = new Map<number, RecordedDecisionEvent>();
  for (const field of QUERY_FIELDS_NAMING_PEOPLE) {
    // The type written out, not bound: an engine uses the partial index of the audit queries only
    // when it can tell, before the values are known, that the query asks for no other type.
    const rows: Array<Record<string, unknown>> = await (trx ?? db)(EVENTS)
      .whereRaw(`type = 'audit.queried' and ${payloadTextSql(engine, field)} = ?`, [pseudonym])
      .orderBy('seq');
    for (const row of rows.map(toRecordedEvent)) found.set(row.seq, row);
  }
  return [...found.values()].sort((a, b) => a.seq - b.seq);
}

/** See {@link DecisionLog.listEventsOfTypes}. */
export async function listEventsOfTypes(
  { db }: EventLookupSource,
  types: readonly DecisionEventType[],
  trx?: Knex.Transaction,
): Promise<RecordedDecisionEvent[]> {
  const rows: Array<Record<string, unknown>> = await (trx ?? db)(EVENTS)
    .whereIn('type', [...types])
    .orderBy('seq');
  return rows.map(toRecordedEvent);
}

/** See {@link DecisionLog.listLoggedSets}. */
export async function listLoggedSets(
  { db }: EventLookupSource,
  setIds: readonly string[],
  trx?: Knex.Transaction,
): Promise<LoggedSet[]> {
  const engine = engineOf(db);
  const setId = payloadTextSql(engine, ['setId']);
  // On SQLite, `+type`: the events are found by set, then by person, from those indexes, their types
  // checked on the few found, rather than every creation, or every erasure since, read by type.
  const [type, erasedType] = engine === 'sqlite' ? ['+type', '+erased.type'] : ['type', 'erased.type'];
  const found: LoggedSet[] = [];
  for (const chunk of chunksOf([...new Set(setIds)], LOOKUP_CHUNK)) {
    // The set's expression, as the partial index of the events naming a set is written.
    const rows: Array<Record<string, unknown>> = await (trx ?? db)({ created: EVENTS })
      .select(
        db.raw(`${setId} as set_id`),
        db.raw(
          `exists (select 1 from ${EVENTS} erased where erased.subject = created.subject and ${erasedType} = 'subject.erased' and erased.seq > created.seq) as erased_since`,
        ),
      )
      .whereRaw(`${setId} in (${chunk.map(() => '?').join(', ')})`, chunk)
      .whereRaw(`${type} in (${SET_CREATION_TYPES.map(() => '?').join(', ')})`, [...SET_CREATION_TYPES]);
    for (const row of rows) {
      found.push({
        setId: String(row.set_id),
        erasedSince: row.erased_since === true || Number(row.erased_since) === 1,
      });
    }
  }
  return found;
}
