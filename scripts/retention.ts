import { Command } from 'commander';
import { loadConfigFor } from '../src/config.ts';
import { openConfiguredDatabase } from '../src/db/database.ts';
import { engineOf } from '../src/db/engine.ts';
import { migrateToLatest } from '../src/db/migrations.ts';
import { createDecisionLog } from '../src/decision-log/create-decision-log.ts';
import { startOrExit } from '../src/operations/start-or-exit.ts';
import { createRetentionService } from '../src/retention/create-retention.ts';

new Command('npm run retention --')
  .description(
    'Purges what has outlived its retention period, now: recommendation sets whose review ended more than ' +
      'RETENTION_PERSONAL_DAYS ago, feedback and replies to contests older than that, and the outcomes ' +
      'reported about the sets and profiles purged; job seekers with no activity for that long (no sync, ' +
      'set, feedback, reply to a contest, objection recorded or withdrawn; their rows deleted as ' +
      'DELETE /v1/job-seekers/{id} would, their objection kept in the log for a later sync); skill codes ' +
      'naming a status or condition left in stored profiles; Idempotency-Key answers older than ' +
      'RETENTION_IDEMPOTENCY_HOURS; the staff reads of files, and the second-review reads kept on sets (but for a ' +
      'review still awaiting them), older than RETENTION_READ_TRACE_DAYS; and the ' +
      'decision-log keys of job seekers with no event for RETENTION_LOG_DAYS (their events stay, their ' +
      'personal parts become unreadable). Appends `retention.purged` with the counts. The API also does ' +
      'this once a day (RETENTION_DAILY_JOB).',
  )
  .parse();

const config = await startOrExit('retention', () => loadConfigFor({ decisionLog: true }));
// A script is a composition root of its own, as scripts/migrate.ts: it opens the database itself.
const db = await startOrExit('retention', () => openConfiguredDatabase(config, { existing: true }));
try {
  await migrateToLatest(db);
  const { decisionLog } = await createDecisionLog(db, config);
  const report = await createRetentionService(db, decisionLog, config.retention).purgeExpired();
  const where = engineOf(db) === 'postgres' ? 'PostgreSQL' : `SQLite in ${config.dataDir}`;
  const { purged, cutoffs } = report;
  console.log(
    [
      `${where}: retention run recorded as decision event ${report.seq}`,
      `  recommendation sets whose review ended before ${cutoffs.personalData}: ${purged.recommendationSets} purged ` +
        `(${purged.recommendationItems} items)`,
      `  feedback given before ${cutoffs.personalData}: ${purged.feedback} purged`,
      `  replies to contests given before ${cutoffs.personalData}: ${purged.contestReplies} purged`,
      `  job seekers with no activity since ${cutoffs.personalData}: ${purged.jobSeekers} profiles purged ` +
        '(an objection to AI processing stays in the decision log)',
      `  outcomes reported about the sets and profiles purged: ${purged.outcomes} purged`,
      `  skill codes naming a status or condition, left in stored profiles: ${purged.skillCodes} removed`,
      `  Idempotency-Key answers stored before ${cutoffs.idempotencyKeys}: ${purged.idempotencyKeys} purged`,
      `  staff reads of files made before ${cutoffs.readTrace}: ${purged.fileReads} purged (with a purged profile: all its reads)`,
      `  job seekers with no decision event since ${cutoffs.log}: ${purged.subjectKeys} keys shredded`,
      report.storageScrubbed
        ? `deleted rows cleared from the database files: ${report.storageDetail}`
        : `deleted rows NOT cleared from the database files (the next run tries again): ${report.storageDetail}`,
    ].join('\n'),
  );
} catch (error) {
  console.error(`retention failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await db.destroy();
}
