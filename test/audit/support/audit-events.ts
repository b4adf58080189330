import crypto from 'node:crypto';
import type { NewDecisionEvent } from '../../../src/decision-log/decision-event.ts';
import type { TestApp } from '../../support/test-app.ts';

/** The shipped model as `recommendation.generated` names it. */
export const SHIPPED_MODEL = {
  id: 'aiguillage-ebm-1.0.0',
  version: '1.0.0',
  sha256: 'a'.repeat(64),
} as const;

export const FEATURES = ['occupationMatch', 'skillsCoverage', 'distanceKm'] as const;

export interface GeneratedItem {
  itemId: string;
  courseId: string;
  rank: number;
  score: number;
  contributions: Record<string, number>;
  features: number[];
}

/** A `recommendation.generated` event as the recommendation service appends it. */
export function aGeneratedEvent(options: {
  counselorId?: string;
  seekerId?: string;
  setId?: string;
  model?: { id: string; version: string; sha256: string };
  items?: GeneratedItem[];
}): NewDecisionEvent {
  const items = options.items ?? [anItem(1), anItem(2)];
  return {
    type: 'recommendation.generated',
    actor: { role: 'counselor', id: options.counselorId ?? 'c-001' },
    subjectId: options.seekerId ?? 'js-1',
    payload: {
      setId: options.setId ?? crypto.randomUUID(),
      model: options.model ?? SHIPPED_MODEL,
      attributionMethod: 'exact-additive',
      status: 'pending_review',
      secondReviewRequired: false,
      items: items.map(({ itemId, courseId, rank }) => ({ itemId, courseId, rank })),
    },
    personal: {
      candidateCount: items.length + 3,
      featureVectors: items.map((item) => ({ itemId: item.itemId, features: item.features })),
      attributions: items.map(({ itemId, score, contributions }) => ({ itemId, score, contributions })),
    },
  };
}

export function anItem(rank: number, overrides: Partial<GeneratedItem> = {}): GeneratedItem {
  return {
    itemId: crypto.randomUUID(),
    courseId: `FOR-${String(rank).padStart(4, '0')}`,
    rank,
    score: 0.9 - rank / 20,
    contributions: { occupationMatch: 0.8 / rank, skillsCoverage: -0.2, distanceKm: 0.1 * rank },
    features: [2, 0.5, 10 * rank],
    ...overrides,
  };
}

/** Appends events in one transaction, through the log's own append port. */
export async function appendEvents(t: TestApp, events: readonly NewDecisionEvent[]): Promise<void> {
  const { decisionLog } = t.container.decisionLog;
  await decisionLog.withTransaction(async (trx) => {
    for (const event of events) await decisionLog.append(trx, event);
  });
}

export function pseudonymOf(t: TestApp, id: string): string {
  return t.container.decisionLog.pseudonymiser.pseudonymise(id);
}

/**
 * A supertest parser that keeps the body as text (NDJSON is not parsed by default); with `chunks`,
 * also records the size of each chunk as it arrives.
 */
export function collectText(chunks?: number[]) {
  return (res: unknown, done: (error: Error | null, body: string) => void): void => {
    // supertest hands the Node response stream to the parser.
    const stream = res as NodeJS.ReadableStream;
    let text = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      chunks?.push(chunk.length);
      text += chunk;
    });
    stream.on('end', () => done(null, text));
  };
}
