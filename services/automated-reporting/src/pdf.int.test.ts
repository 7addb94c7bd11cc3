// The renderer on the real Chromium: a PDF whose text pdftotext reads back, no request
// leaving the page, and the browser closed when idle and launched again when needed.
import { execFile } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startApp, waitFor } from '@azora/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createPdfRenderer } from './pdf.ts';

const chromium = process.env.PUPPETEER_EXECUTABLE_PATH ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

describe('PDF renderer', () => {
  const renderer = createPdfRenderer({ executablePath: chromium, timeoutMs: 20_000, idleMs: 2_000 });
  afterAll(() => renderer.close());

  it('prints the HTML, loads nothing from the network, and closes Chromium when idle', async () => {
    let hits = 0;
    const server = await startApp((_req, res) => {
      hits += 1;
      res.end('x');
    });
    try {
      const html = `<!doctype html><html><head><link rel="stylesheet" href="${server.url}/style.css"></head>
<body><h1>Quarterly posture</h1><img src="${server.url}/logo.png"><p>Score 87 of 100</p></body></html>`;
      const pdf = await renderer.render(html);
      // Still up right after a render: the idle timer (2 s) has only started.
      expect((await renderer.check()).running).toBe(true);
      expect(Buffer.from(pdf).subarray(0, 5).toString()).toBe('%PDF-');
      const file = join(tmpdir(), `pdf-test-${process.pid}.pdf`);
      await writeFile(file, pdf);
      const { stdout } = await promisify(execFile)('pdftotext', [file, '-']).finally(() => rm(file));
      expect(stdout).toContain('Quarterly posture');
      expect(stdout).toContain('Score 87 of 100');
      expect(hits).toBe(0);
      // Closed once idle, however long pdftotext took on a busy machine.
      await waitFor(
        'Chromium closed when idle',
        async () => ((await renderer.check()).running ? undefined : true),
        15_000,
      );
      // …and comes back for the next one.
      expect((await renderer.render('<p>again</p>')).length).toBeGreaterThan(500);
    } finally {
      await server.close();
    }
  });
});
