import type { DecisionEventType } from '../decision-log/decision-event.ts';
import { COURSE_UNAVAILABLE_REASON } from '../recommendations/recommendation.ts';
import { compareText } from '../shared/compare-text.ts';
import type { EventContent } from './audit-event-store.ts';
import {
  countInto,
  divideOrNull,
  formatIsoWeek,
  readArrayField,
  readNumberField,
  readRecord,
  readStringField,
  roundTo,
  toSortedCounts,
} from './event-fields.ts';

/**
 * The events the oversight figures are computed from (never from the operational tables): the
 * review of a set, over within its lifetime and ended by its publication, discard (a withdrawal or
 * a recall included) or expiry, and then the job seeker's readings of its explanations and answers,
 * which come at any time after publication, until the set is retracted (its items are no longer
 * shown to the person).
 */
export const OVERSIGHT_REVIEW_EVENT_TYPES: readonly DecisionEventType[] = [
  'recommendation.generated',
  'recommendation.created_manually',
  'recommendation.opened',
  'shortlist.submitted',
  'item.decided',
  'item.added',
  'recommendation.published',
  'recommendation.discarded',
  'recommendation.expired',
  'second_review.requested',
  'second_review.completed',
];
export const OVERSIGHT_READING_EVENT_TYPES: readonly DecisionEventType[] = [
  'explanation.opened',
  'feedback.given',
  'recommendation.retracted',
];

/** The period and threshold of an oversight report. */
export interface OversightOptions {
  /** Sets generated at or after this instant (ISO 8601, UTC). */
  from?: string;
  /** Sets generated before this instant. */
  to?: string;
  /** Decisions that took this many seconds or less count as fast. */
  fastDecisionSeconds: number;
}

/**
 * How one counselor reviewed the sets one model version generated in one ISO week (the week the
 * set was generated): those generated for them, and those of other counselors they gave the second
 * review of. Rates are null when there is nothing to divide by.
 */
