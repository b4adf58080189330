import type { Knex } from 'knex';
import type { Principal } from '../auth/principal.ts';
import type { Course } from '../courses/course.ts';
import type { JobSeekerProfile } from '../job-seekers/job-seeker.ts';
import type { JobSeekerStore } from '../job-seekers/job-seeker-store.ts';
import { InvalidInputError } from '../shared/errors.ts';
import {
  type AdditionWarningCode,
  type ShortlistWarning,
  splitAdditionWarningCodes,
  warnAboutAddition,
} from './addition-warnings.ts';
import { applyReviewAction, type ReviewActionDeps, type ReviewResult } from './apply-review-action.ts';
import { createCounselorItem } from './create-counselor-item.ts';
import { type RecommendationSet, secondsSinceOpened } from './recommendation.ts';
import { withdrawSets } from './withdraw-open-sets.ts';
import { WITHDRAWAL_REASONS } from './withdrawal-reasons.ts';

/**
 * The reason kept with a course of the counselor's blind-first shortlist that the model did not
 * suggest, taken into the set as their item: in the counselor's view and the person's data export.
 * A shortlist made once the model's suggestions for the person had been shown (`modelSeenBefore`)
 * is not told as blind: the person would read a claim the log contradicts.
 */
export const SHORTLIST_PICK_REASONS = {
  blind:
    'retenue par le conseiller dans sa propre sélection, avant de voir les propositions de l’IA (mode à l’aveugle)',
  afterModelSeen:
    'retenue par le conseiller dans sa propre sélection, faite alors que des propositions de l’IA pour la ' +
    'personne avaient déjà été montrées',
} as const;

export interface ShortlistServiceDeps extends ReviewActionDeps {
  /** Whose caseload holds a set's person, and their profile, which the picks are checked against. */
  jobSeekers: Pick<JobSeekerStore, 'findById' | 'findStanding'>;
}

/**
 * The counselor's blind-first shortlist (record 0003): their own picks, before the model's items are
 * shown. Like every review action, it needs the set's current ETag and appends its decision event in
 * the same transaction.
 */
export class ShortlistService {
  constructor(private readonly deps: ShortlistServiceDeps) {}

  /**
   * Blind-first: the counselor's own picks, before the model's items are shown; those the model did
   * not suggest join the set as the counselor's items, still to decide (record 0003). Showing them
   * withdraws the person's other sets still awaiting a shortlist (they hold the same suggestions);
   * a shortlist made once the person's suggestions were shown in another recent set is recorded as
   * not blind (`modelSeenBefore`), and the figures leave it out of the overlap (record 0003).
   */
  async submitShortlist(
    counselor: Principal,
    setId: string,
    ifMatch: string | undefined,
    courseIds: string[],
  ): Promise<ReviewResult> {
    return applyReviewAction(
      this.deps,
      counselor,
      setId,
      ifMatch,
      'submit_shortlist',
      async (set, now, _withdrawn, trx) => {
        // Read in the set's transaction, as for an addition: after the access and ETag checks, and
        // under the log's lock, so that a course withdrawn before the shortlist took its turn is no pick.
        const unknown: string[] = [];
        const picked: Course[] = [];
        for (const courseId of courseIds) {
          const course = await this.deps.courses.findById(courseId, trx);
          if (course === undefined || !course.active) unknown.push(courseId);
          else picked.push(course);
        }
        if (unknown.length > 0) {
          // An unknown id would count as a pick the model missed and skew the overlap figure.
          throw new InvalidInputError(
            `a shortlist names active courses of the catalog only, and ${unknown.join(', ')} ${unknown.length === 1 ? 'is none' : 'are none'} (unknown ids, or courses the catalog withdrew); nothing was recorded: check the ids or find the courses in the catalog (GET /v1/courses?active=true, by title with q), then send the shortlist again without them`,
            { courseIds: unknown },
          );
        }
        const modelCourses = new Set(set.items.filter((i) => i.source === 'model').map((i) => i.course.id));
        const overlap = courseIds.filter((id) => modelCourses.has(id)).length;
        const modelSeenBefore = await wasModelShownBefore(this.deps, trx, set, now);
        set.shortlist = { courseIds, submittedAt: now.toISOString(), overlap };
        set.status = 'pending_review';
        // The picks the model did not suggest join the set as the counselor's items, still to decide
        // like the model's: they named them for the person, and should not have to add them again.
        const seeker = await this.deps.jobSeekers.findById(set.seekerId, trx);
        const reason = modelSeenBefore ? SHORTLIST_PICK_REASONS.afterModelSeen : SHORTLIST_PICK_REASONS.blind;
        const picks = await this.takePicks(set, { courses: picked, reason }, modelCourses, seeker, now, trx);
        // The person's other sets awaiting a shortlist hold the same suggestions, now shown: a
        // shortlist "of one's own" on them could copy this set's items.
        const awaiting = (
          await this.deps.store.findOpenForSeeker(set.seekerId, trx, { madeBy: 'model', exceptSetId: set.id })
        ).filter((other) => other.status === 'awaiting_shortlist');
        const withdrawnSetIds = await withdrawSets(this.deps, trx, awaiting, {
          reason: WITHDRAWAL_REASONS.suggestionsShownElsewhere.stored,
        });
        const profileWarnings = Object.fromEntries(
          picks.logged
            .filter((pick) => pick.aboutPerson.length > 0)
            .map((pick) => [pick.itemId, pick.aboutPerson]),
        );
        return {
          warnings: picks.warnings,
          events: [
            {
              type: 'shortlist.submitted',
              payload: {
                setId,
                courseIds,
                shortlistSize: courseIds.length,
                modelItemCount: modelCourses.size,
                overlap,
                modelSeenBefore,
                secondsSinceOpened: secondsSinceOpened(set, now),
                withdrawnSetIds,
                addedItems: picks.logged.map(({ aboutPerson: _sealed, ...inClear }) => inClear),
              },
              // What the person's level or home gave is sealed, as for an addition.
              ...(Object.keys(profileWarnings).length === 0 ? {} : { personal: { profileWarnings } }),
            },
          ],
        };
      },
    );
  }

