import { describe, expect, it } from 'vitest';
import { excerpt } from './failure-excerpt.ts';

describe('excerpt', () => {
  it('keeps the first lines and the frames in our code, never node_modules or Node internals', () => {
    const message = [
      '\u001b[31mTypeError: fetch failed\u001b[39m',
      '    at node:internal/deps/undici/undici:13510:13',
      '    at process.processTicksAndRejections (node:internal/process/task_queues:105:5)',
      '    at client (/repo/services/azora-mint/src/crash.int.test.ts:48:17)',
      '    at /repo/node_modules/.pnpm/@vitest+runner@3.2.4/node_modules/@vitest/runner/dist/chunk-hooks.js:752:20',
      '    at /repo/services/azora-mint/src/crash.int.test.ts:93:7',
    ].join('\n');
    expect(excerpt(message).split('\n')).toEqual([
      '    TypeError: fetch failed',
      '    at client (/repo/services/azora-mint/src/crash.int.test.ts:48:17)',
      '    at /repo/services/azora-mint/src/crash.int.test.ts:93:7',
    ]);
  });

  it('names a Vitest timeout, whose report keeps only the stack of the error made for it', () => {
    const message = 'Error: STACK_TRACE_ERROR\n    at /repo/services/5g-manager/src/summary.int.test.ts:68:3';
    expect(excerpt(message)).toBe(
      '    Error: timed out (the test or hook ran past its timeout)\n    at /repo/services/5g-manager/src/summary.int.test.ts:68:3',
    );
  });

  it('keeps a Playwright call log under its message', () => {
    const message = [
      'locator.waitFor: Timeout 15000ms exceeded.',
      'Call log:',
      "  - waiting for getByTestId('snapshot').first() to be visible",
      '    at /repo/apps/main-app/src/console.e2e.test.ts:3153:40',
    ].join('\n');
    expect(excerpt(message).split('\n')).toHaveLength(4);
  });
});
