/**
 * What a random walk through the review workflow expects of the product: a plain model of the
 * people, the settings and the sets, with the review's rules written from the decision records
 * (0003, 0013, 0014, 0015, 0017, 0019, 0020, 0021) rather than read from the code, so that the walk can tell when
 * the two disagree. `test/api/workflow-sequences.test.ts` drives it.
 */
import type { DecisionEventType } from '../../src/decision-log/decision-event.ts';

export type WalkStatus =
  | 'awaiting_shortlist'
  | 'pending_review'
  | 'awaiting_second_review'
  | 'published'
  | 'retracted'
  | 'discarded'
  | 'expired';

export const WALK_OPEN_STATUSES: readonly WalkStatus[] = [
  'awaiting_shortlist',
  'pending_review',
  'awaiting_second_review',
];

export interface WalkItem {
  id: string;
  courseId: string;
  source: 'model' | 'counselor';
  rank: number | null;
  decision: 'pending' | 'approved' | 'rejected';
  /** Where the counselor's order put it (1-based), null when it has no place in that order. */
  displayOrder: number | null;
}

export interface WalkSet {
  id: string;
  seekerId: string;
  counselorId: string;
  /** Made by hand (no model). */
  manual: boolean;
  /** The registry id of the model that made it, null for a set made by hand. */
  modelId: string | null;
  /** The counselor's message to the person, written at its publication or its hand-over (record 0003). */
  message: string | null;
  /** Made in blind-first mode (awaiting the counselor's shortlist first). */
  blind: boolean;
  status: WalkStatus;
  expiresAt: number;
  /** Null while a blind-first set hides the model's items. */
  items: WalkItem[] | null;
  /** Whether its counselor ordered the approved items once. */
  ordered: boolean;
  openedAt: boolean;
  /** Whether the set was drawn for a second review, or owes one an earlier set handed on. */
  secondReviewRequired: boolean;
  firstReviewerId: string | null;
  /** The counselors who read it in its current second-review round. */
  currentReads: Set<string>;
  /** The counselors who read it in any second-review round. */
  everRead: Set<string>;
  /** Its lifetime passed while it awaited its second review (told as an expiry to second reviewers for a day). */
  expiredAwaiting: boolean;
  replaced: boolean;
  /** The walk's publication counter when it was published (the portal shows the latest). */
  publishedRank: number | null;
  /** When it was published (ms), null before. */
  publishedAt: number | null;
  /** Answers given by the person, per item (contests apart). */
  feedbackCount: Map<string, number>;
  /** The person's contests of its items not answered yet, per item (record 0021). */
  contestCount: Map<string, number>;
  /** The counselor's replies to the contests, per item. */
  replyCount: Map<string, number>;
  /** The Idempotency-Key that created it, for a retry. */
  idempotencyKey: string;
  /** The ETag last read, and whether the set changed since (then the next read must give another). */
  lastEtag: string | undefined;
  changed: boolean;
  /** Whether anything changed the set since its creation answered: a retry's ETag is then stale. */
  changedSinceCreation: boolean;
  /** Whether its counselor was told of its second review: handed on, or published (record 0003). */
  drawTold: boolean;
  /** Retracted by the recall of its model rather than by a counselor (record 0017). */
  retractedByRecall?: boolean;
  /** The last second reviewer's return comment, undefined while never returned (read by the person once the review is over). */
  returnComment?: string;
  /** The second reviewer's approval comment (null for none), undefined while not approved in a second review. */
  approvalComment?: string | null;
}

/** Marks a set changed: its next read gives another ETag. */
export function touch(set: WalkSet): void {
  set.changed = true;
  set.changedSinceCreation = true;
}

export interface WalkPerson {
  id: string;
  counselorId: string;
  objected: boolean;
  erased: boolean;
}

/** An outcome the case-management system reported, held for a person and a course (record 0019). */
export interface WalkOutcome {
  entered: boolean;
  employedWithinSixMonths: boolean | null;
  observedAt: string;
  /** The proposal it is linked to: the person's latest published approval of the course when written. */
  setId: string;
  itemId: string;
}

export interface WalkSettings {
  aiEnabled: boolean;
  blindFirst: boolean;
  secondReviewRate: 0 | 1;
  setTtlHours: number;
}