  /**
   * Takes the courses of a blind-first shortlist that the model did not suggest into the set, as the
   * counselor's items still to decide (with `picked.reason`, one of `SHORTLIST_PICK_REASONS`), with the warnings an addition of each
   * would give, naming its item; and what the shortlist's event logs of each (the codes worked out
   * from the person's profile apart, to seal).
   */
  private async takePicks(
    set: RecommendationSet,
    picked: { courses: readonly Course[]; reason: string },
    modelCourses: ReadonlySet<string>,
    seeker:
      | Pick<JobSeekerProfile, 'educationLevel' | 'location' | 'mobilityRadiusKm' | 'remoteOk'>
      | undefined,
    now: Date,
    trx: Knex.Transaction,
  ): Promise<{
    warnings: ShortlistWarning[];
    logged: Array<{
      itemId: string;
      courseId: string;
      earlierModelSetId: string | null;
      warnings: AdditionWarningCode[];
      aboutPerson: AdditionWarningCode[];
    }>;
  }> {
    const warnings: ShortlistWarning[] = [];
    const logged = [];
    const { seq: addedAtSeq } = await this.deps.decisionLog.lockHead(trx);
    for (const course of picked.courses.filter((pick) => !modelCourses.has(pick.id))) {
      const earlier = await this.deps.store.findEarlierModelSuggestion(
        { seekerId: set.seekerId, setId: set.id, courseId: course.id, at: now.toISOString() },
        trx,
      );
      const item = createCounselorItem(course, picked.reason, earlier, addedAtSeq);
      set.items.push(item);
      const found = seeker === undefined ? [] : warnAboutAddition(course, seeker, now);
      for (const warning of found) {
        warnings.push({
          ...warning,
          field: 'courseIds',
          itemId: item.id,
          message: `course ${course.id} "${course.title}" (item ${item.id}): ${warning.message}`,
        });
      }
      const codes = splitAdditionWarningCodes(found);
      logged.push({
        itemId: item.id,
        courseId: course.id,
        earlierModelSetId: earlier?.setId ?? null,
        warnings: codes.aboutCourse,
        aboutPerson: codes.aboutPerson,
      });
    }
    return { warnings, logged };
  }
}

/**
 * Whether the model's suggestions for the set's person were already shown to a counselor in another
 * set still open or made within a set's lifetime (`setTtlHours`) before now: a shortlist then is not
 * blind, whatever it names (record 0003).
 */
async function wasModelShownBefore(
  deps: Pick<ReviewActionDeps, 'store' | 'settings'>,
  trx: Knex.Transaction,
  set: RecommendationSet,
  now: Date,
): Promise<boolean> {
  const { setTtlHours } = await deps.settings.get(trx);
  const since = new Date(now.getTime() - setTtlHours * 3_600_000).toISOString();
  return (
    (await deps.store.findShownModelSet(set.seekerId, { exceptSetId: set.id, since }, trx)) !== undefined
  );
}