export interface OversightRow {
  /** The counselor's pseudonym: the actor who requested the sets, or who gave their second review. */
  counselor: string;
  modelId: string;
  modelVersion: string;
  /** `2026-W48`. */
  week: string;
  sets: number;
  /** Items the model suggested in those sets. */
  items: number;
  /**
   * Model items with a decision (the last one counts when a counselor changed their mind), rejections
   * forced by the catalog left out: they are no judgement on the model.
   */
  decisions: number;
  approvalRate: number | null;
  rejectionRate: number | null;
  /**
   * Model items whose last decision is a rejection for a course the catalog withdrew
   * (`course_unavailable`): counted here, outside the decisions, the rates and the times.
   */
  catalogRejections: number;
  /** Courses the counselor added. */
  additions: number;
  /** Additions among everything reviewed: additions / (decisions + additions). */
  additionRate: number | null;
  /**
   * Decisions whose time is known (catalog rejections left out), each act timed: an item decided
   * again counts each time, so this may exceed `decisions`, which counts each item's last decision.
   */
  timedDecisions: number;
  /**
   * Median time spent on a decision: seconds since the counselor's previous decision or addition
   * in the same set, or, for the first one, since the set was opened, or since it was generated
   * when the counselor decided straight from the creation answer, which shows every item; never from
   * before a second reviewer's return.
   */
  medianDecisionSeconds: number | null;
  /** Share of timed decisions, approvals and rejections together, that took the threshold or less. */
  fastDecisionShare: number | null;
  /** Approvals among the timed decisions (each act timed, as for `timedDecisions`). */
  timedApprovals: number;
  /**
   * Share of timed approvals that took the threshold or less: the rubber stamp human review is there
   * to prevent, which slow rejections would dilute in `fastDecisionShare` (the alert
   * `AiguillageFastApprovals` watches the same).
   */
  fastApprovalShare: number | null;
  /** Sets with at least one decision or addition. */
  reviewedSets: number;
  /** Share of reviewed sets that were opened before their first decision. */
  openedBeforeFirstDecisionShare: number | null;
  /** Sets where the counselor submitted a shortlist first (blind-first mode). */
  blindFirstSets: number;
  /**
   * Mean share of the counselor's own shortlist that the model also suggested (empty shortlists and
   * those made after the model's suggestions were seen left out).
   */
  blindFirstOverlap: number | null;
  /** Blind-first sets whose shortlist was empty: the model's items seen without a shortlist of one's own. */
  emptyShortlists: number;
  /**
   * Blind-first sets whose shortlist came once the person's suggestions had been shown in another
   * set (`modelSeenBefore`, record 0003): not blind, so out of the overlap.
   */
  shortlistsAfterModelSeen: number;
  /** Items that reached the job seekers: the approved items of published sets, additions included. */
  publishedItems: number;
  /** Published items whose explanation the job seeker read at least once. */
  explanationsOpened: number;
  /** explanationsOpened / publishedItems. */
  explanationOpenedShare: number | null;
  /**
   * How many of the model's items the counselor rejected, by reason code (the last decision counts;
   * catalog rejections left out): `model_output_inappropriate` counts the suggestions counselors
   * took for the model's mistakes.
   */
  rejectionReasons: Record<string, number>;
  /**
   * The job seekers' answers on the published items, by response (each item's last answer):
   * `contest` counts the suggestions whose last answer is a contest, a breakdown of where answers
   * ended; the usage figures' `contests` count every suggestion contested, whatever came after.
   */
  feedback: Record<string, number>;
  /** Second reviews the counselor gave by approving (and so publishing) another counselor's set. */
  secondReviewApprovals: number;
  /** Second reviews the counselor gave by returning the set to its counselor, each return counted. */
  secondReviewReturns: number;
  /**
   * Second reviews whose time is known (`secondsSinceOpened`, from the second reviewer's own reading
   * of the set): a return made unread, or one logged before that field, is untimed.
   */
  timedSecondReviews: number;
  /** Median time from the second reviewer's reading to their approval or return. */
  medianSecondReviewSeconds: number | null;
  /** Share of timed second reviews, approvals and returns together, that took the threshold or less. */
  fastSecondReviewShare: number | null;
  /** Approvals among the timed second reviews. */
  timedSecondReviewApprovals: number;
  /**
   * Share of timed second-review approvals that took the threshold or less: the rubber stamp the
   * second review is there to prevent, which slow returns would dilute in `fastSecondReviewShare`
   * (the alert `AiguillageFastSecondReviewApprovals` watches the same).
   */
  fastSecondReviewApprovalShare: number | null;
  /**
   * Closed-session warnings (`session_unavailable`) the counselor went past on these sets: each
   * approval of an item whose session was closed (`item.decided`'s `closedSession`), and each such
   * approved item in a hand-over to a second review or a publication they made (`closedSessions`), a
   * second reviewer's publication included; each act counted.
   */
  closedSessionOverrides: number;
}

/**
 * The second reviews one counselor gave the sets made by hand (the manual path, no model) created in
 * one ISO week: counted apart from the model's sets, having no model version to go under, timed as
 * those of the model's sets are.
 */
export type ManualSecondReviewRow = Pick<
  OversightRow,
  | 'counselor'
  | 'week'
  | 'secondReviewApprovals'
  | 'secondReviewReturns'
  | 'timedSecondReviews'
  | 'medianSecondReviewSeconds'
  | 'fastSecondReviewShare'
  | 'timedSecondReviewApprovals'
  | 'fastSecondReviewApprovalShare'
  | 'closedSessionOverrides'
>;

/** The oversight figures: the model's sets, by model version, and the second reviews of the sets made by hand. */
export interface OversightFigures {
  rows: OversightRow[];
  manualSecondReviews: ManualSecondReviewRow[];
}

