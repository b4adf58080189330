import type { Knex } from 'knex';
import * as createJobSeekers from '../../migrations/20261129120000_create_job_seekers.ts';
import * as createCourses from '../../migrations/20261129120100_create_courses.ts';
import * as createDecisionEvents from '../../migrations/20261129130000_create_decision_events.ts';
import * as createReviewTables from '../../migrations/20261129140000_create_review_tables.ts';
import * as createModels from '../../migrations/20261129150000_create_models.ts';
import * as addAuditIndexes from '../../migrations/20261129160000_add_audit_indexes.ts';
import * as addOneActiveModelIndex from '../../migrations/20261129170000_add_one_active_model_index.ts';
import * as createCatalogState from '../../migrations/20261129180000_create_catalog_state.ts';
import * as keyDecisionEventsBySeq from '../../migrations/20261129190000_key_decision_events_by_seq.ts';
import * as addProfileSnapshotToSets from '../../migrations/20261129200000_add_profile_snapshot_to_sets.ts';
import * as addSearchTextToCourses from '../../migrations/20261129210000_add_search_text_to_courses.ts';
import * as bumpCatalogVersionOnAnyChange from '../../migrations/20261129220000_bump_catalog_version_on_any_change.ts';
import * as indexSetsByModelVersion from '../../migrations/20261129230000_index_sets_by_model_version.ts';
import * as versionSettings from '../../migrations/20261130090000_version_settings.ts';
import * as allowSetsWithoutModel from '../../migrations/20261130100000_allow_sets_without_model.ts';
import * as indexOpenSetsMadeByHand from '../../migrations/20261130110000_index_open_sets_made_by_hand.ts';
import * as hashModelManifestsAndCards from '../../migrations/20261130120000_hash_model_manifests_and_cards.ts';
import * as addClosedAtToSets from '../../migrations/20261130130000_add_closed_at_to_sets.ts';
import * as addSecondReviewReturnToSets from '../../migrations/20261130140000_add_second_review_return_to_sets.ts';
import * as addEarlierModelSuggestionToItems from '../../migrations/20261130150000_add_earlier_model_suggestion_to_items.ts';
import * as refoldCourseSearchText from '../../migrations/20261130160000_refold_course_search_text.ts';
import * as createLogKeyFingerprints from '../../migrations/20261201100000_create_log_key_fingerprints.ts';
import * as createLogSigningKeys from '../../migrations/20261202100000_create_log_signing_keys.ts';
import * as addRetractionToSets from '../../migrations/20261203100000_add_retraction_to_sets.ts';
import * as addChangeReasonToSettings from '../../migrations/20261204100000_add_change_reason_to_settings.ts';
import * as widenSetModelId from '../../migrations/20261204110000_widen_set_model_id.ts';
import * as addReplacementToSets from '../../migrations/20261205100000_add_replacement_to_sets.ts';
import * as addRecallToModels from '../../migrations/20261206110000_add_recall_to_models.ts';
import * as createCourseOutcomes from '../../migrations/20261207120000_create_course_outcomes.ts';
import * as addObjectionTimeToJobSeekers from '../../migrations/20261207150000_add_objection_time_to_job_seekers.ts';
import * as addBlindFirstToSets from '../../migrations/20261207160000_add_blind_first_to_sets.ts';
import * as indexFeedbackByItem from '../../migrations/20261207171000_index_feedback_by_item.ts';
import * as indexQueriesNamingPeople from '../../migrations/20261207173000_index_queries_naming_people.ts';
import * as indexContestsByItem from '../../migrations/20261208200000_index_contests_by_item.ts';
import * as createFrozenFigureWeeks from '../../migrations/20261209010000_create_frozen_figure_weeks.ts';
import * as createContestReplies from '../../migrations/20261209020000_create_contest_replies.ts';
import * as addSecondReviewOpeningToSets from '../../migrations/20261209030000_add_second_review_opening_to_sets.ts';
import * as keepEachSecondReviewRead from '../../migrations/20261210010000_keep_each_second_review_read.ts';
import * as indexSetsReadBySuggestions from '../../migrations/20261211010000_index_sets_read_by_suggestions.ts';
import * as numberSecondReviewRounds from '../../migrations/20261211030000_number_second_review_rounds.ts';
import * as addEnrolmentIdToJobSeekers from '../../migrations/20261212010000_add_enrolment_id_to_job_seekers.ts';
import * as indexPublicationsByPerson from '../../migrations/20261212040000_index_publications_by_person.ts';
import * as indexShownSetsByPerson from '../../migrations/20261212050000_index_shown_sets_by_person.ts';
import * as createFileReads from '../../migrations/20261213080000_create_file_reads.ts';
import * as indexCoursesByIdCodes from '../../migrations/20261215050000_index_courses_by_id_codes.ts';
import * as indexSetsByModelId from '../../migrations/20261215090000_index_sets_by_model_id.ts';
import * as lowerCaseSkillCodes from '../../migrations/20261216040000_lower_case_skill_codes.ts';
import * as refoldCourseSearchTextAsRead from '../../migrations/20261217030000_refold_course_search_text_as_read.ts';
import * as trimSkillCodes from '../../migrations/20261217060000_trim_skill_codes.ts';
import * as addOrderedAtToSets from '../../migrations/20261218010000_add_ordered_at_to_sets.ts';
import * as dropCommuneCodeFromJobSeekers from '../../migrations/20261219020000_drop_commune_code_from_job_seekers.ts';
import * as addDiscardedByToSets from '../../migrations/20261220030000_add_discarded_by_to_sets.ts';
import * as indexFirstSecondReviewRead from '../../migrations/20261221020000_index_first_second_review_read.ts';
import * as createOccupationLabels from '../../migrations/20261222010000_create_occupation_labels.ts';
import * as indexEventsBySet from '../../migrations/20261223010000_index_events_by_set.ts';
import * as indexQueriesNamingSetSubject from '../../migrations/20261224010000_index_queries_naming_set_subject.ts';
import * as addSecondReviewApprovalToSets from '../../migrations/20261225010000_add_second_review_approval_to_sets.ts';
import * as addLastReadToFileReads from '../../migrations/20261226010000_add_last_read_to_file_reads.ts';
import * as indexSetsByEndOfReview from '../../migrations/20261227043000_index_sets_by_end_of_review.ts';
import * as indexFeedbackByTime from '../../migrations/20261227043100_index_feedback_by_time.ts';
import * as indexIdempotencyKeysAndContestRepliesByTime from '../../migrations/20261227050000_index_idempotency_keys_and_contest_replies_by_time.ts';
import * as rewriteProfilesWithoutCommuneCodes from '../../migrations/20261228010000_rewrite_profiles_without_commune_codes.ts';
import * as addLogSeqsToSets from '../../migrations/20261229010000_add_log_seqs_to_sets.ts';
import * as addLogSeqToCounselorItems from '../../migrations/20261229020000_add_log_seq_to_counselor_items.ts';
import { inStartupTurn } from './startup-turn.ts';