export const DEFAULT_WALK_SETTINGS: WalkSettings = {
  aiEnabled: true,
  blindFirst: false,
  secondReviewRate: 0,
  setTtlHours: 168,
};

/** The expected state of the walk, and the events each accepted step should have added. */
export class WalkModel {
  readonly people = new Map<string, WalkPerson>();
  readonly sets = new Map<string, WalkSet>();
  settings: WalkSettings = { ...DEFAULT_WALK_SETTINGS };
  /** The catalog's courses an admin withdrew (made inactive) during the walk. */
  readonly withdrawnCourses = new Set<string>();
  /** Events expected since the walk's baseline, by type. */
  readonly events = new Map<DecisionEventType, number>();
  /** Outcomes held, by `seekerId courseId`. */
  readonly outcomes = new Map<string, WalkOutcome>();
  private publications = 0;

  /** Retracts a published set, by its counselor or a recall: the outcomes linked to it go (records 0013, 0019). */
  retract(set: WalkSet): void {
    set.status = 'retracted';
    touch(set);
    for (const [key, outcome] of this.outcomes) if (outcome.setId === set.id) this.outcomes.delete(key);
    this.expectEvent('recommendation.retracted');
  }

  /** Deletes every outcome held about the person (an objection, an erasure: record 0019). */
  forgetOutcomes(seekerId: string): void {
    for (const key of this.outcomes.keys()) if (key.startsWith(`${seekerId} `)) this.outcomes.delete(key);
  }

  /** The person's published sets (not retracted), the latest published first. */
  publishedSetsOf(seekerId: string): WalkSet[] {
    return this.setsOf(seekerId)
      .filter((set) => set.status === 'published')
      .sort((a, b) => (b.publishedRank ?? 0) - (a.publishedRank ?? 0));
  }

  /** The person's latest proposal of the course: an approved item of a set still published to them (record 0019). */
  latestProposal(seekerId: string, courseId: string): { set: WalkSet; item: WalkItem } | undefined {
    for (const set of this.publishedSetsOf(seekerId)) {
      const item = (set.items ?? []).find((one) => one.courseId === courseId && one.decision === 'approved');
      if (item !== undefined) return { set, item };
    }
    return undefined;
  }

  /** The latest published set that decided the course, when it rejected it (`proposal-rejected-since`). */
  rejectionSince(seekerId: string, courseId: string): WalkSet | undefined {
    for (const set of this.publishedSetsOf(seekerId)) {
      const item = (set.items ?? []).find((one) => one.courseId === courseId && one.decision !== 'pending');
      if (item !== undefined) return item.decision === 'rejected' ? set : undefined;
    }
    return undefined;
  }

  /** The message the portal shows: the shown set's, unless retracted. */
  shownMessage(seekerId: string): string | null {
    const shown = this.shownSet(seekerId);
    return shown?.status === 'published' ? shown.message : null;
  }

  expectEvent(type: DecisionEventType, count = 1): void {
    if (count === 0) return;
    this.events.set(type, (this.events.get(type) ?? 0) + count);
  }

  person(seekerId: string): WalkPerson {
    const person = this.people.get(seekerId);
    if (person === undefined) throw new Error(`no person ${seekerId} in the walk`);
    return person;
  }

  setsOf(seekerId: string): WalkSet[] {
    return [...this.sets.values()].filter((set) => set.seekerId === seekerId);
  }

  openSetsOf(seekerId: string): WalkSet[] {
    return this.setsOf(seekerId).filter((set) => WALK_OPEN_STATUSES.includes(set.status));
  }

  /** Whether suggestions are barred for the person: the kill switch or their objection (record 0003, manual path). */
  modelBarredFor(seekerId: string): boolean {
    return !this.settings.aiEnabled || this.person(seekerId).objected;
  }

  /**
   * Whether a new set of the person owes a second review: a set of theirs drawn and never published
   * hands its review on to the next set until one is published (record 0003, « Second review »).
   */
  owesSecondReview(seekerId: string): boolean {
    const sets = this.setsOf(seekerId);
    return sets.some(
      (set, index) =>
        set.secondReviewRequired &&
        set.publishedRank === null &&
        !sets.slice(index + 1).some((later) => later.publishedRank !== null),
    );
  }

