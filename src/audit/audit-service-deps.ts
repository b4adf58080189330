/** What the auditor's side of the log is built from (see `AuditService`). */
import type { Knex } from 'knex';
import type { DecisionLog, DecisionLogReader } from '../decision-log/decision-log.ts';
import type { SubjectKeyring } from '../decision-log/subject-keyring.ts';
import type { RegisteredModel } from '../model-registry/registered-model.ts';
import type { PublishedItemCounter } from '../outcomes/course-outcome-store.ts';
import type { RecommendationStore } from '../recommendations/recommendation-store.ts';
import type { Settings } from '../settings/settings.ts';
import type { AuditEventStore } from './audit-event-store.ts';
import type { FigureWeekStore } from './figure-week-store.ts';

export interface AuditServiceDeps {
  events: AuditEventStore;
  /** The log: appends `audit.queried`, and gives the head, checkpoints and verification. */
  log: DecisionLog & DecisionLogReader;
  /** Opens the sealed feature vectors for drift; an erased job seeker's can no longer be opened. */
  keyring: Pick<SubjectKeyring, 'openerForOneRead'>;
  /** The registry, read in the drift figures' transaction: the models as the log stands at its head. */
  models: { listModels(trx: Knex.Transaction): Promise<RegisteredModel[]> };
  settings: { getSettings(): Promise<Settings> };
  /** The sets held, to tell where a set an incident names stands (held, erased or purged). */
  sets: Pick<RecommendationStore, 'listHeldIds'>;
  /** The approved items published, counted for the outcome figures (the outcomes are read from the log). */
  outcomes: PublishedItemCounter;
  /** Attribution, drift and outcome figures resting on fewer job seekers are withheld (`AUDIT_MIN_PEOPLE`). */
  minPeoplePerFigure: number;
  /** The finished weeks of those figures, frozen the first time they are given. */
  figureWeeks: FigureWeekStore;
  /**
   * The log period (`RETENTION_LOG_DAYS`): those figures start with its first whole week, since the
   * retention deletes the frozen weeks ended before it.
   */
  logDays: number;
  /** The pseudonym the log gives an id: a purpose naming a job seeker is told by it. */
  pseudonymise(id: string): string;
  /** The clock: the figures opened from sealed parts stop at the last week over for an hour. */
  now(): Date;
  /** Told each verification's verdict (the operators' metrics). */
  onVerified?: (verification: { ok: boolean }) => void;
}