interface Migration {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
  /** `transaction: false` runs the migration outside a transaction (knex's own option). */
  config?: { transaction?: boolean };
}

/**
 * Every migration, in order. They are imported statically because knex's own loader cannot
 * import TypeScript under every runner (tsx, vitest); a new migration file is added here too.
 */
export const MIGRATIONS: ReadonlyArray<readonly [string, Migration]> = [
  ['20261129120000_create_job_seekers', createJobSeekers],
  ['20261129120100_create_courses', createCourses],
  ['20261129130000_create_decision_events', createDecisionEvents],
  ['20261129140000_create_review_tables', createReviewTables],
  ['20261129150000_create_models', createModels],
  ['20261129160000_add_audit_indexes', addAuditIndexes],
  ['20261129170000_add_one_active_model_index', addOneActiveModelIndex],
  ['20261129180000_create_catalog_state', createCatalogState],
  ['20261129190000_key_decision_events_by_seq', keyDecisionEventsBySeq],
  ['20261129200000_add_profile_snapshot_to_sets', addProfileSnapshotToSets],
  ['20261129210000_add_search_text_to_courses', addSearchTextToCourses],
  ['20261129220000_bump_catalog_version_on_any_change', bumpCatalogVersionOnAnyChange],
  ['20261129230000_index_sets_by_model_version', indexSetsByModelVersion],
  ['20261130090000_version_settings', versionSettings],
  ['20261130100000_allow_sets_without_model', allowSetsWithoutModel],
  ['20261130110000_index_open_sets_made_by_hand', indexOpenSetsMadeByHand],
  ['20261130120000_hash_model_manifests_and_cards', hashModelManifestsAndCards],
  ['20261130130000_add_closed_at_to_sets', addClosedAtToSets],
  ['20261130140000_add_second_review_return_to_sets', addSecondReviewReturnToSets],
  ['20261130150000_add_earlier_model_suggestion_to_items', addEarlierModelSuggestionToItems],
  ['20261130160000_refold_course_search_text', refoldCourseSearchText],
  ['20261201100000_create_log_key_fingerprints', createLogKeyFingerprints],
  ['20261202100000_create_log_signing_keys', createLogSigningKeys],
  ['20261203100000_add_retraction_to_sets', addRetractionToSets],
  ['20261204100000_add_change_reason_to_settings', addChangeReasonToSettings],
  ['20261204110000_widen_set_model_id', widenSetModelId],
  ['20261205100000_add_replacement_to_sets', addReplacementToSets],
  ['20261206110000_add_recall_to_models', addRecallToModels],
  ['20261207120000_create_course_outcomes', createCourseOutcomes],
  ['20261207150000_add_objection_time_to_job_seekers', addObjectionTimeToJobSeekers],
  ['20261207160000_add_blind_first_to_sets', addBlindFirstToSets],
  ['20261207171000_index_feedback_by_item', indexFeedbackByItem],
  ['20261207173000_index_queries_naming_people', indexQueriesNamingPeople],
  ['20261208200000_index_contests_by_item', indexContestsByItem],
  ['20261209010000_create_frozen_figure_weeks', createFrozenFigureWeeks],
  ['20261209020000_create_contest_replies', createContestReplies],
  ['20261209030000_add_second_review_opening_to_sets', addSecondReviewOpeningToSets],
  ['20261210010000_keep_each_second_review_read', keepEachSecondReviewRead],
  ['20261211010000_index_sets_read_by_suggestions', indexSetsReadBySuggestions],
  ['20261211030000_number_second_review_rounds', numberSecondReviewRounds],
  ['20261212010000_add_enrolment_id_to_job_seekers', addEnrolmentIdToJobSeekers],
  ['20261212040000_index_publications_by_person', indexPublicationsByPerson],
  ['20261212050000_index_shown_sets_by_person', indexShownSetsByPerson],
  ['20261213080000_create_file_reads', createFileReads],
  ['20261215050000_index_courses_by_id_codes', indexCoursesByIdCodes],
  ['20261215090000_index_sets_by_model_id', indexSetsByModelId],
  ['20261216040000_lower_case_skill_codes', lowerCaseSkillCodes],
  ['20261217030000_refold_course_search_text_as_read', refoldCourseSearchTextAsRead],
  ['20261217060000_trim_skill_codes', trimSkillCodes],
  ['20261218010000_add_ordered_at_to_sets', addOrderedAtToSets],
  ['20261219020000_drop_commune_code_from_job_seekers', dropCommuneCodeFromJobSeekers],
  ['20261220030000_add_discarded_by_to_sets', addDiscardedByToSets],
  ['20261221020000_index_first_second_review_read', indexFirstSecondReviewRead],
  ['20261222010000_create_occupation_labels', createOccupationLabels],
  ['20261223010000_index_events_by_set', indexEventsBySet],
  ['20261224010000_index_queries_naming_set_subject', indexQueriesNamingSetSubject],
  ['20261225010000_add_second_review_approval_to_sets', addSecondReviewApprovalToSets],
  ['20261226010000_add_last_read_to_file_reads', addLastReadToFileReads],
  ['20261227043000_index_sets_by_end_of_review', indexSetsByEndOfReview],
  ['20261227043100_index_feedback_by_time', indexFeedbackByTime],
  [
    '20261227050000_index_idempotency_keys_and_contest_replies_by_time',
    indexIdempotencyKeysAndContestRepliesByTime,
  ],
  ['20261228010000_rewrite_profiles_without_commune_codes', rewriteProfilesWithoutCommuneCodes],
  ['20261229010000_add_log_seqs_to_sets', addLogSeqsToSets],
  ['20261229020000_add_log_seq_to_counselor_items', addLogSeqToCounselorItems],
];

