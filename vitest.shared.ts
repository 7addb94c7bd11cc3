// Shared Vitest settings for every workspace package.
// Workspace packages export their TypeScript sources under the "@azora/source" condition,
// so tests (like `pnpm dev`) run the sources directly, with no build step in between.
import { defaultClientConditions, defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@azora/source', ...defaultClientConditions] },
  ssr: { resolve: { conditions: ['@azora/source', ...defaultServerConditions] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // `pnpm test` runs three packages at once on 2 cores, with containers building beside
    // them: slow-but-correct must not fail (a hook starting services took over a minute in
    // CI), while a hang is still caught within a few minutes.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // The JSON report feeds the one-line summary CI prints (scripts/src/test-summary.ts).
    reporters: ['default', ['json', { outputFile: 'test-output/vitest.json' }]],
  },
});