/** A second reviewer's acts, gathered while the events are read. */
interface SecondReviewTotals {
  secondReviewApprovals: number;
  secondReviewReturns: number;
  secondReviewSeconds: number[];
  fastSecondReviews: number;
  timedSecondReviewApprovals: number;
  fastSecondReviewApprovals: number;
}

/** A second reviewer's acts on the sets made by hand of one week. */
type ManualGroup = SecondReviewTotals & { counselor: string; week: string; closedSessionOverrides: number };

/** A set whose review is not over: what its next events may still change. */
interface SetState {
  group: GroupTotals;
  opened: boolean;
  reviewed: boolean;
  /** When the counselor last acted on the set or first saw it (ms), for the time of the next act. */
  lastActAt: number;
  /** Each item's last decision: `approved`, `rejected`, or `catalog` for a catalog rejection. */
  decisions: Map<string, string>;
  /** The reason code of each item whose last decision is a rejection by the counselor. */
  rejectionReasons: Map<string, string>;
}

/** A published set, as the readings and answers of its items need it; shared by its items. */
interface PublishedSet {
  setId: string;
  group: GroupTotals;
  itemIds: string[];
}

/** A published item: whether its explanation was read, and the job seeker's last answer, both counted in its row. */
interface PublishedItem {
  set: PublishedSet;
  explained: boolean;
  answer?: string;
}

/** What a row is computed from, gathered while the events are read. */
interface GroupTotals
  extends SecondReviewTotals,
    Pick<
      OversightRow,
      | 'counselor'
      | 'modelId'
      | 'modelVersion'
      | 'week'
      | 'sets'
      | 'items'
      | 'additions'
      | 'reviewedSets'
      | 'blindFirstSets'
      | 'emptyShortlists'
      | 'shortlistsAfterModelSeen'
      | 'publishedItems'
      | 'explanationsOpened'
    > {
  approved: number;
  rejected: number;
  catalogRejections: number;
  decisionSeconds: number[];
  fastDecisions: number;
  timedApprovals: number;
  fastApprovals: number;
  openedFirst: number;
  overlapSum: number;
  overlapCount: number;
  rejectionReasons: Map<string, number>;
  feedback: Map<string, number>;
  closedSessionOverrides: number;
}

/**
 * Computes the oversight figures (DESIGN.md principle 6) from decision-log events in seq order:
 * the sets generated in the period and everything recorded about them afterwards. Events of
 * other types, and events about sets generated outside the period, are ignored.
 */
export async function computeOversightStats(
  events: AsyncIterable<EventContent> | Iterable<EventContent>,
  options: OversightOptions,
): Promise<OversightRow[]> {
  return (await computeOversightReport(events, options)).rows;
}

/**
 * The oversight figures of {@link computeOversightStats}, with the second reviews of the sets made by
 * hand in the period, per second reviewer and week of the set's creation.
 */
export async function computeOversightReport(
  events: AsyncIterable<EventContent> | Iterable<EventContent>,
  options: OversightOptions,
): Promise<OversightFigures> {
  const tally = new OversightTally(options);
  for await (const event of events) tally.add(event);
  return { rows: tally.toRows(), manualSecondReviews: tally.toManualSecondReviewRows() };
}

/**
 * The oversight figures gathered one event at a time, in seq order. A set's review state is held
 * only while its review can still change: once the set is published, discarded (withdrawn or
 * recalled too) or expired, its figures go into its row and the state is dropped, so that a period
 * of any length holds the sets still under review, not every set of the period. Of a published set
 * only its items are kept, with their set, for the readings and answers that come at any time after:
 * each goes into its row as it comes, and the items go when the set is retracted, after which none
 * can come (a retraction changes none of the figures).
 */
