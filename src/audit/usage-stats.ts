import type { DecisionEventType } from '../decision-log/decision-event.ts';
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
 * How much the system was used in one ISO week, for the whole deployment: what a fundamental-rights
 * impact assessment (AI Act Art. 27(1)(b)) and the provider's monitoring ask, read from the public
 * parts of the log alone.
 */
export interface UsageWeek {
  /** `2026-W48`. */
  week: string;
  /** Sets the model suggested. */
  setsSuggested: number;
  /** Sets counselors made by hand (the manual path). */
  setsMadeByHand: number;
  /** Suggestions asked for and refused, by reason (objection, switched_off, no_active_model…). */
  suggestionsRefused: Record<string, number>;
  setsPublished: number;
  /** Job seekers who had a set published to them that week. */
  peopleReached: number;
  setsRetracted: number;
  /** Published suggestions whose last answer that week was `contest`. */
  contests: number;
  /** Objections to AI processing recorded (by the person, or through their counselor). */
  objections: number;
}

interface WeekTotals extends Omit<UsageWeek, 'suggestionsRefused' | 'peopleReached' | 'contests'> {
  refused: Map<string, number>;
  reached: Set<string>;
  /** Each item's last answer that week: a person may answer one suggestion more than once. */
  answers: Map<string, string>;
}

/** The usage figures of these events (the period's, selected by the caller), week by week, oldest first. */
export async function computeUsageStats(
  events: AsyncIterable<EventContent> | Iterable<EventContent>,
): Promise<UsageWeek[]> {
  const weeks = new Map<string, WeekTotals>();
  for await (const event of events) {
    const week = () => findWeek(weeks, formatIsoWeek(event.occurredAt));
    const payload = readRecord(event.payload);
    switch (event.type) {
      case 'recommendation.generated':
        week().setsSuggested += 1;
        break;
      case 'recommendation.created_manually':
        week().setsMadeByHand += 1;
        break;
      case 'suggestion.refused': {
        // An event without a reason (none is written so) is left out, as the figures do elsewhere.
        const reason = readStringField(payload, 'reason');
        if (reason !== undefined) countInto(week().refused, reason);
        break;
      }
      case 'recommendation.published': {
        const totals = week();
        totals.setsPublished += 1;
        if (event.subject !== null) totals.reached.add(event.subject);
        break;
      }
      case 'recommendation.retracted':
        week().setsRetracted += 1;
        break;
      case 'feedback.given': {
        const itemId = readStringField(payload, 'itemId');
        const response = readStringField(payload, 'response');
        if (itemId !== undefined && response !== undefined) week().answers.set(itemId, response);
        break;
      }
      case 'objection.recorded':
        week().objections += 1;
        break;
      default:
        break;
    }
  }
  return [...weeks.values()].sort((a, b) => a.week.localeCompare(b.week)).map(toUsageWeek);
}

function findWeek(weeks: Map<string, WeekTotals>, week: string): WeekTotals {
  let totals = weeks.get(week);
  if (totals === undefined) {
    totals = {
      week,
      setsSuggested: 0,
      setsMadeByHand: 0,
      refused: new Map(),
      setsPublished: 0,
      reached: new Set(),
      setsRetracted: 0,
      answers: new Map(),
      objections: 0,
    };
    weeks.set(week, totals);
  }
  return totals;
}

function toUsageWeek(totals: WeekTotals): UsageWeek {
  return {
    week: totals.week,
    setsSuggested: totals.setsSuggested,
    setsMadeByHand: totals.setsMadeByHand,
    suggestionsRefused: toSortedCounts(totals.refused),
    setsPublished: totals.setsPublished,
    peopleReached: totals.reached.size,
    setsRetracted: totals.setsRetracted,
    contests: [...totals.answers.values()].filter((response) => response === 'contest').length,
    objections: totals.objections,
  };
}
