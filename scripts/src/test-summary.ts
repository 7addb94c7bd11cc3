// Prints the closing lines of the whole test run from the JSON report each package's
// Vitest run writes to test-output/vitest.json: every failed test by package and name with
// the start of its error (CI keeps only the tail of the output, where these land), then
// one line of totals ("vitest: N passed, N failed, N skipped").
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { excerpt } from './failure-excerpt.ts';
import { REPO_ROOT } from './repo.ts';

interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  testResults?: {
    name: string;
    status: string;
    /** A file-level error: a failed hook or import, outside any one test. */
    message?: string;
    assertionResults?: { fullName: string; status: string; failureMessages?: string[] }[];
  }[];
}

const folders = [
  'scripts',
  ...['apps', 'services', 'organs', 'packages'].flatMap((parent) => {
    const dir = join(REPO_ROOT, parent);
    return existsSync(dir) ? readdirSync(dir).map((name) => join(parent, name)) : [];
  }),
];

const totals = { passed: 0, failed: 0, skipped: 0, packages: 0 };
const failures: string[] = [];
for (const folder of folders) {
  const report = join(REPO_ROOT, folder, 'test-output', 'vitest.json');
  if (!existsSync(report)) continue;
  const data = JSON.parse(readFileSync(report, 'utf8')) as VitestReport;
  totals.passed += data.numPassedTests;
  totals.failed += data.numFailedTests;
  totals.skipped += data.numPendingTests + data.numTodoTests;
  totals.packages += 1;
  for (const file of data.testResults ?? []) {
    const where = `${folder} ${relative(join(REPO_ROOT, folder), file.name)}`;
    const failed = (file.assertionResults ?? []).filter((test) => test.status === 'failed');
    for (const test of failed) {
      failures.push(`FAILED ${where} > ${test.fullName}\n${excerpt(test.failureMessages?.join('\n') ?? '')}`);
    }
    if (failed.length === 0 && file.status === 'failed') {
      failures.push(`FAILED ${where} (the file itself)\n${excerpt(file.message ?? '')}`);
    }
  }
}
for (const failure of failures) console.log(failure);
console.log(`(${totals.packages} packages reported)`);
console.log(`vitest: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
