// End to end: the built console in headless Chromium, through the gateway, against the
// real AI services started from their sources. Screenshots land in test-output/screenshots/.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { urlVariable } from '@azora/catalog';
import {
  createTestRedis,
  freePort,
  type NodeProcess,
  type StartedApp,
  startApp,
  startNodeProcess,
  type TestRedis,
} from '@azora/testing';
import { type Browser, chromium, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMainApp, type MainApp } from './app.ts';
import { quietLogger } from './test-support/logger.ts';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const REPO_ROOT = join(PACKAGE_DIR, '../..');
const SCREENSHOTS = join(PACKAGE_DIR, 'test-output/screenshots');
const AI_SERVICES = ['ai-sentiment', 'ai-personalization', 'ai-chatbot', 'ai-vision'] as const;
/** An operator key for the test itself: the console has none. */
const OPERATOR_KEY = `e2e-${'0123456789abcdef'.repeat(2)}`;
type AiService = (typeof AI_SERVICES)[number];

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const present = AI_SERVICES.filter((name) => existsSync(join(REPO_ROOT, 'services', name, 'src/main.ts')));
const missing = AI_SERVICES.filter((name) => !present.includes(name));

/** One AI service from its sources on a free port, once it is ready. */
function startService(name: AiService, env: Record<string, string> = {}): Promise<NodeProcess> {
  return startNodeProcess({
    entry: 'src/main.ts',
    cwd: join(REPO_ROOT, 'services', name),
    env: { NODE_ENV: 'test', LOG_LEVEL: 'warn', HOST: '127.0.0.1', ...env },
    readyPath: '/health/ready',
    readyTimeoutMs: 90_000,
  });
}

/** Opens a page that records console errors and uncaught exceptions. */
async function openPage(browser: Browser, width = 1280, height = 900) {
  const page = await browser.newPage({ viewport: { width, height } });
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  return { page, errors };
}

