/**
 * One "API process" for the concurrency tests: appends events to the decision log of the given
 * database, each in its own transaction that reads before it appends, and prints their seqs.
 * Usage: append-worker.ts <dataDir> <databaseUrl or -> <count> <name>
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../../../src/config.ts';
import { openDatabase } from '../../../src/db/database.ts';
import { createDecisionLog } from '../../../src/decision-log/create-decision-log.ts';

const [dataDir = '', databaseUrl = '-', count = '0', name = 'worker'] = process.argv.slice(2);
const config = loadConfig({
  NODE_ENV: 'test',
  DATA_DIR: dataDir,
  ...(databaseUrl === '-' ? {} : { DATABASE_URL: databaseUrl }),
  AUDIT_CHECKPOINT_EVERY: '7',
});
const db = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
const { decisionLog } = await createDecisionLog(db, config);
const seqs: number[] = [];
try {
  for (let index = 0; index < Number(count); index += 1) {
    const event = await decisionLog.withTransaction(async (trx) => {
      await trx('decision_events').count({ n: '*' });
      await sleep(Math.random() * 3);
      return decisionLog.append(trx, {
        type: 'recommendation.opened',
        actor: { role: 'counselor', id: name },
        subjectId: `js-${index}`,
        payload: { worker: name, index },
      });
    });
    seqs.push(event.seq);
  }
  process.stdout.write(`${JSON.stringify(seqs)}\n`);
} finally {
  await db.destroy();
}
