/**
 * HTML to PDF with Debian's Chromium through puppeteer-core, after the website builder's
 * BrowserPool (organs/ai-website-builder/src/browser.ts): the same launch flags, a fresh
 * browser context per render, the HTML given with setContent and every request the page
 * tries aborted, a timeout per render. Reports are generated one at a time, so this keeps
 * one browser, launched on first use and relaunched after it disconnects, and serialises
 * renders. A browser idle for `idleMs` is closed (reports come a few times a day; an idle
 * Chromium holds a hundred megabytes or more) and launched again for the next report.
 */
import { access, constants } from 'node:fs/promises';
import { CHROMIUM_ARGS } from '@azora/chromium';
import type { Logger } from '@azora/service-kit';
import puppeteer, { type Browser } from 'puppeteer-core';

export class PdfRenderError extends Error {
  override name = 'PdfRenderError';
}

export interface PdfRenderer {
  render(html: string): Promise<Uint8Array>;
  /** Readiness: the executable is there (the browser itself starts on first use). */
  check(): Promise<{ executablePath: string; running: boolean }>;
  close(): Promise<void>;
}

export function createPdfRenderer(options: {
  executablePath: string;
  timeoutMs: number;
  /** Close the browser after this long without a render (default 60 s; 0 keeps it). */
  idleMs?: number;
  logger?: Logger;
}): PdfRenderer {
  let browser: Promise<Browser> | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;
  let pending = 0;
  let idleTimer: NodeJS.Timeout | undefined;
  const idleMs = options.idleMs ?? 60_000;

  const closeBrowser = async () => {
    const current = browser;
    browser = undefined;
    const instance = await current?.catch(() => undefined);
    await instance?.close().catch(() => instance.process()?.kill('SIGKILL'));
  };

  const launch = (): Promise<Browser> => {
    if (browser) return browser;
    const launching: Promise<Browser> = puppeteer
      .launch({
        executablePath: options.executablePath,
        headless: true,
        args: [...CHROMIUM_ARGS],
        protocolTimeout: Math.max(10_000, options.timeoutMs * 2),
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
      })
      .then((launched) => {
        launched.once('disconnected', () => {
          // Closed on purpose (idle, shutdown) is not news; a crash is.
          if (browser !== launching) return;
          browser = undefined;
          options.logger?.warn('Chromium disconnected; it is relaunched for the next report');
        });
        return launched;
      })
      .catch((error: Error) => {
        if (browser === launching) browser = undefined;
        throw new PdfRenderError(
          `Chromium could not start (${options.executablePath}): ${error.message.split('\n')[0]}`,
        );
      });
    browser = launching;
    return launching;
  };

  async function renderOnce(html: string): Promise<Uint8Array> {
    if (closed) throw new PdfRenderError('the PDF renderer is closed');
    const instance = await launch();
    const context = await instance.createBrowserContext();
    let timer: NodeJS.Timeout | undefined;
    try {
      const work = (async () => {
        const page = await context.newPage();
        await page.setRequestInterception(true);
        page.on('request', (request) => void request.abort('blockedbyclient').catch(() => {}));
        await page.setContent(html, { waitUntil: 'load', timeout: options.timeoutMs });
        return page.pdf({
          format: 'A4',
          printBackground: true,
          margin: { top: '12mm', bottom: '12mm', left: '10mm', right: '10mm' },
        });
      })();
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new PdfRenderError(`rendering the PDF took longer than ${options.timeoutMs} ms`)),
          options.timeoutMs,
        );
      });
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
      await context.close().catch(() => {});
    }
  }

  return {
    render(html) {
      clearTimeout(idleTimer);
      pending += 1;
      const result = queue.then(() => renderOnce(html));
      queue = result
        .catch(() => {})
        .finally(() => {
          pending -= 1;
          if (pending === 0 && idleMs > 0 && !closed) {
            idleTimer = setTimeout(() => {
              if (pending === 0) void closeBrowser();
            }, idleMs);
            idleTimer.unref();
          }
        });
      return result;
    },
    async check() {
      await access(options.executablePath, constants.X_OK).catch(() => {
        throw new Error(`Chromium is not executable at ${options.executablePath} (PUPPETEER_EXECUTABLE_PATH)`);
      });
      return { executablePath: options.executablePath, running: browser !== undefined };
    },
    async close() {
      closed = true;
      clearTimeout(idleTimer);
      await closeBrowser();
    },
  };
}
