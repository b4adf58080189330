import { Command } from 'commander';
import { loadConfigFor } from '../src/config.ts';
import { openConfiguredDatabase } from '../src/db/database.ts';
import { engineOf } from '../src/db/engine.ts';
import { migrateToLatest, rollbackAll } from '../src/db/migrations.ts';
import { startOrExit } from '../src/operations/start-or-exit.ts';

const program = new Command('npm run migrate --')
  .description('Bring the configured database (DATABASE_URL, else SQLite in DATA_DIR) to the latest schema')
  .option(
    '--rollback',
    'undo every migration instead: drops every table, the decision log included, with all its data ' +
      '(needs --drop-all-data; there is no downgrade path)',
  )
  .option('--drop-all-data', 'confirm that --rollback may delete every table and every row')
  .parse();

const { rollback, dropAllData } = program.opts<{ rollback?: boolean; dropAllData?: boolean }>();
// Checked before the database is opened: a rollback is no downgrade, it empties the database.
if (rollback === true && dropAllData !== true) {
  console.error(
    'migrate: refused: --rollback undoes every migration, which DELETES EVERY TABLE and all their data, ' +
      'the decision log included (every event and signed checkpoint). There is no downgrade path: no ' +
      'migration turns data back into an older schema. Back the database up first; to delete everything, ' +
      'run it again with --rollback --drop-all-data.',
  );
  process.exit(1);
}
if (dropAllData === true && rollback !== true) {
  console.error('migrate: --drop-all-data only goes with --rollback; nothing was done');
  process.exit(1);
}

const config = await startOrExit('migrate', () => loadConfigFor({}));
const db = await startOrExit('migrate', () => openConfiguredDatabase(config));

try {
  const where = engineOf(db) === 'postgres' ? 'PostgreSQL' : `SQLite in ${config.dataDir}`;
  const names = rollback === true ? await rollbackAll(db, { dropAllData: true }) : await migrateToLatest(db);
  const verb = rollback === true ? 'rolled back (every table dropped)' : 'applied';
  console.log(
    names.length === 0
      ? `${where}: nothing to do`
      : `${where}: ${verb} ${names.length} migration(s)\n${names.map((name) => `  ${name}`).join('\n')}`,
  );
} catch (error) {
  console.error(`migration failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await db.destroy();
}
