/**
 * The job seekers' readings and answers of the published items, which come at any time after
 * publication: each goes into its item's row as it comes, until the set is retracted.
 */
import { countInto, readStringField } from './event-fields.ts';
import type { GroupTotals } from './oversight-group.ts';

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

/**
 * The items of the published sets not retracted, held for their readings and answers: once a set is
 * retracted none can come (a retraction changes none of the figures), and its items go.
 */
export class PublishedItemReadings {
  /** The published sets not retracted, by id. */
  private readonly sets = new Map<string, PublishedSet>();
  /**
   * The items of those sets, for the job seekers' readings and answers (an answer logged before
   * `feedback.given` carried its set names the item only).
   */
  private readonly items = new Map<string, PublishedItem>();

  /** Items of the published sets not retracted: the only ones held for the readings and answers. */
  get itemCount(): number {
    return this.items.size;
  }

  /** The set's approved items reached the job seeker: counted in its row, and held for what follows. */
  publish(setId: string, group: GroupTotals, itemIds: ReadonlySet<string>): void {
    group.publishedItems += itemIds.size;
    const shared: PublishedSet = { setId, group, itemIds: [...itemIds] };
    this.sets.set(setId, shared);
    for (const itemId of itemIds) this.items.set(itemId, { set: shared, explained: false });
  }

  /** An explanation read (`explanation.opened`): its item counts once, whatever the readings. */
  takeReading(setId: string, payload: Record<string, unknown> | undefined): void {
    const item = this.items.get(readStringField(payload, 'itemId') ?? '');
    if (item !== undefined && item.set.setId === setId && !item.explained) {
      item.explained = true;
      item.set.group.explanationsOpened += 1;
    }
  }

  /** An answer (`feedback.given`): the item's last answer replaces its previous one in its row's counts. */
  takeAnswer(payload: Record<string, unknown> | undefined): void {
    const item = this.items.get(readStringField(payload, 'itemId') ?? '');
    const response = readStringField(payload, 'response');
    if (item === undefined || response === undefined) return;
    const { feedback } = item.set.group;
    if (item.answer !== undefined) {
      const left = (feedback.get(item.answer) ?? 0) - 1;
      if (left > 0) feedback.set(item.answer, left);
      else feedback.delete(item.answer);
    }
    countInto(feedback, response);
    item.answer = response;
  }

  /** The set was retracted: no reading or answer of its items can come, and what came is in its row. */
  retract(setId: string): void {
    const published = this.sets.get(setId);
    if (published === undefined) return;
    for (const itemId of published.itemIds) this.items.delete(itemId);
    this.sets.delete(setId);
  }
}
