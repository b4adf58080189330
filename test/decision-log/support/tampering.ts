import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { engineOf } from '../../../src/db/engine.ts';
import type { Checkpoint } from '../../../src/decision-log/checkpoint-signer.ts';
import { computeEventHash, type RecordedDecisionEvent } from '../../../src/decision-log/decision-event.ts';
import type { ChainHead } from '../../../src/decision-log/decision-log.ts';
import { writeHashedTextSql } from '../../../src/decision-log/knex-decision-log.ts';
import type { DecisionLogFixture } from './decision-log-fixture.ts';

/** The whole log as an auditor exports it. */
export interface LogExport {
  events: RecordedDecisionEvent[];
  checkpoints: Checkpoint[];
  head: ChainHead;
}

export async function exportLog(fixture: DecisionLogFixture): Promise<LogExport> {
  const events: RecordedDecisionEvent[] = [];
  for await (const event of fixture.decisionLog.streamEvents()) events.push(event);
  return {
    events,
    checkpoints: await fixture.decisionLog.listCheckpoints({ limit: 1000 }),
    head: await fixture.decisionLog.readHead(),
  };
}

/** What an attacker with write access does to hide an edit: recompute every link from `fromIndex` on. */
export function rechain(events: RecordedDecisionEvent[], fromIndex: number): void {
  for (let index = fromIndex; index < events.length; index += 1) {
    const event = events[index];
    if (event === undefined) continue;
    event.seq = index + 1;
    event.prevHash = index === 0 ? event.prevHash : (events[index - 1]?.hash ?? '');
    event.hash = computeEventHash(event);
  }
}

export function aForgedEventAfter(previous: RecordedDecisionEvent): RecordedDecisionEvent {
  const forged: RecordedDecisionEvent = {
    ...structuredClone(previous),
    seq: previous.seq + 1,
    eventId: crypto.randomUUID(),
    type: 'item.decided',
    payload: { itemId: 'forged', decision: 'approved' },
    prevHash: previous.hash,
  };
  forged.hash = computeEventHash(forged);
  return forged;
}

/**
 * What an attacker who knows how verification reads the table does after editing a row: gives
 * it the hash of its columns as they now are, and makes it the head. Returns that hash.
 */
export async function rehashAsHead(db: Knex, seq: number): Promise<string> {
  const row = await db('decision_events')
    .where({ seq })
    .first('prev_hash', db.raw(`${writeHashedTextSql(engineOf(db))} as hashed_text`));
  if (row === undefined) throw new Error(`no event ${seq}`);
  const hash = crypto
    .createHash('sha256')
    .update(String(row.prev_hash))
    .update(String(row.hashed_text))
    .digest('hex');
  await db('decision_events').where({ seq }).update({ hash });
  await db('decision_log_head').update({ seq, hash });
  return hash;
}

/** Removes the triggers that keep the log append-only, as a database owner could. */
export async function dropAppendOnlyGuards(db: Knex): Promise<void> {
  if (engineOf(db) === 'postgres') {
    for (const table of ['decision_events', 'decision_checkpoints']) {
      await db.raw(`drop trigger ${table}_append_only on ${table}`);
      await db.raw(`drop trigger ${table}_no_truncate on ${table}`);
    }
    await db.raw('drop trigger decision_log_head_no_delete on decision_log_head');
    await db.raw('drop trigger decision_log_head_no_rewind on decision_log_head');
    return;
  }
  for (const table of ['decision_events', 'decision_checkpoints']) {
    await db.raw(`drop trigger ${table}_no_update`);
    await db.raw(`drop trigger ${table}_no_delete`);
  }
  await db.raw('drop trigger decision_log_head_no_delete');
  await db.raw('drop trigger decision_log_head_no_rewind');
}
