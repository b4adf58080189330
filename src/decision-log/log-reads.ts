/**
 * What auditors read of the log: pages of events and of checkpoints, the events and the checkpoints
 * of a range streamed page by page, and the head.
 */
import type { Knex } from 'knex';
import { readNumber } from '../db/row-values.ts';
import type { Checkpoint } from './checkpoint-signer.ts';
import type { DecisionEvent, RecordedDecisionEvent } from './decision-event.ts';
import type { ChainHead, EventQuery } from './decision-log.ts';
import { CHECKPOINTS, EVENTS, HEAD, HEAD_ID } from './decision-log-tables.ts';
import { toCheckpoint } from './stored-checkpoint.ts';
import { toDecisionEvent, toRecordedEvent } from './stored-decision-event.ts';

const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;
const STREAM_PAGE = 1000;

/** See {@link DecisionLogReader.listEvents}. */
export async function listEvents(db: Knex, query: EventQuery): Promise<DecisionEvent[]> {
  const limit = Math.min(Math.max(query.limit ?? DEFAULT_PAGE, 1), MAX_PAGE);
  const builder = db(EVENTS)
    .where('seq', '>', query.afterSeq ?? 0)
    .orderBy('seq')
    .limit(limit);
  if (query.types !== undefined && query.types.length > 0) builder.whereIn('type', [...query.types]);
  if (query.subject !== undefined) builder.where({ subject: query.subject });
  const rows: Array<Record<string, unknown>> = await builder;
  return rows.map(toDecisionEvent);
}

/** See {@link DecisionLogReader.streamEvents}. */
export async function* streamEvents(
  db: Knex,
  range: { fromSeq?: number; toSeq?: number },
): AsyncIterable<RecordedDecisionEvent> {
  let afterSeq = (range.fromSeq ?? 1) - 1;
  for (;;) {
    const page = db(EVENTS).where('seq', '>', afterSeq).orderBy('seq').limit(STREAM_PAGE);
    if (range.toSeq !== undefined) page.where('seq', '<=', range.toSeq);
    const rows: Array<Record<string, unknown>> = await page;
    for (const row of rows) {
      const event = toRecordedEvent(row);
      afterSeq = event.seq;
      yield event;
    }
    if (rows.length < STREAM_PAGE) return;
  }
}

/** The head as committed, read without its lock. */
export async function readHead(db: Knex): Promise<ChainHead> {
  const row = await db(HEAD).where({ id: HEAD_ID }).first();
  if (row === undefined) throw new Error('the decision log head is missing');
  return { seq: readNumber(row.seq), hash: String(row.hash) };
}

/** See {@link DecisionLogReader.listCheckpoints}. */
export async function listCheckpoints(
  db: Knex,
  query: { afterSeq?: number; limit?: number },
): Promise<Checkpoint[]> {
  const limit = Math.min(Math.max(query.limit ?? DEFAULT_PAGE, 1), MAX_PAGE);
  const rows: Array<Record<string, unknown>> = await db(CHECKPOINTS)
    .where('seq', '>', query.afterSeq ?? -1)
    .orderBy('seq')
    .limit(limit);
  return rows.map(toCheckpoint);
}

/** Every checkpoint from `fromSeq` to `toSeq` (inclusive), read page by page. */
export async function* streamCheckpoints(
  db: Knex,
  fromSeq: number,
  toSeq: number,
): AsyncIterable<Checkpoint> {
  let afterSeq = fromSeq - 1;
  for (;;) {
    const page = db(CHECKPOINTS)
      .where('seq', '>', afterSeq)
      .andWhere('seq', '<=', toSeq)
      .orderBy('seq')
      .limit(STREAM_PAGE);
    const rows: Array<Record<string, unknown>> = await page;
    for (const row of rows) {
      const checkpoint = toCheckpoint(row);
      afterSeq = checkpoint.seq;
      yield checkpoint;
    }
    if (rows.length < STREAM_PAGE) return;
  }
}
