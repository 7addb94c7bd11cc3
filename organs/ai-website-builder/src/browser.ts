/**
 * A pool of headless Chromium browsers (Debian's chromium through puppeteer-core) that
 * renders a page's HTML and does one thing with it: a screenshot, a PDF, an axe-core
 * audit. Bounded: at most `size` browsers × `pagesPerBrowser` pages at once, the rest
 * wait in a queue (bounded too: beyond it a render is refused at once). Each render gets
 * its own browser context and page, a timeout, and no network at all: the HTML goes in
 * with `setContent` and every request the page makes — images, styles, frames, redirects,
 * `file:`, `data:` — is aborted by request interception. A browser that disconnects
 * (crashed, killed) is relaunched; until it is back the pool reports not healthy.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { CHROMIUM_ARGS } from '@azora/chromium';
import type { Logger } from '@azora/service-kit';
import puppeteer, { type Browser, type BrowserContext, type Page } from 'puppeteer-core';

export class PoolBusyError extends Error {
  override name = 'PoolBusyError';
}
export class RenderTimeoutError extends Error {
  override name = 'RenderTimeoutError';
}
export class BrowserUnavailableError extends Error {
  override name = 'BrowserUnavailableError';
}

export interface BrowserPoolOptions {
  executablePath: string;
  size: number;
  pagesPerBrowser: number;
  /** Longest a render may take, from getting a page to the result. */
  timeoutMs: number;
  /** Renders waiting for a page beyond this many are refused (PoolBusyError). */
  maxQueue?: number;
  logger?: Logger;
  /** Called whenever pages are taken or given back, browsers lost or relaunched. */
  onChange?: () => void;
}

/** A page kept open between renders, in a browser context of its own. */
interface WarmPage {
  context: BrowserContext;
  page: Page;
  uses: number;
}

/** A warm page is closed and replaced after this many renders (bounds what a long-lived renderer accumulates). */
const MAX_PAGE_USES = 50;

interface Slot {
  browser: Browser | undefined;
  /** Pages of `browser` ready for the next render (creating one costs more than most renders). */
  idle: WarmPage[];
  launching: Promise<void> | undefined;
  active: number;
  restarts: number;
  lastError: string | undefined;
}

export interface PoolStatus {
  size: number;
  connected: number;
  inUse: number;
  capacity: number;
  queued: number;
  restarts: number;
}

export interface AuditViolation {
  rule: string;
  impact: 'minor' | 'moderate' | 'serious' | 'critical';
  help: string;
  selectors: string[];
}

const require = createRequire(import.meta.url);
let axeSource: Promise<string> | undefined;
const loadAxe = () => {
  axeSource ??= readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  return axeSource;
};

export class BrowserPool {
  readonly #options: BrowserPoolOptions;
  readonly #slots: Slot[];
  readonly #waiting: (() => void)[] = [];
  #closed = false;
  /** Every request a page tried to make (all aborted), for logs and tests. */
  blockedRequests = 0;
  /** Dialogs (alert, confirm…) a rendered page opened: a page the renderer made never opens one. */
  dialogs = 0;

