import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startNodeProcess } from './process.ts';

const entry = fileURLToPath(new URL('./fixtures/port-server.ts', import.meta.url));

describe('startNodeProcess', () => {
  it('starts an entry point on a free port once it answers, and stops it', async () => {
    const running = await startNodeProcess({ entry });
    try {
      expect(await (await fetch(`${running.url}/who`)).text()).toBe(`port ${running.port}`);
    } finally {
      await running.stop();
    }
    await expect(fetch(`${running.url}/health`)).rejects.toThrow();
    await running.stop(); // stopping twice is harmless
  });

  it('rejects with what the process printed when it exits before it is ready', async () => {
    await expect(startNodeProcess({ entry, env: { FAIL: 'no database' } })).rejects.toThrow(
      /exited with 3 before it was ready:\ncannot start: no database/,
    );
  });
});