/** The latest migration this version knows: the schema it serves once migrated. */
export const LATEST_MIGRATION: string = MIGRATIONS.at(-1)?.[0] ?? '';

const migrationSource: Knex.MigrationSource<readonly [string, Migration]> = {
  getMigrations: async () => [...MIGRATIONS],
  getMigrationName: ([name]) => name,
  getMigration: async ([, migration]) => migration,
};

const migratorConfig: Knex.MigratorConfig = { migrationSource };

/**
 * Brings the schema to the latest migration; returns the names of the migrations it ran. Processes
 * starting together take turns (`inStartupTurn`): knex's own lock is taken after it creates its
 * tables, and refuses rather than waits when a migration runs outside a transaction. In its turn a
 * process is the only one migrating, so a lock knex still shows was left by a process that died
 * while migrating, and is freed.
 */
export async function migrateToLatest(db: Knex): Promise<string[]> {
  try {
    return await inStartupTurn(db, 'migrations', async () => {
      await refuseNewerDatabase(db);
      await db.migrate.forceFreeMigrationsLock(migratorConfig);
      const [, ran] = (await db.migrate.latest(migratorConfig)) as [number, string[]];
      return ran;
    });
  } catch (error) {
    throw explainDatabaseNotMade(error);
  }
}

/**
 * What the operator does when PostgreSQL's database was not made for the API: the migrations are a
 * start's first queries, and the server's own words (`database "x" does not exist`, `permission
 * denied for schema public`) say what is wrong, not what to do.
 */
