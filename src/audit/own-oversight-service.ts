/**
 * A counselor's own oversight figures (AI Act Art. 14(4)(b): those who oversee the system stay aware
 * of their own tendency to rely on its output). Their rows of the auditor's figures, counted by the
 * same tally over the same events, without their pseudonym; and, when asked, every counselor's acts
 * counted together beside them, for the weeks the period covers whole, a row given only when each kind
 * of figures in it (the sets', made by their counselors; the second reviews', by their reviewers)
 * rests on enough counselors that the caller's own figures taken from it leave no other counselor's
 * alone.
 */
import type { Principal } from '../auth/principal.ts';
import { type AuditPeriod, checkPeriod } from './audit-period.ts';
import type { AuditServiceDeps } from './audit-service-deps.ts';
import { coverWeeks, type WeekCovered } from './figure-weeks.ts';
import type { ManualSecondReviewRow, OversightRow } from './oversight-figures.ts';
import { readOversightEvents } from './oversight-report.ts';
import { OversightTally } from './oversight-tally.ts';
import { boundOwnPeriod } from './own-oversight-period.ts';

/**
 * How many counselors a row of all counselors together must rest on to be given: the caller's own
 * figures subtracted from a row of two would be the other counselor's.
 */
export const MIN_COUNSELORS_COMPARED = 3;

/** The row every counselor's acts go into when counted together: a name no pseudonym takes. */
const ALL_COUNSELORS = '';

/** A row of the oversight figures without whose it is. */
export type OwnOversightRow = Omit<OversightRow, 'counselor'> & WeekCovered;
export type OwnManualSecondReviewRow = Omit<ManualSecondReviewRow, 'counselor'> & WeekCovered;

/** A row of all counselors together, with how many counselors it rests on. */
export type AllCounselorsRow<R> = R & { counselors: number };

export interface OwnOversightReport extends AuditPeriod {
  fastDecisionSeconds: number;
  rows: OwnOversightRow[];
  manualSecondReviews: OwnManualSecondReviewRow[];
  /** Only when asked for. */
  allCounselors?: {
    minCounselors: number;
    rows: Array<AllCounselorsRow<OwnOversightRow>>;
    manualSecondReviews: Array<AllCounselorsRow<OwnManualSecondReviewRow>>;
  };
}

/** A counselor's own oversight figures (`GET /v1/counselor/stats/oversight`). */
export class OwnOversightService {
  constructor(
    private readonly deps: Pick<AuditServiceDeps, 'events' | 'log' | 'settings' | 'pseudonymise' | 'now'>,
  ) {}

  /**
   * The caller's rows of the oversight figures of the period (the last weeks when it has no start, a
   * period too long refused: `boundOwnPeriod`), at the current fast-decision threshold,
   * and, with `includeAllCounselors`, those of all counselors together. Nothing is recorded: the read
   * opens no person's file and gives no one else's acts alone (record 0008).
   */
  async computeOwnOversight(
    counselor: Principal,
    asked: AuditPeriod,
    options: { includeAllCounselors: boolean },
  ): Promise<OwnOversightReport> {
    checkPeriod(asked);
    const { deps } = this;
    const period = boundOwnPeriod(asked, deps.now());
    const { fastDecisionSeconds } = await deps.settings.getSettings();
    const { seq: toSeq } = await deps.log.readHead();
    const { events } = await readOversightEvents(deps, period, toSeq);
    const figureOptions = { ...period, fastDecisionSeconds };
    // Each counselor's rows, as the auditor's figures count them, and every counselor's acts together,
    // from one pass over the events.
    const each = new OversightTally(figureOptions);
    const together = options.includeAllCounselors
      ? new OversightTally(figureOptions, () => ALL_COUNSELORS)
      : undefined;
    let latest = '';
    for await (const event of events) {
      each.add(event);
      together?.add(event);
      if (event.occurredAt > latest) latest = event.occurredAt;
    }
    // No event records this read: the week in progress ends now, or at the latest event read when the
    // log's time is ahead of this clock (record 0004).
    const now = deps.now().toISOString();
    const readAt = latest > now ? latest : now;
    const own = deps.pseudonymise(counselor.subject);
    const rows = each.toRows();
    const manualRows = each.toManualSecondReviewRows();
    const report: OwnOversightReport = {
      ...period,
      fastDecisionSeconds,
      rows: coverWeeks(rows.filter((row) => row.counselor === own).map(withoutCounselor), period, readAt),
      manualSecondReviews: coverWeeks(
        manualRows.filter((row) => row.counselor === own).map(withoutCounselor),
        period,
        readAt,
      ),
    };
    if (together === undefined) return report;
    const counselorsPerRow = countCounselors(rows, rowKeyOf, kindsOf);
    const counselorsPerManualRow = countCounselors(
      manualRows,
      (row) => row.week,
      () => [],
    );
    return {
      ...report,
      allCounselors: {
        minCounselors: MIN_COUNSELORS_COMPARED,
        rows: coverWholeWeeks(giveTogether(together.toRows(), counselorsPerRow, rowKeyOf), period, readAt),
        manualSecondReviews: coverWholeWeeks(
          giveTogether(together.toManualSecondReviewRows(), counselorsPerManualRow, (row) => row.week),
          period,
          readAt,
        ),
      },
    };
  }
}

