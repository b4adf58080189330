import { Command } from 'commander';
import { loadConfig } from '../src/config.ts';
import { KnexCourseStore } from '../src/courses/knex-course-store.ts';
import { engineOf, openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrations.ts';
import { writeDemoData } from '../src/demo/seed-demo-data.ts';
import { KnexJobSeekerStore } from '../src/job-seekers/knex-job-seeker-store.ts';

const program = new Command('npm run seed --')
  .description(
    'Write the demo data again, dated from today: demo courses demo-0001… and demo job seekers ' +
      'js-1001… (caseloads of c-001, c-002, c-003) are created or replaced by id; no other row is ' +
      'touched and nothing is deleted.',
  )
  .option('--yes', 'confirm writing demo rows when NODE_ENV=production')
  .parse();

const { yes } = program.opts<{ yes?: boolean }>();
const config = loadConfig();
if (config.nodeEnv === 'production' && yes !== true) {
  console.error(
    'NODE_ENV=production: this would put demo courses and job seekers in a real database; add --yes',
  );
  process.exit(1);
}

// A script is a composition root of its own, as scripts/migrate.ts: it opens the database itself.
const db = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
try {
  await migrateToLatest(db);
  const summary = await writeDemoData(
    { courses: new KnexCourseStore(db), jobSeekers: new KnexJobSeekerStore(db) },
    new Date(),
  );
  const where = engineOf(db) === 'postgres' ? 'PostgreSQL' : `SQLite in ${config.dataDir}`;
  console.log(
    `${where}: demo courses ${summary.courses.created} created, ${summary.courses.updated} replaced; ` +
      `demo job seekers ${summary.jobSeekers.created} created, ${summary.jobSeekers.updated} replaced`,
  );
} catch (error) {
  console.error(`seeding failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await db.destroy();
}