function explainDatabaseNotMade(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (!(error instanceof Error) || (code !== '3D000' && code !== '42501')) return error;
  const advice =
    code === '3D000'
      ? 'create it, owned by the user DATABASE_URL names (as a PostgreSQL superuser: createdb --owner <user> <database>), or correct DATABASE_URL'
      : "the user DATABASE_URL names may not create the API's tables: make it the database's owner (as a PostgreSQL superuser: ALTER DATABASE <database> OWNER TO <user>) and start again";
  return new Error(`${error.message}: ${advice} (README, "A first production deployment")`, { cause: error });
}

/**
 * The caller's word that it means to lose every table and row, the decision log included: undoing
 * the first migrations drops their tables, and no migration turns data back into an older schema.
 */
export interface DropAllData {
  dropAllData: true;
}

/**
 * Undoes every migration (tests, and `npm run migrate -- --rollback --drop-all-data`): every table is
 * dropped with its rows, the decision log included. Returns the names undone.
 */
export async function rollbackAll(db: Knex, _confirmed: DropAllData): Promise<string[]> {
  return inStartupTurn(db, 'migrations', async () => {
    await refuseNewerDatabase(db);
    await db.migrate.forceFreeMigrationsLock(migratorConfig);
    const [, undone] = (await db.migrate.rollback(migratorConfig, true)) as [number, string[]];
    return undone;
  });
}

/**
 * A database migrated by a later version (the deployment rolled back, say) holds migrations this
 * version does not know. knex would say "the migration directory is corrupt, the following files are
 * missing", sending the operator after lost files; the database is newer than the code instead.
 */
async function refuseNewerDatabase(db: Knex): Promise<void> {
  if (!(await db.schema.hasTable('knex_migrations'))) return;
  const known = new Set(MIGRATIONS.map(([name]) => name));
  const applied: Array<{ name: string }> = await db('knex_migrations').select('name');
  const latestKnown = LATEST_MIGRATION;
  const [latestUnknown] = applied
    .map((row) => row.name)
    .filter((name) => !known.has(name))
    .sort()
    .reverse();
  // An unknown migration dated before this version's last one is no newer version's: knex's message stands.
  if (latestUnknown === undefined || latestUnknown < latestKnown) return;
  throw new Error(
    `this database was migrated by a newer version of Aiguillage (latest applied: ${latestUnknown}, ` +
      `this version knows up to ${latestKnown}); run that version or restore a backup`,
  );
}

/** Names of the migrations not yet run, in order. */
export async function listPendingMigrations(db: Knex): Promise<string[]> {
  // knex hands back the migration source's own entries for pending migrations, not names.
  const [, pending] = (await db.migrate.list(migratorConfig)) as [
    unknown,
    Array<readonly [string, Migration]>,
  ];
  return pending.map((entry) => migrationSource.getMigrationName(entry));
}
