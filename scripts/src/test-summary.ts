// Prints one closing line for the whole test run ("vitest: N passed, N failed, N skipped")
// from the JSON report each package's Vitest run writes to test-output/vitest.json.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './repo.ts';

interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
}

const folders = [
  'scripts',
  ...['apps', 'services', 'organs', 'packages'].flatMap((parent) => {
    const dir = join(REPO_ROOT, parent);
    return existsSync(dir) ? readdirSync(dir).map((name) => join(parent, name)) : [];
  }),
];

const totals = { passed: 0, failed: 0, skipped: 0, packages: 0 };
for (const folder of folders) {
  const report = join(REPO_ROOT, folder, 'test-output', 'vitest.json');
  if (!existsSync(report)) continue;
  const data = JSON.parse(readFileSync(report, 'utf8')) as VitestReport;
  totals.passed += data.numPassedTests;
  totals.failed += data.numFailedTests;
  totals.skipped += data.numPendingTests + data.numTodoTests;
  totals.packages += 1;
}
console.log(`(${totals.packages} packages reported)`);
console.log(`vitest: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