/**
 * The rows of the weeks the period covers whole, up to the read for the week in progress. Bounds
 * inside a week would let two reads differing by a minute give the sets made in that minute, one
 * counselor's, with all their review: whole weeks differ between reads only by what was done in
 * between, as any two reads a while apart do.
 */
function coverWholeWeeks<R extends { week: string }>(
  rows: readonly R[],
  period: AuditPeriod,
  readAt: string,
): Array<R & WeekCovered> {
  const whole = coverWeeks(rows, {}, readAt);
  return coverWeeks(rows, period, readAt).filter(
    (row, index) => row.from === whole[index]?.from && row.to === whole[index]?.to,
  );
}

function withoutCounselor<R extends { counselor: string }>(row: R): Omit<R, 'counselor'> {
  const { counselor: _counselor, ...figures } = row;
  return figures;
}

function rowKeyOf(row: Pick<OversightRow, 'modelId' | 'modelVersion' | 'week'>): string {
  return JSON.stringify([row.modelId, row.modelVersion, row.week]);
}

/** The counselors behind a row of all counselors together: all of them, and those behind each kind of its figures. */
interface RowCounselors {
  counselors: number;
  perKind: Map<OversightKind, number>;
}

/**
 * The kinds of figures of a row that different counselors make: its sets' (their counselor's
 * decisions, times, the answers to them) and its second reviews' (their reviewers'). A week whose sets
 * are one counselor's and whose second reviews two others gave has three counselors in it, but its
 * sets' figures would be that counselor's alone.
 */
type OversightKind = 'sets' | 'secondReviews';

function kindsOf(row: OversightRow): OversightKind[] {
  const kinds: OversightKind[] = [];
  if (row.sets > 0) kinds.push('sets');
  if (row.secondReviewApprovals + row.secondReviewReturns > 0) kinds.push('secondReviews');
  return kinds;
}

/** For each key, how many rows (one per counselor) it holds, in all and with each kind of figures. */
function countCounselors<R>(
  rows: readonly R[],
  keyOf: (row: R) => string,
  kindsOfRow: (row: R) => OversightKind[],
): Map<string, RowCounselors> {
  const counts = new Map<string, RowCounselors>();
  for (const row of rows) {
    const key = keyOf(row);
    let count = counts.get(key);
    if (count === undefined) {
      count = { counselors: 0, perKind: new Map() };
      counts.set(key, count);
    }
    count.counselors += 1;
    for (const kind of kindsOfRow(row)) count.perKind.set(kind, (count.perKind.get(kind) ?? 0) + 1);
  }
  return counts;
}

/**
 * The rows of all counselors together that rest on enough counselors, each kind of their figures
 * too, each with how many counselors it rests on.
 */
function giveTogether<R extends { counselor: string }>(
  rows: readonly R[],
  counselors: ReadonlyMap<string, RowCounselors>,
  keyOf: (row: R) => string,
): Array<AllCounselorsRow<Omit<R, 'counselor'>>> {
  return rows.flatMap((row) => {
    const count = counselors.get(keyOf(row));
    if (count === undefined || count.counselors < MIN_COUNSELORS_COMPARED) return [];
    if ([...count.perKind.values()].some((each) => each < MIN_COUNSELORS_COMPARED)) return [];
    return [{ ...withoutCounselor(row), counselors: count.counselors }];
  });
}
