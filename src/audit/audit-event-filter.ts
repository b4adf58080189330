import type { DecisionEventType } from '../decision-log/decision-event.ts';

/** Which decision-log events an auditor asks for; every criterion given must hold. */
export interface AuditEventFilter {
  /** `occurredAt` at or after this instant (ISO 8601 in UTC, as the log writes it). */
  from?: string;
  /** `occurredAt` before this instant. */
  to?: string;
  types?: readonly DecisionEventType[];
  /** The actor's pseudonym (usually a counselor's). */
  actor?: string;
  /** The job seeker's pseudonym. */
  subject?: string;
  /**
   * A model version: the events that name it (`recommendation.generated`, `model.registered`, and
   * `service.started`, each start that served it as the active model), the events of its models by
   * id (`model.activated`, naming it as the model activated or as the one it retired, and
   * `model.recalled`), and every event about a recommendation set it generated (opening, decisions,
   * publication, the people's answers on its items…).
   */
  modelVersion?: string;
  /**
   * One registered model, by its exact id: its events as a version's are found (a version is unique
   * per model name only, so `modelVersion` may span models of several names). With `modelVersion`,
   * both hold.
   */
  modelId?: string;
}
