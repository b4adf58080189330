import type { DecisionEventType } from '../decision-log/decision-event.ts';
import { compareText } from '../shared/compare-text.ts';
import type { EventContent } from './audit-event-store.ts';
import { countInto, formatIsoWeek, readRecord, readStringField, toSortedCounts } from './event-fields.ts';

/** The events the usage figures count, each in the week it happened. */
export const USAGE_EVENT_TYPES: readonly DecisionEventType[] = [
  'recommendation.generated',
  'recommendation.created_manually',
  'suggestion.refused',
  'recommendation.published',
  'recommendation.retracted',
  'feedback.given',
  'objection.recorded',
];

/**
 * How much the system was used, for the whole deployment: what a fundamental-rights impact
 * assessment (AI Act Art. 27(1)(b)) and the provider's monitoring ask, read from the public parts
 * of the log alone.
 */
export interface UsageCounts {
  /** Sets the model suggested. */
  setsSuggested: number;
  /** Sets counselors made by hand (the manual path). */
  setsMadeByHand: number;
  /** Suggestions asked for and refused, by reason (objection, switched_off, no_active_model…). */
  suggestionsRefused: Record<string, number>;
  setsPublished: number;
  /** Distinct job seekers who had a set published to them. */
  peopleReached: number;
  setsRetracted: number;
  /**
   * Published suggestions the person contested, each once however many times: a contest stands until
   * the counselor replies to it, so a later answer of the person (`interested`, say) does not hide it.
   */
  contests: number;
  /** Objections to AI processing recorded (by the person, or through their counselor). */
  objections: number;
}

/** The usage of one ISO week. */
export interface UsageWeek extends UsageCounts {
  /** `2026-W48`. */
  week: string;
}

export interface UsageFigures {
  /** Week by week, oldest first; a week with nothing counted is left out. */
  weeks: UsageWeek[];
  /** The whole period: a person reached in two weeks is one person, an item contested in two weeks one item. */
  total: UsageCounts;
}

interface Tally extends Omit<UsageCounts, 'suggestionsRefused' | 'peopleReached' | 'contests'> {
  refused: Map<string, number>;
  reached: Set<string>;
  /** The items contested: a person may contest one suggestion more than once, and answer it otherwise after. */
  contested: Set<string>;
}

/** The usage figures of these events (the period's, selected by the caller), week by week and in all. */
export async function computeUsageStats(
  events: AsyncIterable<EventContent> | Iterable<EventContent>,
): Promise<UsageFigures> {
  const weeks = new Map<string, Tally>();
  const total = newTally();
  for await (const event of events) {
    const count = counterOf(event);
    if (count === undefined) continue;
    const week = formatIsoWeek(event.occurredAt);
    let tally = weeks.get(week);
    if (tally === undefined) {
      tally = newTally();
      weeks.set(week, tally);
    }
    count(tally);
    count(total);
  }
  return {
    weeks: [...weeks]
      .sort(([a], [b]) => compareText(a, b))
      .map(([week, tally]) => ({ week, ...toUsageCounts(tally) })),
    total: toUsageCounts(total),
  };
}

/** How the event adds to a tally; undefined for an event the figures do not count (it opens no week). */
function counterOf(event: EventContent): ((tally: Tally) => void) | undefined {
  const payload = readRecord(event.payload);
  switch (event.type) {
    case 'recommendation.generated':
      return (tally) => {
        tally.setsSuggested += 1;
      };
    case 'recommendation.created_manually':
      return (tally) => {
        tally.setsMadeByHand += 1;
      };
    case 'suggestion.refused': {
      // An event without a reason (none is written so) is left out, as the figures do elsewhere.
      const reason = readStringField(payload, 'reason');
      return reason === undefined ? undefined : (tally) => countInto(tally.refused, reason);
    }
    case 'recommendation.published': {
      const { subject } = event;
      return (tally) => {
        tally.setsPublished += 1;
        if (subject !== null) tally.reached.add(subject);
      };
    }
    case 'recommendation.retracted':
      return (tally) => {
        tally.setsRetracted += 1;
      };
    case 'feedback.given': {
      // Only contests count; another answer neither counts nor withdraws one (the counselor's reply
      // answers a contest, and the contest was made all the same).
      const itemId = readStringField(payload, 'itemId');
      return itemId === undefined || readStringField(payload, 'response') !== 'contest'
        ? undefined
        : (tally) => tally.contested.add(itemId);
    }
    case 'objection.recorded':
      return (tally) => {
        tally.objections += 1;
      };
    default:
      return undefined;
  }
}

function newTally(): Tally {
  return {
    setsSuggested: 0,
    setsMadeByHand: 0,
    refused: new Map(),
    setsPublished: 0,
    reached: new Set(),
    setsRetracted: 0,
    contested: new Set(),
    objections: 0,
  };
}

function toUsageCounts(tally: Tally): UsageCounts {
  return {
    setsSuggested: tally.setsSuggested,
    setsMadeByHand: tally.setsMadeByHand,
    suggestionsRefused: toSortedCounts(tally.refused),
    setsPublished: tally.setsPublished,
    peopleReached: tally.reached.size,
    setsRetracted: tally.setsRetracted,
    contests: tally.contested.size,
    objections: tally.objections,
  };
}
