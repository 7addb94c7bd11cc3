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
    // `pnpm test` runs every package at once on 2 cores: slow-but-correct must not fail,
    // while a hang is still caught within a minute.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The JSON report feeds the one-line summary CI prints (scripts/src/test-summary.ts).
    reporters: ['default', ['json', { outputFile: 'test-output/vitest.json' }]],
  },
});
