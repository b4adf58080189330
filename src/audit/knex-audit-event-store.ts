import type { Knex } from 'knex';
import { chunksOf } from '../db/chunks-of.ts';
import { engineOf } from '../db/database.ts';
import { readNullableNumber, readNumber } from '../db/row-values.ts';
import type { ActorRole, DecisionEventType, RecordedDecisionEvent } from '../decision-log/decision-event.ts';
import {
  EVENT_CONTENT_COLUMNS,
  toEventContent,
  toRecordedEvent,
  toStoredEvent,
} from '../decision-log/stored-decision-event.ts';
import type { AuditEventFilter } from './audit-event-filter.ts';
import type { AuditEventPage, AuditEventStore, EventContent, StoredEvent } from './audit-event-store.ts';
import { payloadTextSql } from './payload-text-sql.ts';

const EVENTS = 'decision_events';
const STREAM_PAGE = 1000;
/** Pseudonyms looked up per statement, whatever number the caller gives (see `chunksOf`). */
const LOOKUP_CHUNK = 400;

/** Seqs `after < seq <= upTo` (no upper bound when undefined). */
interface SeqRange {
  after: number;
  upTo: number | undefined;
}

type Row = Record<string, unknown>;

/**
 * The auditors' reads of `decision_events`, on SQLite or PostgreSQL, shaped so that every page is
 * read in seq order straight from an index: one query per event type (merged by seq) rather than
 * `type in (...)`, which would sort every match to return the first page, and a time range
 * turned into the range of seqs it spans with the covering `(occurred_at, seq)` index.
 */
export class KnexAuditEventStore implements AuditEventStore {
  constructor(private readonly db: Knex) {}

  async listEvents(filter: AuditEventFilter, page: AuditEventPage): Promise<RecordedDecisionEvent[]> {
    const range = await this.resolveRange(filter, page.afterSeq, page.toSeq);
    if (range === undefined) return [];
    const types = filter.types ?? [];
    if (types.length <= 1)
      return (await this.readPage(filter, types[0], range, page.limit)).map(toRecordedEvent);
    const pages = await Promise.all(types.map((type) => this.readPage(filter, type, range, page.limit)));
    return pages
      .flat()
      .map(toRecordedEvent)
      .sort((a, b) => a.seq - b.seq)
      .slice(0, page.limit);
  }

  async hasEventsAbout(subjects: readonly string[]): Promise<boolean> {
    for (const chunk of chunksOf(subjects, LOOKUP_CHUNK)) {
      const rows: Row[] = await this.db(EVENTS).select('seq').whereIn('subject', chunk).limit(1);
      if (rows.length > 0) return true;
    }
    return false;
  }

  async hasEventsBy(actors: readonly string[], roles: readonly ActorRole[]): Promise<boolean> {
    if (roles.length === 0) return false;
    for (const chunk of chunksOf(actors, LOOKUP_CHUNK)) {
      const rows: Row[] = await this.db(EVENTS)
        .select('seq')
        .whereIn('actor_pseudonym', chunk)
        .whereIn('actor_role', [...roles])
        .limit(1);
      if (rows.length > 0) return true;
    }
    return false;
  }

  async countEvents(filter: AuditEventFilter, toSeq: number): Promise<number> {
    const range = await this.resolveRange(filter, 0, toSeq);
    if (range === undefined) return 0;
    const query = this.db(EVENTS).count({ count: '*' });
    this.applyFilter(query, filter, range);
    if (filter.types !== undefined && filter.types.length > 0) query.whereIn('type', [...filter.types]);
    const rows: Row[] = await query;
    return readNumber(rows[0]?.count ?? 0);
  }

  async *streamEvents(filter: AuditEventFilter, toSeq?: number): AsyncIterable<RecordedDecisionEvent> {
    for await (const page of this.streamPages(filter, toSeq, ['*'])) {
      for (const row of page) yield toRecordedEvent(row);
    }
  }

  async *streamStoredEvents(filter: AuditEventFilter, toSeq?: number): AsyncIterable<StoredEvent> {
    for await (const page of this.streamPages(filter, toSeq, ['*'])) {
      for (const row of page) yield toStoredEvent(row);
    }
  }

  async *streamContents(filter: AuditEventFilter, toSeq?: number): AsyncIterable<EventContent> {
    for await (const page of this.streamPages(filter, toSeq, EVENT_CONTENT_COLUMNS)) {
      for (const row of page) yield toEventContent(row);
    }
  }

  /** Pages of matching rows in seq order; pages rather than rows keep the async overhead per page. */
  private async *streamPages(
    filter: AuditEventFilter,
    toSeq: number | undefined,
    columns: readonly string[],
  ): AsyncIterable<Row[]> {
    const range = await this.resolveRange(filter, 0, toSeq);
    if (range === undefined) return;
    const types = filter.types ?? [];
    if (types.length <= 1) {
      yield* this.pageThrough(filter, types[0], range, columns);
      return;
    }
    yield* mergePagesBySeq(types.map((type) => this.pageThrough(filter, type, range, columns)));
  }

