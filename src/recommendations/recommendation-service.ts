import type { Principal } from '../auth/principal.ts';
import type { FileReaderRole } from '../file-reads/file-read.ts';
import type { FileReadTracer } from '../file-reads/file-read-service.ts';
import { takePage } from '../shared/take-page.ts';
import { askForSuggestions } from './ask-for-suggestions.ts';
import { openRecommendationSet } from './open-recommendation-set.ts';
import type { RecommendationSet, SetView } from './recommendation.ts';
import type { SetQuery, SetSummary } from './recommendation-store.ts';
import { expireDueSets, expireIfDue, findVisibleSet, setNotFound, viewSetFor } from './set-access.ts';
import type { SetReader } from './set-actions.ts';
import type { CreateRequest, CreateResult, SetCreationDeps } from './set-creation.ts';
import type {
  FeedbackPageRequest,
  FeedbackPosition,
  SetFeedbackAnswer,
  SetFeedbackReader,
} from './set-feedback.ts';
import { startSetByHand } from './start-set-by-hand.ts';

export type { CreateRequest, CreateResult } from './set-creation.ts';

export interface RecommendationServiceDeps extends SetCreationDeps {
  feedback: SetFeedbackReader;
  /** Traces each read of a person's file (record 0022). */
  reads: FileReadTracer;
}

/** Suggestions: computing them, the counselor's queue, and reading a set for review. */
export class RecommendationService {
  constructor(private readonly deps: RecommendationServiceDeps) {}

  /**
   * Scores the catalog for one job seeker of the counselor's caseload and stores the top items as a
   * set awaiting review, withdrawing the person's other open sets (earlier suggestions, sets made
   * by hand): the person has one open set, the new one. Refused (with the manual
   * path, and logged as `suggestion.refused`) when the AI is off, the person objected, no model is
   * active, or the active model cannot be loaded.
   */
  createRecommendations(
    counselor: Principal,
    seekerId: string,
    request: CreateRequest,
  ): Promise<CreateResult> {
    return askForSuggestions(this.deps, counselor, seekerId, request);
  }

  /**
   * The manual path: an empty set with no model, which the counselor fills from the catalog and
   * publishes as any other, sampled for a second review like any set. Only while the model may not
   * be used for the person (AI off, objection, no active model, the active model cannot be loaded),
   * as found again when the set is stored; nothing about them is scored.
   */
  createManualRecommendations(
    counselor: Principal,
    seekerId: string,
    request: Pick<CreateRequest, 'idempotencyKey'>,
  ): Promise<CreateResult> {
    return startSetByHand(this.deps, counselor, seekerId, request);
  }

  /**
   * The sets of the counselor's caseload, newest first (a previous counselor's included, for people
   * who moved to them). A set whose lifetime has passed is listed as expired (and found by its status
   * filter as such), whether or not its expiry is recorded yet; the read records a batch of due
   * expiries of the deployment, with their events, on the way. The filters (statuses, job seeker, model)
   * narrow either queue alike. `nextAfter` is the last set of the page when another page follows
   * (one more set is read to know), null on the last page. A page of one person's sets (`seekerId`)
   * that lists any is traced as a read of their file; the queue of many people is not. With
   * `recordRead: false` (a HEAD) nothing is traced. `suggestionsSwitchedOff`: the kill switch holds
   * the model's sets back (`isHeldBySwitch`).
   */
  async listRecommendations(
    counselor: Principal,
    filter: Omit<SetQuery, 'counselorId' | 'now'>,
    { recordRead = true }: { recordRead?: boolean } = {},
  ): Promise<{ items: SetSummary[]; nextAfter: SetSummary | null; suggestionsSwitchedOff: boolean }> {
    const now = this.deps.now();
    await expireDueSets(this.deps, now, 'batch');
    const found = await this.deps.store.list({
      counselorId: counselor.subject,
      now,
      ...filter,
      limit: filter.limit + 1,
    });
    const { items, next } = takePage(found, filter.limit);
    // Read with the page: a set the switch holds looks ready in its summary.
    const suggestionsSwitchedOff = !(await this.deps.settings.get()).aiEnabled;
    if (recordRead && filter.seekerId !== undefined && items.length > 0) {
      const traced = await this.deps.reads.recordRead(counselor, {
        seekerId: filter.seekerId,
        role: filter.queue === 'second_review' ? 'second_reviewer' : 'counselor',
        operation: 'listRecommendations',
        // A set listed, still theirs: not after an erasure followed by a return.
        ...(items[0] === undefined ? {} : { from: { setId: items[0].id } }),
      });
      // The person erased meanwhile, their sets with them: none is left to list.
      if (!traced) return { items: [], nextAfter: null, suggestionsSwitchedOff };
    }
    return { items, nextAfter: next ?? null, suggestionsSwitchedOff };
  }

