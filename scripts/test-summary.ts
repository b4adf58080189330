import fs from 'node:fs';
import { Command } from 'commander';

/** The part of vitest's JSON report the summary reads. */
interface VitestJsonReport {
  success: boolean;
  numPassedTests: number;
  numFailedTests: number;
  testResults: Array<{ name: string; status: string; assertionResults: Array<{ status: string }> }>;
}

interface Tally {
  passed: number;
  failed: number;
}

const program = new Command('test-summary')
  .description('Sum vitest JSON reports into one line "N passed, N failed"; exit 1 when anything failed')
  .argument('<reports...>', 'vitest JSON report files (--reporter=json --outputFile.json=...)')
  .parse();

const total: Tally = { passed: 0, failed: 0 };
for (const file of program.args) {
  const tally = tallyReport(file);
  total.passed += tally.passed;
  total.failed += tally.failed;
}
console.log(`${total.passed} passed, ${total.failed} failed`);
process.exitCode = total.failed > 0 ? 1 : 0;

/**
 * Counts one run. A run that left no report (it stopped before vitest, e.g. on lint) and a file
 * that failed outside any test (import error, failing hook) each count as one failure, so the
 * line never reads "0 failed" for a red run.
 */
function tallyReport(file: string): Tally {
  if (!fs.existsSync(file)) {
    console.error(`test-summary: ${file} is missing: that run stopped before its tests finished`);
    return { passed: 0, failed: 1 };
  }
  const report = readReport(file);
  const brokenFiles = report.testResults.filter(
    (result) =>
      result.status === 'failed' && !result.assertionResults.some((test) => test.status === 'failed'),
  );
  for (const broken of brokenFiles) console.error(`test-summary: ${broken.name} failed outside its tests`);
  let failed = report.numFailedTests + brokenFiles.length;
  if (!report.success && failed === 0) {
    console.error(`test-summary: ${file} reports a failed run (unhandled error?) with no failing test`);
    failed = 1;
  }
  return { passed: report.numPassedTests, failed };
}

function readReport(file: string): VitestJsonReport {
  const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    !('numPassedTests' in parsed) ||
    !('numFailedTests' in parsed) ||
    !('testResults' in parsed) ||
    !Array.isArray(parsed.testResults)
  ) {
    throw new Error(`${file} is not a vitest JSON report`);
  }
  return parsed as VitestJsonReport;
}