export class OversightTally {
  private readonly groups = new Map<string, GroupTotals>();
  private readonly openSets = new Map<string, SetState>();
  /** The published sets not retracted, by id. */
  private readonly publishedSets = new Map<string, PublishedSet>();
  /**
   * The items of those sets, for the job seekers' readings and answers (an answer logged before
   * `feedback.given` carried its set names the item only).
   */
  private readonly publishedItems = new Map<string, PublishedItem>();
  /** The period's sets made by hand still open, with the ISO week of their creation. */
  private readonly manualSets = new Map<string, string>();
  /** The second reviews of those sets, by reviewer and week. */
  private readonly manualGroups = new Map<string, ManualGroup>();
  /** Of those sets, who approved each in its second review: the publication that follows is theirs. */
  private readonly manualApprovers = new Map<string, string>();

  constructor(private readonly options: OversightOptions) {}

  /** Sets of the period whose review is not over yet: the only ones whose review state is held. */
  get openSetCount(): number {
    return this.openSets.size;
  }

  /** Items of the period's published sets not retracted: the only ones held for the readings and answers. */
  get publishedItemCount(): number {
    return this.publishedItems.size;
  }

  /** Takes the next event of the log (in seq order) into the figures. */
  add(event: EventContent): void {
    const payload = readRecord(event.payload);
    if (event.type === 'feedback.given') {
      const item = this.publishedItems.get(readStringField(payload, 'itemId') ?? '');
      const response = readStringField(payload, 'response');
      if (item !== undefined && response !== undefined) takeAnswer(item, response);
      return;
    }
    const setId = readStringField(payload, 'setId');
    if (setId === undefined) return;
    if (event.type === 'explanation.opened') {
      const item = this.publishedItems.get(readStringField(payload, 'itemId') ?? '');
      if (item !== undefined && item.set.setId === setId && !item.explained) {
        item.explained = true;
        item.set.group.explanationsOpened += 1;
      }
      return;
    }
    if (event.type === 'recommendation.retracted') {
      this.dropPublishedSet(setId);
      return;
    }
    if (event.type === 'recommendation.generated') {
      this.openSet(event, setId, payload);
      return;
    }
    if (event.type === 'recommendation.created_manually') {
      if (isInPeriod(event.occurredAt, this.options))
        this.manualSets.set(setId, formatIsoWeek(event.occurredAt));
      return;
    }
    const manualWeek = this.manualSets.get(setId);
    if (manualWeek !== undefined) {
      this.takeManualSetEvent(event, setId, manualWeek, payload);
      return;
    }
    const set = this.openSets.get(setId);
    if (set === undefined) return;
    switch (event.type) {
      case 'recommendation.opened':
        set.opened = true;
        set.lastActAt = Math.max(set.lastActAt, Date.parse(event.occurredAt));
        break;
      case 'shortlist.submitted': {
        // Blind-first: the model's items are shown from here on.
        set.lastActAt = Math.max(set.lastActAt, Date.parse(event.occurredAt));
        set.group.blindFirstSets += 1;
        const size = readNumberField(payload, 'shortlistSize');
        const overlap = readNumberField(payload, 'overlap');
        // A shortlist made once the model's suggestions were seen would measure copying, not agreement.
        const seen = payload?.modelSeenBefore === true;
        if (size === 0) set.group.emptyShortlists += 1;
        if (seen) set.group.shortlistsAfterModelSeen += 1;
        if (!seen && size !== undefined && size > 0 && overlap !== undefined) {
          set.group.overlapSum += overlap / size;
          set.group.overlapCount += 1;
        }
        break;
      }
      case 'item.decided':
        this.takeDecision(set, event.occurredAt, payload);
        if (readStringField(payload, 'decision') === 'approved' && readStringField(payload, 'closedSession'))
          this.takeClosedSessionOverrides(set, event.actor.pseudonym, 1);
        break;
      case 'second_review.requested':
        this.takeClosedSessionOverrides(set, event.actor.pseudonym, countClosedSessions(payload));
        break;
      case 'item.added':
        markReviewed(set);
        set.group.additions += 1;
        takeActSeconds(set, event.occurredAt, undefined);
        break;
      case 'recommendation.published': {
        this.takeClosedSessionOverrides(set, event.actor.pseudonym, countClosedSessions(payload));
        this.closeSet(setId, set);
        const published = new Set(
          readArrayField(payload, 'approvedItemIds').filter((id) => typeof id === 'string'),
        );
        set.group.publishedItems += published.size;
        const shared: PublishedSet = { setId, group: set.group, itemIds: [...published] };
        this.publishedSets.set(setId, shared);
        for (const itemId of published) this.publishedItems.set(itemId, { set: shared, explained: false });
        break;
      }
      case 'second_review.completed':
        this.takeSecondReview(set, event.actor.pseudonym, payload);
        break;
      case 'recommendation.discarded':
      case 'recommendation.expired':
        this.closeSet(setId, set);
        break;
      default:
        break;
    }
  }

