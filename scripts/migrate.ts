import { Command } from 'commander';
import { loadConfig } from '../src/config.ts';
import { engineOf, openDatabase } from '../src/db/database.ts';
import { migrateToLatest, rollbackAll } from '../src/db/migrations.ts';

const program = new Command('migrate')
  .description('Bring the configured database (DATABASE_URL, else SQLite in DATA_DIR) to the latest schema')
  .option('--rollback', 'undo every migration instead (drops all application tables and their data)')
  .parse();

const { rollback } = program.opts<{ rollback?: boolean }>();
const config = loadConfig();
const db = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });

try {
  const where = engineOf(db) === 'postgres' ? 'PostgreSQL' : `SQLite in ${config.dataDir}`;
  const names = rollback === true ? await rollbackAll(db) : await migrateToLatest(db);
  const verb = rollback === true ? 'rolled back' : 'applied';
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