  /**
   * A set for review, with how the catalog offers its courses now. The owner's first read of an open
   * set they have not acted on yet records the opening (decision times count from then); a second
   * reviewer's read of a set awaiting them records their reading, without which they cannot approve
   * it. A set whose lifetime has passed is marked expired first. With `recordRead: false` (a HEAD,
   * whose answer nobody reads) the read records nothing: the set stays unopened, its version as it is.
   * Every read, not only the first, is traced before it is answered (record 0022).
   */
  async getRecommendationSet(
    counselor: Principal,
    setId: string,
    { recordRead = true }: { recordRead?: boolean } = {},
  ): Promise<SetView> {
    const { set, reader } = await findVisibleSet(this.deps, counselor, setId);
    const read = recordRead
      ? await openRecommendationSet(this.deps, counselor, set)
      : await expireIfDue(this.deps, set, this.deps.now());
    const view = await viewSetFor(this.deps, read, reader, { now: this.deps.now() });
    if (recordRead) await this.traceSetRead(counselor, reader, set, 'getRecommendationSet');
    return view;
  }

  /**
   * One page of what the job seeker answered about the set's courses, oldest first, for whoever may
   * read the set; `nextAfter` is where the next page starts, null on the last. Traced as a read of
   * the person's file, but with `recordRead: false` (a HEAD).
   */
  async listSetFeedback(
    counselor: Principal,
    setId: string,
    page: FeedbackPageRequest,
    { recordRead = true }: { recordRead?: boolean } = {},
  ): Promise<{ items: SetFeedbackAnswer[]; nextAfter: FeedbackPosition | null }> {
    const { set, reader } = await findVisibleSet(this.deps, counselor, setId);
    const courses = new Map(set.items.map((item) => [item.id, item.course]));
    const found = await this.deps.feedback.listForSet(set.id, { ...page, limit: page.limit + 1 });
    const { items, next } = takePage(found, page.limit);
    if (recordRead) await this.traceSetRead(counselor, reader, set, 'listSetFeedback');
    return {
      items: items.map((answer) => {
        const course = courses.get(answer.itemId);
        if (course === undefined) throw new Error(`answer ${answer.id} is about no item of set ${set.id}`);
        return { ...answer, courseId: course.id, title: course.title };
      }),
      nextAfter: next === undefined ? null : { createdAt: next.createdAt, id: next.id },
    };
  }

  /** Traces a read of the set: by the person's counselor, or by a second reviewer. */
  private async traceSetRead(
    counselor: Principal,
    reader: SetReader,
    set: RecommendationSet,
    operation: 'getRecommendationSet' | 'listSetFeedback',
  ): Promise<void> {
    const role: FileReaderRole = reader.holdsCaseload ? 'counselor' : 'second_reviewer';
    // The person erased meanwhile, the set with them: answered as a set that does not exist.
    if (
      !(await this.deps.reads.recordRead(counselor, {
        seekerId: set.seekerId,
        role,
        operation,
        setId: set.id,
      }))
    ) {
      throw setNotFound(set.id);
    }
  }
}