  /** The rows, sorted by week, counselor and model, once the last event is taken. */
  toRows(): OversightRow[] {
    for (const [setId, set] of this.openSets) this.closeSet(setId, set);
    return [...this.groups.values()]
      .sort(
        (a, b) =>
          compareText(a.week, b.week) ||
          compareText(a.counselor, b.counselor) ||
          compareText(a.modelId, b.modelId),
      )
      .map(toRow);
  }

  /**
   * The second reviews of the sets made by hand, sorted by week and counselor, once the last event is
   * taken.
   */
  toManualSecondReviewRows(): ManualSecondReviewRow[] {
    return [...this.manualGroups.values()]
      .sort((a, b) => compareText(a.week, b.week) || compareText(a.counselor, b.counselor))
      .map((group) => ({
        counselor: group.counselor,
        week: group.week,
        ...toSecondReviewFigures(group),
        closedSessionOverrides: group.closedSessionOverrides,
      }));
  }

  /**
   * An event about a set made by hand: a second review goes into its reviewer's row of the set's
   * week; the set's end (published, discarded, expired) drops it, after which no review can come.
   */
  private takeManualSetEvent(
    event: EventContent,
    setId: string,
    week: string,
    payload: Record<string, unknown> | undefined,
  ): void {
    switch (event.type) {
      case 'second_review.completed': {
        const counselor = event.actor.pseudonym;
        const id = JSON.stringify([counselor, week]);
        let group = this.manualGroups.get(id);
        if (group === undefined) {
          group = { counselor, week, ...noSecondReviews(), closedSessionOverrides: 0 };
          this.manualGroups.set(id, group);
        }
        takeSecondReviewInto(group, payload, this.options.fastDecisionSeconds);
        if (readStringField(payload, 'decision') === 'approve') this.manualApprovers.set(setId, counselor);
        break;
      }
      case 'recommendation.published': {
        // Published by its second reviewer's approval: a closed session there is theirs to have gone past.
        const approver = this.manualApprovers.get(setId);
        const group =
          approver === event.actor.pseudonym
            ? this.manualGroups.get(JSON.stringify([approver, week]))
            : undefined;
        if (group !== undefined) group.closedSessionOverrides += countClosedSessions(payload);
        this.dropManualSet(setId);
        break;
      }
      case 'recommendation.discarded':
      case 'recommendation.expired':
        this.dropManualSet(setId);
        break;
      default:
        break;
    }
  }

  private dropManualSet(setId: string): void {
    this.manualSets.delete(setId);
    this.manualApprovers.delete(setId);
  }

  /**
   * Closed-session warnings gone past in an act on the set, counted in the row of whoever made it
   * (its counselor, or its second reviewer publishing it) for the set's model version and week.
   */
  private takeClosedSessionOverrides(set: SetState, actor: string, count: number): void {
    if (count === 0) return;
    const { modelId, modelVersion, week } = set.group;
    findGroup(this.groups, { counselor: actor, modelId, modelVersion, week }).closedSessionOverrides += count;
  }