async function shoot(page: Page, name: string) {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

describe('console end to end', () => {
  const services = new Map<AiService, NodeProcess>();
  let redis: TestRedis;
  let buildDir: string;
  let main: MainApp;
  let server: StartedApp;
  let degradedMain: MainApp;
  let degradedServer: StartedApp;
  let browser: Browser;

  beforeAll(async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    redis = await createTestRedis('main-app-e2e');
    buildDir = await mkdtemp(join(tmpdir(), 'main-app-build-'));
    // The console exactly as shipped: a production Vite build, served by the server.
    await build({
      configFile: join(PACKAGE_DIR, 'src/web/vite.config.ts'),
      build: { outDir: buildDir, emptyOutDir: true, sourcemap: false },
      logLevel: 'error',
    });

    const start = async (name: AiService, env: Record<string, string> = {}) => {
      if (present.includes(name)) services.set(name, await startService(name, env));
    };
    // ai-sentiment first: ai-chatbot is given its URL. The others start together.
    await start('ai-sentiment');
    await Promise.all([
      // One detection worker: `pnpm test` runs every package at once on 2 cores.
      start('ai-vision', { VISION_CONCURRENCY: '1' }),
      start('ai-personalization', {
        REDIS_URL: redis.url,
        REDIS_KEY_PREFIX: `${redis.prefix}personalization:`,
        DEMO_SEED: 'true',
        API_KEYS: `e2e-operator:operator:${OPERATOR_KEY}`,
      }),
      start('ai-chatbot', {
        REDIS_URL: redis.url,
        REDIS_KEY_PREFIX: `${redis.prefix}chatbot:`,
        AI_SENTIMENT_URL: services.get('ai-sentiment')?.url ?? `http://127.0.0.1:${await freePort()}`,
      }),
    ]);

    const urls = Object.fromEntries([...services].map(([name, running]) => [urlVariable(name), running.url]));
    const deployed = new Set(['main-app', ...AI_SERVICES]);
    main = createMainApp({
      logger: quietLogger(),
      env: urls,
      deployed,
      pollIntervalMs: 1000,
      // An inference takes seconds on a loaded machine; the console must wait for it.
      timeoutMs: 90_000,
      web: { kind: 'static', dir: buildDir },
    });
    await main.start();
    server = await startApp(main.app);
    // The same console with ai-vision not running.
    degradedMain = createMainApp({
      logger: quietLogger(),
      env: { ...urls, AI_VISION_URL: `http://127.0.0.1:${await freePort()}` },
      deployed,
      pollIntervalMs: 1000,
      web: { kind: 'static', dir: buildDir },
    });
    await degradedMain.start();
    degradedServer = await startApp(degradedMain.app);

    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await degradedServer?.close();
    for (const app of [main, degradedMain]) for (const resource of app?.resources ?? []) await resource.close();
    await Promise.all([...services.values()].map((running) => running.stop()));
    await redis?.cleanup();
    if (buildDir) await rm(buildDir, { recursive: true, force: true });
  });

  it('has every AI service in the repo to test against', () => {
    expect(missing, `missing service folders: ${missing.join(', ')}`).toEqual([]);
  });

  it('shows every service on the status board, live', async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(`${server.url}/`);
    for (const name of present) {
      await page.locator(`tr[data-service="${name}"][data-state="ready"]`).waitFor({ timeout: 15_000 });
    }
    await page.locator('tr[data-service="gdpr-compliance"][data-state="not_deployed"]').waitFor();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Service status');
    expect(await page.locator('tr[data-service="ai-sentiment"] td.num').textContent()).toMatch(/\d+(\.\d+)? ms/);
    await shoot(page, '01-status');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('analyses a sentence', async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(`${server.url}/sentiment`);
    await page.getByLabel('Text to analyse').fill('I love this console. The old one was terrible.');
    await page.getByRole('button', { name: 'Analyse' }).click();
    const result = page.getByTestId('sentiment-result');
    await result.waitFor();
    const rows = result.locator('tbody tr');
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(0).textContent()).toContain('positive');
    expect(await rows.nth(1).textContent()).toContain('negative');
    await shoot(page, '02-sentiment');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('chats with the assistant and keeps the session', async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(`${server.url}/assistant`);
    await page.getByLabel('Message').fill('Hello! What can you do?');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.locator('[data-role="assistant"]').first().waitFor({ timeout: 15_000 });
    const session = await page.locator('text=/^Session /').textContent();
    await page.getByLabel('Message').fill('How do I check the status of the services?');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.locator('[data-role="assistant"]').nth(1).waitFor({ timeout: 15_000 });
    // Same session, and after a reload the conversation comes back from the service.
    expect(await page.locator('text=/^Session /').textContent()).toBe(session);
    await page.reload();
    await page.locator('[data-role="user"]').nth(1).waitFor();
    expect(await page.locator('[data-role="assistant"]').count()).toBe(2);
    await shoot(page, '03-assistant');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('uploads an image and shows its analysis', async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(`${server.url}/vision`);
    const photo = join(REPO_ROOT, 'services/ai-vision/node_modules/@vladmandic/human/assets/screenshot-facedetect.jpg');
    await page.locator('#vision-file').setInputFiles({
      name: 'people.jpg',
      mimeType: 'image/jpeg',
      buffer: await readFile(photo),
    });
    const result = page.getByTestId('vision-result');
    await result.waitFor({ timeout: 90_000 }).catch(async (error: Error) => {
      await shoot(page, '04-vision-failed');
      throw new Error(`${error.message}\npage: ${await page.locator('body').textContent()}`);
    });
    expect(await result.textContent()).toMatch(/[0-9a-f]{16}/);
    expect(await page.locator('.palette li').count()).toBeGreaterThan(0);
    expect(await page.locator('.detection').count(), 'boxes drawn over the image').toBeGreaterThan(0);
    await shoot(page, '04-vision');
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('fetches recommendations and records a click', async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(`${server.url}/recommendations`);
    const list = page.getByTestId('recommendations');
    await list.waitFor({ timeout: 15_000 });
    const items = list.locator('.rec-item');
    await items.first().waitFor();
    const user = await page.getByLabel('Demo user').inputValue();
    const before = await eventsOf(user);
    await items.first().click();
    await page.getByTestId('sent-events').waitFor();
    expect(await eventsOf(user)).toBe(before + 1);
    // The user list is for operators only, through the gateway too.
    expect((await fetch(`${server.url}/api/personalization/users`)).status).toBe(401);
    const operator = await fetch(`${server.url}/api/personalization/users?limit=1`, {
      headers: { 'x-api-key': OPERATOR_KEY },
    });
    expect(operator.status).toBe(200);
    await shoot(page, '05-recommendations');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('works on a narrow screen', async () => {
    const { page, errors } = await openPage(browser, 390, 844);
    await page.goto(`${server.url}/`);
    await page.locator('tr[data-service="ai-sentiment"]').waitFor();
    // Runs in the page; a string keeps the DOM types out of this Node test's compilation.
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow, 'no sideways scrolling of the page').toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SCREENSHOTS, '06-status-mobile.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('says so when ai-vision is down, and the rest keeps working', async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(`${degradedServer.url}/`);
    await page.locator('tr[data-service="ai-vision"][data-state="down"]').waitFor({ timeout: 15_000 });
    await page.locator('tr[data-service="ai-sentiment"][data-state="ready"]').waitFor();
    await shoot(page, '07-degraded-status');
    await page.getByRole('link', { name: 'Vision' }).click();
    const banner = page.getByTestId('service-banner');
    await banner.waitFor();
    expect(await banner.textContent()).toContain('ai-vision is down');
    await shoot(page, '08-degraded-vision');
    expect(errors).toEqual([]);
    await page.close();

    const response = await fetch(`${degradedServer.url}/api/vision/analyze`, {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: Buffer.from('not really a png'),
    });
    expect(response.status).toBe(502);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await response.json()).toMatchObject({ upstream: 'ai-vision', failure: 'unreachable' });
  });

  /** The user's accepted events, as the service counts them in Redis. */
  async function eventsOf(user: string): Promise<number> {
    return Number((await redis.client.zscore('personalization:users', user)) ?? 0);
  }
});