  /** The set's approved items whose course the catalog withdrew: they block its publication (record 0003). */
  withdrawnApprovals(set: WalkSet): WalkItem[] {
    return (set.items ?? []).filter(
      (item) => item.decision === 'approved' && this.withdrawnCourses.has(item.courseId),
    );
  }

  /** Ends every open set of the person (a withdrawal is a discard, record 0003), counting its event. */
  withdrawOpenSets(seekerId: string, only: (set: WalkSet) => boolean = () => true): string[] {
    const withdrawn = this.openSetsOf(seekerId).filter(only);
    for (const set of withdrawn) {
      set.status = 'discarded';
      touch(set);
      this.expectEvent('recommendation.discarded');
    }
    return withdrawn.map((set) => set.id);
  }

  /**
   * When the course was first published to the person (ms): of their sets still published that
   * approved it, the earliest; undefined when none did. No outcome is observed before that day.
   */
  firstProposalTime(seekerId: string, courseId: string): number | undefined {
    const times = this.publishedSetsOf(seekerId)
      .filter((set) =>
        (set.items ?? []).some((item) => item.courseId === courseId && item.decision === 'approved'),
      )
      .map((set) => set.publishedAt ?? Number.POSITIVE_INFINITY);
    return times.length === 0 ? undefined : Math.min(...times);
  }

  /** Publishes the set at `now`: it replaces the set the person saw, if published (record 0015). */
  publish(set: WalkSet, now: number): void {
    const shown = this.shownSet(set.seekerId);
    if (shown !== undefined && shown.status === 'published') {
      shown.replaced = true;
      touch(shown);
    }
    this.publications += 1;
    set.status = 'published';
    set.publishedRank = this.publications;
    set.publishedAt = now;
    set.drawTold = true;
    touch(set);
    settleDisplayOrder(set);
    this.expectEvent('recommendation.published');
  }

  /** The set the portal shows: of the sets given (published or retracted) and not replaced, the latest published. */
  shownSet(seekerId: string): WalkSet | undefined {
    return this.setsOf(seekerId)
      .filter((set) => (set.status === 'published' || set.status === 'retracted') && !set.replaced)
      .sort((a, b) => (b.publishedRank ?? 0) - (a.publishedRank ?? 0))[0];
  }

  /** The items the portal lists, in order: the approved items of the shown set unless retracted. */
  shownItemIds(seekerId: string): string[] {
    const shown = this.shownSet(seekerId);
    if (shown === undefined || shown.status === 'retracted') return [];
    return approvedInOrder(shown).map((item) => item.id);
  }

  /** Items whose explanation the person may read: approved items of their published (not retracted) sets. */
  explainable(seekerId: string): Set<string> {
    const ids = new Set<string>();
    for (const set of this.setsOf(seekerId)) {
      if (set.status !== 'published') continue;
      for (const item of set.items ?? []) if (item.decision === 'approved') ids.add(item.id);
    }
    return ids;
  }

  /** Expires, with its event, every open set whose lifetime has passed (the queue reads record it). */
  expireDue(now: number): void {
    for (const set of this.sets.values()) {
      if (WALK_OPEN_STATUSES.includes(set.status) && now >= set.expiresAt) {
        set.status = 'expired';
        touch(set);
        this.expectEvent('recommendation.expired');
      }
    }
  }
}

/** The approved items in the order the person reads them: the counselor's order, then by rank, additions last. */
export function approvedInOrder(set: WalkSet): WalkItem[] {
  const approved = (set.items ?? []).filter((item) => item.decision === 'approved');
  return approved
    .map((item, index) => ({ item, index }))
    .sort(
      (a, b) =>
        (a.item.displayOrder ?? Number.POSITIVE_INFINITY) -
          (b.item.displayOrder ?? Number.POSITIVE_INFINITY) ||
        (a.item.rank ?? Number.POSITIVE_INFINITY) - (b.item.rank ?? Number.POSITIVE_INFINITY) ||
        a.index - b.index,
    )
    .map(({ item }) => item);
}

function settleDisplayOrder(set: WalkSet): void {
  approvedInOrder(set).forEach((item, index) => {
    item.displayOrder = index + 1;
  });
}