  private openSet(event: EventContent, setId: string, payload: Record<string, unknown> | undefined): void {
    if (!isInPeriod(event.occurredAt, this.options)) return;
    const model = readRecord(payload?.model);
    const group = findGroup(this.groups, {
      counselor: event.actor.pseudonym,
      modelId: readStringField(model, 'id') ?? 'unknown',
      modelVersion: readStringField(model, 'version') ?? 'unknown',
      week: formatIsoWeek(event.occurredAt),
    });
    group.sets += 1;
    group.items += readArrayField(payload, 'items').length;
    this.openSets.set(setId, {
      group,
      opened: false,
      reviewed: false,
      lastActAt: Date.parse(event.occurredAt),
      decisions: new Map(),
      rejectionReasons: new Map(),
    });
  }

  private takeDecision(
    set: SetState,
    occurredAt: string,
    payload: Record<string, unknown> | undefined,
  ): void {
    markReviewed(set);
    if (readStringField(payload, 'source') === 'counselor') {
      // Rejecting their own addition is no judgement of the model: an act the time of the next
      // decision counts from, as the addition itself, not a decision in the figures.
      takeActSeconds(set, occurredAt, payload);
      return;
    }
    const itemId = readStringField(payload, 'itemId');
    const decision = readStringField(payload, 'decision');
    // The catalog's doing, not the counselor's judgement of the model; still an act that the
    // time of the next decision counts from.
    const forcedByCatalog =
      decision === 'rejected' && readStringField(payload, 'reasonCode') === COURSE_UNAVAILABLE_REASON;
    if (itemId !== undefined && decision !== undefined) {
      set.decisions.set(itemId, forcedByCatalog ? 'catalog' : decision);
      const reasonCode = readStringField(payload, 'reasonCode');
      if (decision === 'rejected' && !forcedByCatalog && reasonCode !== undefined) {
        set.rejectionReasons.set(itemId, reasonCode);
      } else {
        set.rejectionReasons.delete(itemId);
      }
    }
    const spent = takeActSeconds(set, occurredAt, payload);
    if (spent !== undefined && !forcedByCatalog) {
      set.group.decisionSeconds.push(spent);
      // At most the threshold, as the `le` bucket of the decision-time histogram on /metrics counts it.
      const fast = spent <= this.options.fastDecisionSeconds;
      if (fast) set.group.fastDecisions += 1;
      if (decision === 'approved') {
        set.group.timedApprovals += 1;
        if (fast) set.group.fastApprovals += 1;
      }
    }
  }

  /**
   * A second review goes into the second reviewer's row for the set's model version and week, timed
   * as the publication service measured it. It is no act of the set's counselor: the time of their
   * next decision is the one the review service measured, from the return.
   */
  private takeSecondReview(
    set: SetState,
    reviewer: string,
    payload: Record<string, unknown> | undefined,
  ): void {
    const decision = readStringField(payload, 'decision');
    if (decision !== 'approve' && decision !== 'return') return;
    const { modelId, modelVersion, week } = set.group;
    const group = findGroup(this.groups, { counselor: reviewer, modelId, modelVersion, week });
    takeSecondReviewInto(group, payload, this.options.fastDecisionSeconds);
  }

  /** The set's review is over: its items' last decisions go into its row, and its state goes. */
  private closeSet(setId: string, set: SetState): void {
    for (const decision of set.decisions.values()) {
      if (decision === 'approved') set.group.approved += 1;
      else if (decision === 'rejected') set.group.rejected += 1;
      else if (decision === 'catalog') set.group.catalogRejections += 1;
    }
    for (const reasonCode of set.rejectionReasons.values()) countInto(set.group.rejectionReasons, reasonCode);
    this.openSets.delete(setId);
  }

  /** The set was retracted: no reading or answer of its items can come, and what came is in its row. */
  private dropPublishedSet(setId: string): void {
    const published = this.publishedSets.get(setId);
    if (published === undefined) return;
    for (const itemId of published.itemIds) this.publishedItems.delete(itemId);
    this.publishedSets.delete(setId);
  }
}

