import { Command } from 'commander';
import { loadConfigFor } from '../src/config.ts';
import { createContainer } from '../src/container.ts';
import { engineOf } from '../src/db/engine.ts';
import { writeDemoData } from '../src/demo/seed-demo-data.ts';
import { startOrExit } from '../src/operations/start-or-exit.ts';

const program = new Command('npm run seed --')
  .description(
    'Write the demo data again, dated from today: demo courses demo-0001… (one import) and demo job ' +
      'seekers js-1001… (caseloads of c-001, c-002, c-003; one sync each) are created or replaced by ' +
      'id, each write logged as any import or sync (a demo profile moved back to its counselor has its ' +
      'open sets withdrawn); no other row is touched. A demo job seeker an admin erased stays erased, ' +
      'unless --re-enrol.',
  )
  .option('--yes', 'confirm writing demo rows when NODE_ENV=production')
  .option('--re-enrol', 'enrol again the demo job seekers erased since, logged as a deliberate return')
  .parse();

const { yes, reEnrol } = program.opts<{ yes?: boolean; reEnrol?: boolean }>();
// The same container as the API's: the same settings checked before it is built.
const config = await startOrExit('seed', () => loadConfigFor({ tokens: true, decisionLog: true }));
if (config.nodeEnv === 'production' && yes !== true) {
  console.error(
    'NODE_ENV=production: this would put demo courses and job seekers in a real database; add --yes',
  );
  process.exit(1);
}

// The container writes the demo through the services, as the first start does: every write is
// logged. It is built without the first-start demo and without the daily retention job.
const container = await startOrExit('seed', () =>
  createContainer({ ...config, seedDemo: false, retention: { ...config.retention, dailyJob: false } }),
);
try {
  const summary = await writeDemoData(container.services, new Date(), { reEnrol: reEnrol === true });
  const where = engineOf(container.db) === 'postgres' ? 'PostgreSQL' : `SQLite in ${config.dataDir}`;
  console.log(
    `${where}: demo courses ${summary.courses.created} created, ${summary.courses.updated} replaced; ` +
      `demo job seekers ${summary.jobSeekers.created} created, ${summary.jobSeekers.updated} replaced ` +
      '(each write logged in the decision log)' +
      (summary.jobSeekers.leftErased > 0
        ? `; ${summary.jobSeekers.leftErased} erased since and left erased (--re-enrol writes them again)`
        : ''),
  );
} catch (error) {
  console.error(`seeding failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await container.close();
}
