import type { RequestHandler } from 'express';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { TimedItemDecision } from '../recommendations/review-service.ts';
import { operationIdOf } from './operation-id.ts';

export interface HttpMetrics {
  registry: Registry;
  /** Records count and latency per operationId once the response is sent. */
  middleware: RequestHandler;
  /** Counts a free-text warning (sensitive term) by field. */
  countWarning(warning: { field: string }): void;
  /**
   * Counts a counselor's decision on an item, and times it when the set had been opened: figures of
   * the deployment as a whole, naming no counselor (those are `GET /v1/audit/stats/oversight`'s,
   * read by auditors with a purpose), for alerts on rubber-stamp review.
   */
  countItemDecision(decision: TimedItemDecision): void;
}

/** A registry per app, so that several apps in one process (tests) do not share counters. */
export function createHttpMetrics(options: { collectProcessMetrics: boolean }): HttpMetrics {
  const registry = new Registry();
  if (options.collectProcessMetrics) collectDefaultMetrics({ register: registry });
  const labelNames = ['operation', 'method', 'status'] as const;
  const requests = new Counter({
    name: 'aiguillage_http_requests_total',
    help: 'HTTP requests by operationId, method and status',
    labelNames,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'aiguillage_http_request_duration_seconds',
    help: 'HTTP request latency by operationId, method and status',
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const warnings = new Counter({
    name: 'aiguillage_sensitive_term_warnings_total',
    help: 'Free-text fields flagged as mentioning sensitive information, by field',
    labelNames: ['field'] as const,
    registers: [registry],
  });
  const decisions = new Counter({
    name: 'aiguillage_item_decisions_total',
    help: "Counselors' decisions on items, by decision, by who put the item in the set, and whether the set had been opened first",
    labelNames: ['decision', 'source', 'opened'] as const,
    registers: [registry],
  });
  const decisionTimes = new Histogram({
    name: 'aiguillage_item_decision_seconds',
    help: "Seconds from a set's first read by its counselor to a decision on one of its items",
    labelNames: ['decision', 'source'] as const,
    // 10 is the default fastDecisionSeconds: the share under it is the oversight figures' fast-decision share.
    buckets: [2, 5, 10, 20, 30, 60, 120, 300, 600, 1800],
    registers: [registry],
  });
  const countItemDecision = ({ decision, source, seconds }: TimedItemDecision): void => {
    decisions.inc({ decision, source, opened: String(seconds !== null) });
    if (seconds !== null) decisionTimes.observe({ decision, source }, seconds);
  };
  const middleware: RequestHandler = (req, res, next) => {
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      const labels = {
        operation: operationIdOf(req) ?? 'unmatched',
        method: req.method,
        status: String(res.statusCode),
      };
      requests.inc(labels);
      latency.observe(labels, Number(process.hrtime.bigint() - start) / 1e9);
    });
    next();
  };
  return {
    registry,
    middleware,
    countWarning: (warning) => warnings.inc({ field: warning.field }),
    countItemDecision,
  };
}