function noSecondReviews(): SecondReviewTotals {
  return {
    secondReviewApprovals: 0,
    secondReviewReturns: 0,
    secondReviewSeconds: [],
    fastSecondReviews: 0,
    timedSecondReviewApprovals: 0,
    fastSecondReviewApprovals: 0,
  };
}

/**
 * A second review (`second_review.completed`) counted into a reviewer's totals, timed by the
 * `secondsSinceOpened` the publication service measured: untimed when it is missing or unknown.
 */
function takeSecondReviewInto(
  totals: SecondReviewTotals,
  payload: Record<string, unknown> | undefined,
  fastDecisionSeconds: number,
): void {
  const decision = readStringField(payload, 'decision');
  if (decision === 'approve') totals.secondReviewApprovals += 1;
  else if (decision === 'return') totals.secondReviewReturns += 1;
  else return;
  const seconds = readNumberField(payload, 'secondsSinceOpened');
  if (seconds === undefined || seconds < 0) return;
  totals.secondReviewSeconds.push(seconds);
  // At most the threshold, as for a decision.
  const fast = seconds <= fastDecisionSeconds;
  if (fast) totals.fastSecondReviews += 1;
  if (decision !== 'approve') return;
  totals.timedSecondReviewApprovals += 1;
  if (fast) totals.fastSecondReviewApprovals += 1;
}

function toSecondReviewFigures(
  totals: SecondReviewTotals,
): Pick<
  OversightRow,
  | 'secondReviewApprovals'
  | 'secondReviewReturns'
  | 'timedSecondReviews'
  | 'medianSecondReviewSeconds'
  | 'fastSecondReviewShare'
  | 'timedSecondReviewApprovals'
  | 'fastSecondReviewApprovalShare'
> {
  const timed = totals.secondReviewSeconds.length;
  return {
    secondReviewApprovals: totals.secondReviewApprovals,
    secondReviewReturns: totals.secondReviewReturns,
    timedSecondReviews: timed,
    medianSecondReviewSeconds: roundTo(computeMedian(totals.secondReviewSeconds), 2),
    fastSecondReviewShare: roundTo(divideOrNull(totals.fastSecondReviews, timed), 4),
    timedSecondReviewApprovals: totals.timedSecondReviewApprovals,
    fastSecondReviewApprovalShare: roundTo(
      divideOrNull(totals.fastSecondReviewApprovals, totals.timedSecondReviewApprovals),
      4,
    ),
  };
}

/** The approved items an act (a hand-over, a publication) made past a closed-session warning. */
function countClosedSessions(payload: Record<string, unknown> | undefined): number {
  return readArrayField(payload, 'closedSessions').length;
}

/** The item's last answer replaces its previous one in its row's counts. */
function takeAnswer(item: PublishedItem, response: string): void {
  const { feedback } = item.set.group;
  if (item.answer !== undefined) {
    const left = (feedback.get(item.answer) ?? 0) - 1;
    if (left > 0) feedback.set(item.answer, left);
    else feedback.delete(item.answer);
  }
  countInto(feedback, response);
  item.answer = response;
}

function isInPeriod(instant: string, options: Pick<OversightOptions, 'from' | 'to'>): boolean {
  return (
    (options.from === undefined || instant >= options.from) &&
    (options.to === undefined || instant < options.to)
  );
}

function findGroup(
  groups: Map<string, GroupTotals>,
  key: Pick<GroupTotals, 'counselor' | 'modelId' | 'modelVersion' | 'week'>,
): GroupTotals {
  const id = JSON.stringify([key.counselor, key.modelId, key.modelVersion, key.week]);
  let group = groups.get(id);
  if (group === undefined) {
    group = {
      ...key,
      sets: 0,
      items: 0,
      approved: 0,
      rejected: 0,
      catalogRejections: 0,
      additions: 0,
      decisionSeconds: [],
      fastDecisions: 0,
      timedApprovals: 0,
      fastApprovals: 0,
      reviewedSets: 0,
      openedFirst: 0,
      blindFirstSets: 0,
      emptyShortlists: 0,
      shortlistsAfterModelSeen: 0,
      overlapSum: 0,
      overlapCount: 0,
      publishedItems: 0,
      explanationsOpened: 0,
      rejectionReasons: new Map(),
      feedback: new Map(),
      closedSessionOverrides: 0,
      ...noSecondReviews(),
    };
    groups.set(id, group);
  }
  return group;
}