  constructor(options: BrowserPoolOptions) {
    this.#options = options;
    this.#slots = Array.from({ length: options.size }, () => ({
      browser: undefined,
      idle: [],
      launching: undefined,
      active: 0,
      restarts: 0,
      lastError: undefined,
    }));
  }

  get capacity(): number {
    return this.#options.size * this.#options.pagesPerBrowser;
  }

  status(): PoolStatus {
    return {
      size: this.#options.size,
      connected: this.#slots.filter((slot) => slot.browser?.connected).length,
      inUse: this.#slots.reduce((sum, slot) => sum + slot.active, 0),
      capacity: this.capacity,
      queued: this.#waiting.length,
      restarts: this.#slots.reduce((sum, slot) => sum + slot.restarts, 0),
    };
  }

  /** Healthy when every browser is connected; throws (for readiness) otherwise. */
  check(): PoolStatus {
    const status = this.status();
    if (status.connected < status.size) {
      const errors = this.#slots.map((slot) => slot.lastError).filter(Boolean);
      throw new Error(
        `${status.size - status.connected} of ${status.size} browsers are not running${errors.length ? ` (${errors[0]})` : ''}; relaunching`,
      );
    }
    return status;
  }

  /** Launches every browser (waits for them). */
  async start(): Promise<void> {
    await Promise.all(this.#slots.map((slot) => this.#launch(slot)));
  }

  #launch(slot: Slot): Promise<void> {
    slot.launching ??= (async () => {
      for (let attempt = 0; !this.#closed; attempt++) {
        try {
          const browser = await puppeteer.launch({
            executablePath: this.#options.executablePath,
            headless: true,
            args: [...CHROMIUM_ARGS],
            protocolTimeout: Math.max(10_000, this.#options.timeoutMs * 2),
            handleSIGINT: false,
            handleSIGTERM: false,
            handleSIGHUP: false,
          });
          if (this.#closed) {
            await browser.close().catch(() => {});
            return;
          }
          slot.browser = browser;
          slot.lastError = undefined;
          browser.once('disconnected', () => {
            if (slot.browser !== browser) return;
            slot.browser = undefined;
            slot.idle = [];
            this.#options.onChange?.();
            if (this.#closed) return;
            slot.restarts += 1;
            slot.lastError = 'the browser disconnected';
            this.#options.logger?.warn('a Chromium browser disconnected (crashed or killed); relaunching');
            void this.#launch(slot);
          });
          this.#options.onChange?.();
          return;
        } catch (error) {
          slot.lastError = (error as Error).message.split('\n')[0];
          this.#options.logger?.error({ err: error }, 'launching Chromium failed; retrying');
          await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 250 * 2 ** attempt)));
        }
      }
    })().finally(() => {
      slot.launching = undefined;
    });
    return slot.launching;
  }

  /** A slot with a free page and a connected browser, waiting in the queue when there is none. */
  async #acquire(deadline: number): Promise<Slot> {
    for (;;) {
      if (this.#closed) throw new BrowserUnavailableError('the browser pool is closed');
      const free = this.#slots
        .filter((slot) => slot.browser?.connected && slot.active < this.#options.pagesPerBrowser)
        .sort((a, b) => a.active - b.active)[0];
      if (free) {
        free.active += 1;
        this.#options.onChange?.();
        return free;
      }
      const totalActive = this.#slots.reduce((sum, slot) => sum + slot.active, 0);
      if (totalActive >= this.capacity && this.#waiting.length >= (this.#options.maxQueue ?? 100)) {
        throw new PoolBusyError('every browser page is busy and the queue is full');
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw totalActive >= this.capacity
          ? new RenderTimeoutError('timed out waiting for a free browser page')
          : new BrowserUnavailableError('no browser is running (relaunching after a crash)');
      }
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          resolve();
        };
        // Re-check on a timer too: a relaunched browser does not call release().
        const timer = setTimeout(
          () => {
            const i = this.#waiting.indexOf(wake);
            if (i >= 0) this.#waiting.splice(i, 1);
            resolve();
          },
          Math.min(remaining, 200),
        );
        this.#waiting.push(wake);
      });
    }
  }

  #release(slot: Slot): void {
    slot.active -= 1;
    this.#options.onChange?.();
    this.#waiting.shift()?.();
  }

  /**
   * Loads `html` into a fresh page (viewport `width`) with every request blocked, runs
   * `task` on it, and closes it. Throws RenderTimeoutError after the pool's timeout.
   */
  async render<T>(html: string, width: number, task: (page: Page) => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.#options.timeoutMs;
    const slot = await this.#acquire(deadline);
    const browser = slot.browser as Browser;
    let timer: NodeJS.Timeout | undefined;
    let warm: WarmPage | undefined;
    let reusable = false;
    try {
      const work = (async () => {
        warm = slot.idle.pop() ?? (await this.#newPage(browser));
        // A fresh document: setContent writes into the current one, which would keep the
        // previous page's state (its CSP, for one).
        if (warm.uses > 0) await warm.page.goto('about:blank', { timeout: Math.max(1000, deadline - Date.now()) });
        warm.uses += 1;
        await warm.page.setViewport({ width, height: width < 600 ? 844 : 800, deviceScaleFactor: 1 });
        await warm.page.setContent(html, { waitUntil: 'load', timeout: Math.max(1000, deadline - Date.now()) });
        return task(warm.page);
      })();
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new RenderTimeoutError(`the render took longer than ${this.#options.timeoutMs} ms`)),
          Math.max(0, deadline - Date.now()),
        );
      });
      const result = await Promise.race([work, timeout]);
      reusable = true;
      return result;
    } catch (error) {
      if (!browser.connected && !(error instanceof RenderTimeoutError)) {
        throw new BrowserUnavailableError('the browser crashed during the render');
      }
      throw error;
    } finally {
      clearTimeout(timer);
      const used = warm as WarmPage | undefined;
      // A page that failed or timed out (a stuck script, say) is never used again.
      if (used && reusable && used.uses < MAX_PAGE_USES && slot.browser === browser && browser.connected) {
        slot.idle.push(used);
      } else if (used) {
        await used.context.close().catch(() => {});
      }
      this.#release(slot);
    }
  }

  /** A page in a fresh browser context, every request it makes refused, dialogs counted and dismissed. */
  async #newPage(browser: Browser): Promise<WarmPage> {
    const context = await browser.createBrowserContext().catch((error: Error) => {
      throw new BrowserUnavailableError(`the browser is not answering: ${error.message}`);
    });
    try {
      const page = await context.newPage();
      page.on('dialog', (dialog) => {
        this.dialogs += 1;
        this.#options.logger?.warn({ type: dialog.type() }, 'a rendered page opened a dialog; dismissed');
        void dialog.dismiss().catch(() => {});
      });
      await page.setRequestInterception(true);
      page.on('request', (request) => {
        // setContent loads the document itself without a request; everything else is refused.
        this.blockedRequests += 1;
        // The page navigating itself (meta refresh, `location = …`) is answered "204 No
        // Content", which leaves the document in place. Aborted, it would swap in Chromium's
        // error page mid-render, and a screenshot racing that swap hangs until the protocol
        // times out.
        const leavesThePage = request.isNavigationRequest() && request.frame() === page.mainFrame();
        void (leavesThePage ? request.respond({ status: 204, body: '' }) : request.abort('blockedbyclient')).catch(
          () => {},
        );
      });
      return { context, page, uses: 0 };
    } catch (error) {
      await context.close().catch(() => {});
      throw error;
    }
  }

  screenshot(html: string, width: number): Promise<Uint8Array> {
    return this.render(html, width, (page) => page.screenshot({ type: 'png', fullPage: true }));
  }

  pdf(html: string): Promise<Uint8Array> {
    return this.render(html, 1280, (page) =>
      page.pdf({ format: 'A4', printBackground: true, margin: { top: '12mm', bottom: '12mm' } }),
    );
  }

  /** axe-core's violations (WCAG 2 A/AA and best practices) for the page at `width`. */
  async audit(html: string, width = 1280): Promise<AuditViolation[]> {
    const source = await loadAxe();
    return this.render(html, width, async (page) => {
      // Evaluated through the DevTools protocol: the page's own CSP (no script) does not apply.
      await page.evaluate(source);
      return page.evaluate(async () => {
        const axe = (globalThis as unknown as { axe: AxeApi }).axe;
        const result = await axe.run((globalThis as unknown as { document: unknown }).document, {
          resultTypes: ['violations'],
        });
        return result.violations.map((violation) => ({
          rule: violation.id,
          impact: (violation.impact ?? 'minor') as AuditViolation['impact'],
          help: violation.help,
          selectors: violation.nodes.map((node) => node.target.map(String).join(' ')),
        }));
      });
    });
  }

  /** Kills one browser's process (the crash-recovery test's fault). */
  /** The browsers' main process ids (Chromium's helpers are their children). */
  pids(): number[] {
    return this.#slots.flatMap((slot) => {
      const pid = slot.browser?.process()?.pid;
      return pid === undefined ? [] : [pid];
    });
  }

  killOne(): boolean {
    const slot = this.#slots.find((s) => s.browser?.connected);
    const process = slot?.browser?.process();
    if (!process) return false;
    process.kill('SIGKILL');
    return true;
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const wake of this.#waiting.splice(0)) wake();
    await Promise.all(
      this.#slots.map(async (slot) => {
        await slot.launching;
        const browser = slot.browser;
        slot.browser = undefined;
        await browser?.close().catch(() => browser.process()?.kill('SIGKILL'));
      }),
    );
  }
}

interface AxeApi {
  run: (
    context: unknown,
    options: unknown,
  ) => Promise<{
    violations: { id: string; impact?: string | null; help: string; nodes: { target: unknown[] }[] }[];
  }>;
}
