import type { Knex } from 'knex';
import { readNumber } from '../db/row-values.ts';
import type { IdempotencyRecord, IdempotencyStore } from './idempotency-store.ts';

const TABLE = 'idempotency_keys';

export class KnexIdempotencyStore implements IdempotencyStore {
  constructor(private readonly db: Knex) {}

  async find(subject: string, key: string, trx?: Knex.Transaction): Promise<IdempotencyRecord | undefined> {
    const row = await (trx ?? this.db)(TABLE).where({ subject, key }).first();
    if (row === undefined) return undefined;
    return {
      subject: String(row.subject),
      key: String(row.key),
      operation: String(row.operation),
      requestHash: String(row.request_hash),
      responseStatus: readNumber(row.response_status),
      responseBody: String(row.response_body),
      createdAt: String(row.created_at),
    };
  }

  async insert(trx: Knex.Transaction, record: IdempotencyRecord): Promise<void> {
    await trx(TABLE).insert({
      subject: record.subject,
      key: record.key,
      operation: record.operation,
      request_hash: record.requestHash,
      response_status: record.responseStatus,
      response_body: record.responseBody,
      created_at: record.createdAt,
    });
  }
}
