import type { RequestHandler } from 'express';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { SecondReviewFigure } from '../recommendations/publication-service.ts';
import type { ItemDecisionFigure } from '../recommendations/review-service.ts';
import { WARNED_FIELDS, type WarnedField } from '../screening/sensitive-terms.ts';
import { operationIdOf } from './operation-id.ts';

export interface HttpMetrics {
  registry: Registry;
  /** Records count and latency per operationId once the response is sent. */
  middleware: RequestHandler;
  /** Counts a free-text warning (sensitive term) by field. */
  countWarning(warning: { field: WarnedField }): void;
  /**
   * Counts a counselor's decision on an item, and times a decision on the model's suggestions:
   * figures of the deployment as a whole, naming no counselor (those are
   * `GET /v1/audit/stats/oversight`'s, read by auditors with a purpose), for alerts on rubber-stamp review.
   */
  countItemDecision(decision: ItemDecisionFigure): void;
  /**
   * Counts a second review (approval or return) by whether the set was made by hand, and times it
   * from the second reviewer's own reading of the set, as the oversight figures do; naming no one.
   */
  countSecondReview(review: SecondReviewFigure): void;
  /**
   * Counts a verification of the decision log (an auditor's through the API, or the service's own
   * daily one) by its verdict, so that a broken chain reaches the operators (alert
   * `AiguillageDecisionLogBroken`).
   */
  countLogVerification(verification: { ok: boolean }): void;
  /**
   * Counts a daily verification that could not be completed (the database failing): no verdict,
   * the log unchecked (alert `AiguillageDecisionLogUnverified`).
   */
  countLogVerificationFailure(): void;
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
  const serverErrors = new Counter({
    name: 'aiguillage_http_server_errors_total',
    help: 'HTTP responses with a 5xx status, all operations together (present from the start, at 0, for alerts)',
    registers: [registry],
  });
  const warnings = new Counter({
    name: 'aiguillage_sensitive_term_warnings_total',
    help: 'Free-text fields flagged as mentioning sensitive information, by field (every field present from the start, at 0, for alerts)',
    labelNames: ['field'] as const,
    registers: [registry],
  });
  const decisions = new Counter({
    name: 'aiguillage_item_decisions_total',
    help:
      "Counselors' decisions on items (an addition is an approval of the counselor's own), by decision " +
      '(course_unavailable: a rejection the catalog forced), by who put the item in the set, and whether the set had been opened first ' +
      "(a set made by hand counts as opened: nothing of the model's is in it to read)",
    labelNames: ['decision', 'source', 'opened'] as const,
    registers: [registry],
  });
  const decisionTimes = new Histogram({
    name: 'aiguillage_item_decision_seconds',
    help:
      'Seconds a decision on a suggestion of the model took, since the previous act on its set (creation, opening, ' +
      'shortlist, decision, addition, order of the approved items, return), as the oversight figures count them; rejections the catalog forced left out',
    labelNames: ['decision'] as const,
    // Its buckets are fixed whatever fastDecisionSeconds: the fast approvals are counted apart, below.
    buckets: [2, 5, 10, 20, 30, 60, 120, 300, 600, 1800],
    registers: [registry],
  });
  const secondReviews = new Counter({
    name: 'aiguillage_second_reviews_total',
    help:
      'Second reviews by decision (approve: the set published; return: sent back to its counselor), and whether the set was made by hand ' +
      "(the manual path: no model's suggestion in it)",
    labelNames: ['decision', 'manual'] as const,
    registers: [registry],
  });
  const secondReviewTimes = new Histogram({
    name: 'aiguillage_second_review_seconds',
    help:
      "Seconds from the second reviewer's own reading of the set to their approval or return, as the oversight figures " +
      'count them, sets made by hand included; a return made unread, or of unknown time, left out',
    labelNames: ['decision'] as const,
    // As the decision times': fixed buckets, the fast approvals counted apart, below.
    buckets: [2, 5, 10, 20, 30, 60, 120, 300, 600, 1800],
    registers: [registry],
  });
  // A bucket of the histograms is fixed: an admin who sets fastDecisionSeconds to 30 would have the
  // alerts still count 10 s or less as fast while the oversight figures count 30. Each approval is
  // judged here against the setting in force when it was made.
  const timedApprovals = new Counter({
    name: 'aiguillage_item_decision_timed_approvals_total',
    help:
      "Approvals of the model's suggestions timed as aiguillage_item_decision_seconds times them, by whether they were fast: " +
      'fastDecisionSeconds or less, as set when each was made (for alert AiguillageFastApprovals)',
    labelNames: ['fast'] as const,
    registers: [registry],
  });
  const timedSecondReviewApprovals = new Counter({
    name: 'aiguillage_second_review_timed_approvals_total',
    help:
      'Second-review approvals timed as aiguillage_second_review_seconds times them, by whether they were fast: ' +
      'fastDecisionSeconds or less, as set when each was made (for alert AiguillageFastSecondReviewApprovals)',
    labelNames: ['fast'] as const,
    registers: [registry],
  });
  const verifications = new Counter({
    name: 'aiguillage_decision_log_verifications_total',
    help:
      "Verifications of the decision log, an auditor's through GET /v1/audit/verify and the service's own daily one " +
      '(AUDIT_VERIFY_EVERY_HOURS), by verdict (intact; broken: an event or checkpoint that does not check, the first ' +
      'bad seq in the answer or the log line; failed: a daily verification that could not be completed)',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  // Every series from the start, at 0, so that the first decision of a kind is an increase an alert can see.
  for (const decision of ['approved', 'rejected', 'course_unavailable'] as const) {
    for (const source of ['model', 'counselor'] as const) {
      for (const opened of ['true', 'false']) decisions.labels({ decision, source, opened }).inc(0);
    }
  }
  for (const decision of ['approved', 'rejected'] as const) decisionTimes.zero({ decision });
  for (const decision of ['approve', 'return'] as const) {
    for (const manual of ['true', 'false']) secondReviews.labels({ decision, manual }).inc(0);
    secondReviewTimes.zero({ decision });
  }
  for (const fast of ['true', 'false']) {
    timedApprovals.labels({ fast }).inc(0);
    timedSecondReviewApprovals.labels({ fast }).inc(0);
  }
  for (const field of WARNED_FIELDS) warnings.labels({ field }).inc(0);
  for (const result of ['intact', 'broken', 'failed']) verifications.labels({ result }).inc(0);
  const countItemDecision = (figure: ItemDecisionFigure): void => {
    const { decision, source, opened, seconds } = figure;
    decisions.inc({ decision, source, opened: String(opened) });
    // A time unknown (a clock set back) is no time: counted as 0 it would be a fast decision.
    if (source === 'model' && decision !== 'course_unavailable' && seconds !== null) {
      decisionTimes.observe({ decision }, seconds);
      if (decision === 'approved') timedApprovals.inc({ fast: isFast(seconds, figure.fastDecisionSeconds) });
    }
  };
  const countSecondReview = (figure: SecondReviewFigure): void => {
    const { decision, manual, seconds } = figure;
    secondReviews.inc({ decision, manual: String(manual) });
    // Unread or of unknown time: no time, rather than a fast one.
    if (seconds !== null) {
      secondReviewTimes.observe({ decision }, seconds);
      if (decision === 'approve') {
        timedSecondReviewApprovals.inc({ fast: isFast(seconds, figure.fastDecisionSeconds) });
      }
    }
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
      if (res.statusCode >= 500) serverErrors.inc();
      latency.observe(labels, Number(process.hrtime.bigint() - start) / 1e9);
    });
    next();
  };
  return {
    registry,
    middleware,
    countWarning: (warning) => warnings.inc({ field: warning.field }),
    countItemDecision,
    countSecondReview,
    countLogVerification: ({ ok }) => verifications.inc({ result: ok ? 'intact' : 'broken' }),
    countLogVerificationFailure: () => verifications.inc({ result: 'failed' }),
  };
}

/** Fast as the oversight figures judge it: the setting's seconds or less. */
function isFast(seconds: number, fastDecisionSeconds: number): 'true' | 'false' {
  return seconds <= fastDecisionSeconds ? 'true' : 'false';
}