function markReviewed(set: SetState): void {
  if (set.reviewed) return;
  set.reviewed = true;
  set.group.reviewedSets += 1;
  if (set.opened) set.group.openedFirst += 1;
}

/** The field of `item.decided` with the time the review service measured. */
const MEASURED_SECONDS = 'secondsSincePreviousAct';

/**
 * The seconds an act took: since the counselor's previous act on the set, or since they first saw
 * it (opened, or generated and answered in full); undefined when unknown. A decision logs the time
 * the service measured (`secondsSincePreviousAct`, null when its clock read earlier than at the
 * previous act): the log's own times hold still while a clock is behind (record 0004), so their gap
 * would read 0 s, a fast decision. Events logged before that field are timed by the gap between
 * their times, unknown when it is negative (a clock set back) or a time is unreadable.
 */
function takeActSeconds(
  set: SetState,
  occurredAt: string,
  payload: Record<string, unknown> | undefined,
): number | undefined {
  const at = Date.parse(occurredAt);
  const previous = set.lastActAt;
  if (!Number.isNaN(at) && !Number.isNaN(previous)) set.lastActAt = Math.max(previous, at);
  if (payload !== undefined && Object.hasOwn(payload, MEASURED_SECONDS)) {
    const measured = readNumberField(payload, MEASURED_SECONDS);
    return measured !== undefined && measured >= 0 ? measured : undefined;
  }
  if (Number.isNaN(at) || Number.isNaN(previous) || at < previous) return undefined;
  return (at - previous) / 1000;
}

function computeMedian(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function toRow(group: GroupTotals): OversightRow {
  const decisions = group.approved + group.rejected;
  const timed = group.decisionSeconds.length;
  return {
    counselor: group.counselor,
    modelId: group.modelId,
    modelVersion: group.modelVersion,
    week: group.week,
    sets: group.sets,
    items: group.items,
    decisions,
    approvalRate: roundTo(divideOrNull(group.approved, decisions), 4),
    rejectionRate: roundTo(divideOrNull(group.rejected, decisions), 4),
    catalogRejections: group.catalogRejections,
    additions: group.additions,
    additionRate: roundTo(divideOrNull(group.additions, decisions + group.additions), 4),
    timedDecisions: timed,
    medianDecisionSeconds: roundTo(computeMedian(group.decisionSeconds), 2),
    fastDecisionShare: roundTo(divideOrNull(group.fastDecisions, timed), 4),
    timedApprovals: group.timedApprovals,
    fastApprovalShare: roundTo(divideOrNull(group.fastApprovals, group.timedApprovals), 4),
    reviewedSets: group.reviewedSets,
    openedBeforeFirstDecisionShare: roundTo(divideOrNull(group.openedFirst, group.reviewedSets), 4),
    blindFirstSets: group.blindFirstSets,
    blindFirstOverlap: roundTo(divideOrNull(group.overlapSum, group.overlapCount), 4),
    emptyShortlists: group.emptyShortlists,
    shortlistsAfterModelSeen: group.shortlistsAfterModelSeen,
    publishedItems: group.publishedItems,
    explanationsOpened: group.explanationsOpened,
    explanationOpenedShare: roundTo(divideOrNull(group.explanationsOpened, group.publishedItems), 4),
    rejectionReasons: toSortedCounts(group.rejectionReasons),
    feedback: toSortedCounts(group.feedback),
    ...toSecondReviewFigures(group),
    closedSessionOverrides: group.closedSessionOverrides,
  };
}