  private async *pageThrough(
    filter: AuditEventFilter,
    type: DecisionEventType | undefined,
    range: SeqRange,
    columns: readonly string[],
  ): AsyncIterable<Row[]> {
    let after = range.after;
    for (;;) {
      const rows = await this.readPage(filter, type, { after, upTo: range.upTo }, STREAM_PAGE, columns);
      if (rows.length > 0) yield rows;
      const last = rows.at(-1);
      if (last === undefined || rows.length < STREAM_PAGE) return;
      after = readNumber(last.seq);
    }
  }

  private async readPage(
    filter: AuditEventFilter,
    type: DecisionEventType | undefined,
    range: SeqRange,
    limit: number,
    columns: readonly string[] = ['*'],
  ): Promise<Row[]> {
    const query = this.db(EVENTS)
      .select(...columns)
      .orderBy('seq')
      .limit(limit);
    if (type !== undefined) query.where('type', type);
    this.applyFilter(query, filter, range);
    return query;
  }

  /**
   * The seqs to read: the caller's bounds narrowed to the first and last event of the time range,
   * found on the covering index. The time condition itself stays in every query, so the result is
   * exact even if clocks ever made `occurred_at` step back. Undefined when the range is empty.
   */
  private async resolveRange(
    filter: AuditEventFilter,
    afterSeq: number,
    toSeq: number | undefined,
  ): Promise<SeqRange | undefined> {
    if (filter.from === undefined && filter.to === undefined) return { after: afterSeq, upTo: toSeq };
    const bounds = this.db(EVENTS).min({ first: 'seq' }).max({ last: 'seq' });
    if (filter.from !== undefined) bounds.where('occurred_at', '>=', filter.from);
    if (filter.to !== undefined) bounds.where('occurred_at', '<', filter.to);
    const [row]: Row[] = await bounds;
    const first = readNullableNumber(row?.first);
    const last = readNullableNumber(row?.last);
    if (first === null || last === null) return undefined;
    return { after: Math.max(afterSeq, first - 1), upTo: toSeq === undefined ? last : Math.min(toSeq, last) };
  }

  /** Adds the filter's conditions but the type (the caller's to place). */
  private applyFilter(query: Knex.QueryBuilder, filter: AuditEventFilter, range: SeqRange): void {
    query.where('seq', '>', range.after);
    if (range.upTo !== undefined) query.where('seq', '<=', range.upTo);
    if (filter.from !== undefined) query.where('occurred_at', '>=', filter.from);
    if (filter.to !== undefined) query.where('occurred_at', '<', filter.to);
    if (filter.actor !== undefined) query.where('actor_pseudonym', filter.actor);
    if (filter.subject !== undefined) query.where('subject', filter.subject);
    const version = filter.modelVersion;
    if (version !== undefined) {
      // Only `recommendation.generated` names the model; the review events name its set. The sets
      // of a version come from a partial index of the generated events (model version, set id).
      // The model's own events name its id, which its `model.registered` ties to the version: its
      // activation, the activation that retired it (`previousModelId`) and its recall.
      const engine = engineOf(this.db);
      const modelVersion = payloadTextSql(engine, ['model', 'version']);
      const setId = payloadTextSql(engine, ['setId']);
      const registeredVersion = payloadTextSql(engine, ['version']);
      const modelId = payloadTextSql(engine, ['modelId']);
      const previousModelId = payloadTextSql(engine, ['previousModelId']);
      const modelIdsOfVersion = `select ${modelId} from ${EVENTS} where type = 'model.registered' and ${registeredVersion} = ?`;
      query.where((any) => {
        any
          .whereRaw(`${modelVersion} = ?`, [version])
          .orWhereRaw(`(type = 'model.registered' and ${registeredVersion} = ?)`, [version])
          .orWhereRaw(`(type = 'model.recalled' and ${modelId} in (${modelIdsOfVersion}))`, [version])
          .orWhereRaw(
            `(type = 'model.activated' and (${modelId} in (${modelIdsOfVersion}) or ${previousModelId} in (${modelIdsOfVersion})))`,
            [version, version],
          )
          .orWhereRaw(
            `${setId} in (select ${setId} from ${EVENTS} where type = 'recommendation.generated' and ${modelVersion} = ?)`,
            [version],
          );
      });
    }
  }
}

/** Merges page streams that are each in seq order into one, in pages of about {@link STREAM_PAGE}. */
async function* mergePagesBySeq(sources: ReadonlyArray<AsyncIterable<Row[]>>): AsyncIterable<Row[]> {
  const cursors = sources.map((source) => ({
    pages: source[Symbol.asyncIterator](),
    page: [] as Row[],
    index: 0,
    done: false,
  }));
  let merged: Row[] = [];
  for (;;) {
    let next: { cursor: (typeof cursors)[number]; row: Row; seq: number } | undefined;
    for (const cursor of cursors) {
      if (cursor.index >= cursor.page.length && !cursor.done) {
        const read = await cursor.pages.next();
        cursor.done = read.done === true;
        cursor.page = read.done === true ? [] : read.value;
        cursor.index = 0;
      }
      const row = cursor.page[cursor.index];
      if (row === undefined) continue;
      const seq = readNumber(row.seq);
      if (next === undefined || seq < next.seq) next = { cursor, row, seq };
    }
    if (next === undefined) break;
    merged.push(next.row);
    next.cursor.index += 1;
    if (merged.length >= STREAM_PAGE) {
      yield merged;
      merged = [];
    }
  }
  if (merged.length > 0) yield merged;
}
