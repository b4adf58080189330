/**
 * The trace every auditor query leaves: its purpose, and the filters that may name someone, checked
 * before any work is done, and `audit.queried` appended before any result is handed back.
 */
import { findActingRole, type Principal } from '../auth/principal.ts';
import { pickDefined } from '../shared/pick-defined.ts';
import type { AuditEventFilter } from './audit-event-filter.ts';
import type { AuditServiceDeps } from './audit-service-deps.ts';
import { createLoggedTextCheck } from './logged-text-check.ts';

/** Who asks, and why: every auditor query states its purpose and is itself logged. */
export interface AuditRequest {
  /** The caller: an auditor, or an admin where the operation admits one (the incidents). */
  auditor: Principal;
  purpose: string;
  /**
   * The caller takes the answer's headers alone (HTTP HEAD): the result is worked out, and its trace
   * logged, but none of it is handed over beyond what the headers carry (an export's count and seqs).
   */
  headersOnly?: boolean;
}

/** The checks and the record every auditor query goes through. */
export interface AuditTrail {
  /**
   * Checks the purpose of a request before any work is done: it is recorded in the public part of
   * `audit.queried`, readable for as long as the log is kept, where erasure cannot reach it (see
   * `createLoggedTextCheck`: no sensitive facts, no id of a job seeker or staff member the log names;
   * an auditor follows a person by pseudonym, the events' `subject` or actor).
   */
  checkPurpose(request: AuditRequest, operation: string): Promise<void>;
  /**
   * Checks the filters that name someone or something, as the purpose is checked: `audit.queried`
   * keeps them in clear beside it, for good. The subject and the actor are pseudonyms: a person's id
   * given in their place (a job seeker's, a counselor's) is refused, with the purpose's refusal and
   * its trace, and would match no event anyway. A pseudonym is letters drawn at random, in which a
   * sensitive term would be chance: those two are searched for ids only. A model version is any text,
   * and a model id letters an admin chose: both are checked whole.
   */
  checkFilter(request: AuditRequest, operation: string, filter: AuditEventFilter): Promise<void>;
  /**
   * Appends `audit.queried`: who asked, why, with which filters, how much came back, and whether only
   * the answer's headers were taken. Returns the time the log gives it, the moment of the read: the
   * log's time never goes back, so no event read is later, even one another process stamped with a
   * clock ahead of this one.
   */
  record(
    request: AuditRequest,
    operation: string,
    filters: Record<string, unknown>,
    resultCount: number,
    noted?: {
      /** For the figures resting on enough people: the minimum (`AUDIT_MIN_PEOPLE`) they were given under. */
      minPeople?: number;
      /** For a set's trail: the person it was made for (`findSetSubject`). */
      setSubject?: string | undefined;
    },
  ): Promise<string>;
}

/** The trail of the auditor queries, checking logged text as `createLoggedTextCheck` does. */
export function createAuditTrail(
  deps: Pick<AuditServiceDeps, 'events' | 'log' | 'pseudonymise'>,
): AuditTrail {
  const checkLoggedText = createLoggedTextCheck(deps);
  return {
    async checkPurpose(request, operation) {
      await checkLoggedText(
        { actor: actorOf(request), operation },
        { header: 'X-Audit-Purpose' },
        request.purpose,
        'state the purpose',
      );
    },

    async checkFilter(request, operation, filter) {
      for (const [parameter, ask] of FILTERS_NAMING_SOMEONE) {
        const value = filter[parameter];
        if (value === undefined) continue;
        await checkLoggedText(
          { actor: actorOf(request), operation },
          { parameter },
          value,
          ask,
          parameter === 'modelVersion' || parameter === 'modelId' ? {} : { allowSensitiveTerms: true },
        );
      }
    },

    async record(request, operation, filters, resultCount, noted = {}) {
      const { occurredAt } = await deps.log.withTransaction((trx) =>
        deps.log.append(trx, {
          type: 'audit.queried',
          actor: actorOf(request),
          payload: {
            operation,
            purpose: request.purpose,
            filters: pickDefined(filters),
            ...pickDefined(noted),
            resultCount,
            ...(request.headersOnly === true ? { headersOnly: true } : {}),
          },
        }),
      );
      return occurredAt;
    },
  };
}

/** The filters kept in clear that may name someone, each with what the refusal asks for instead. */
const FILTERS_NAMING_SOMEONE: ReadonlyArray<
  readonly ['subject' | 'actor' | 'modelVersion' | 'modelId', string]
> = [
  ['subject', 'give the job seeker’s pseudonym (the `subject` of their events)'],
  ['actor', 'give the actor’s pseudonym (the `actor` of their events)'],
  ['modelVersion', 'give the version of a model'],
  ['modelId', 'give the id of a registered model'],
];

/** The caller as the log records them: an auditor, or an admin where the operation admits one. */
function actorOf({ auditor }: AuditRequest): { role: 'auditor' | 'admin'; id: string } {
  return { role: findActingRole(auditor, ['auditor', 'admin']), id: auditor.subject };
}
