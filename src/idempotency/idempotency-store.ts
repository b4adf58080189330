import type { Knex } from 'knex';

/** The first answer to a request made with an Idempotency-Key. */
export interface IdempotencyRecord {
  /** Whose key it is: keys are per caller. */
  subject: string;
  key: string;
  operation: string;
  /** SHA-256 of the request (operation, target and body): another body with the same key is refused. */
  requestHash: string;
  responseStatus: number;
  /** What the service that made the first answer needs to give it again, serialised by it. */
  responseBody: string;
  createdAt: string;
}

export interface IdempotencyStore {
  find(subject: string, key: string, trx?: Knex.Transaction): Promise<IdempotencyRecord | undefined>;
  insert(trx: Knex.Transaction, record: IdempotencyRecord): Promise<void>;
}
