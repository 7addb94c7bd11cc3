// End to end: the built console in headless Chromium, through the gateway, against the
// real AI services, the AZR ledger (azora-mint) and the website builder (both on the
// embedded MongoDB-wire server), the LGPD service (lgpd-compliance) and the HIPAA, SOX,
// PIPEDA and POPIA services (each on a database of its own on the local Postgres,
// TEST_DATABASE_URL), the compliance dashboard, automated-reporting (Chromium prints its PDFs)
// and quantum-iot-integration (on the MQTT broker, TEST_MQTT_URL, with the service's own
// device simulator) started from their sources. Screenshots land in test-output/screenshots/.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { urlVariable } from '@azora/catalog';
import { signToken } from '@azora/service-kit';
import {
  adminDatabaseUrl,
  createTestDatabase,
  createTestMqtt,
  createTestRedis,
  type EmbeddedMongo,
  freePort,
  type NodeProcess,
  type StartedApp,
  startApp,
  startEmbeddedMongo,
  startNodeProcess,
  type TestDatabase,
  type TestMqtt,
  type TestRedis,
} from '@azora/testing';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
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
/** The ledger's people: two users and a minter, with API keys; bob signs in with a token too. */
const ALICE_KEY = `alice-${'a1b2c3d4e5f60718'.repeat(2)}`;
const BOB_KEY = `bob-${'b0b0b0b0b0b0b0b0'.repeat(2)}`;
const MINTER_KEY = `minter-${'9f8e7d6c5b4a3921'.repeat(2)}`;
const MINT_API_KEYS = `e2e-alice:user:${ALICE_KEY},e2e-bob:user:${BOB_KEY},e2e-minter:minter:${MINTER_KEY}`;
const MINT_JWT_SECRET = `e2e-jwt-secret-${'0123456789abcdef'.repeat(2)}`;
const mintPresent = existsSync(join(REPO_ROOT, 'services/azora-mint/src/main.ts'));
/** The website builder's editors: rosa builds her restaurant's site, tom tries to take its subdomain. */
const ROSA_KEY = `rosa-${'e1d2c3b4a5968778'.repeat(2)}`;
const TOM_KEY = `tom-${'7f6e5d4c3b2a1908'.repeat(2)}`;
const BUILDER_API_KEYS = `e2e-rosa:editor:${ROSA_KEY},e2e-tom:editor:${TOM_KEY}`;
const builderPresent = existsSync(join(REPO_ROOT, 'organs/ai-website-builder/src/main.ts'));
/** The LGPD service's people: a DPO, an operator and an auditor, with API keys. */
const DPO_KEY = `dpo-${'d9c8b7a6f5e4d3c2'.repeat(2)}`;
const PRIVACY_OPERATOR_KEY = `operator-${'0a1b2c3d4e5f6a7b'.repeat(2)}`;
const AUDITOR_KEY = `auditor-${'a0d1t0r2a0d1t0r2'.repeat(2)}`;
const LGPD_API_KEYS = `e2e-dpo:dpo:${DPO_KEY},e2e-operator:operator:${PRIVACY_OPERATOR_KEY},e2e-auditor:auditor:${AUDITOR_KEY}`;
const lgpdPresent = existsSync(join(REPO_ROOT, 'services/lgpd-compliance/src/main.ts'));
/** The four newer jurisdiction services, with the people each knows besides the LGPD ones. */
const CLINICIAN_KEY = `clinician-${'c1c2c3c4c5c6c7c8'.repeat(2)}`;
const SOX_APPROVER_KEY = `approver-${'a9b8c7d6e5f4a3b2'.repeat(2)}`;
const MARKETER_KEY = `marketer-${'m0a1r2k3e4t5e6r7'.repeat(2)}`;
const NEW_REGIMES = {
  hipaa: {
    service: 'hipaa-compliance',
    apiKeys: `${LGPD_API_KEYS},e2e-clinician:clinician:${CLINICIAN_KEY}`,
  },
  // The DPO also requests and approves changes: segregation of duties still keeps her off her own.
  sox: {
    service: 'sox-compliance',
    apiKeys: `e2e-dpo:dpo|change_requester|change_approver:${DPO_KEY},e2e-approver:change_approver:${SOX_APPROVER_KEY}`,
  },
  pipeda: { service: 'pipeda-compliance', apiKeys: LGPD_API_KEYS },
  popia: { service: 'south-african-compliance', apiKeys: `${LGPD_API_KEYS},e2e-marketer:marketing:${MARKETER_KEY}` },
} as const;
type NewRegime = keyof typeof NEW_REGIMES;
type JurisdictionService = 'lgpd-compliance' | (typeof NEW_REGIMES)[NewRegime]['service'];
const newPresent = (regime: NewRegime) =>
  existsSync(join(REPO_ROOT, 'services', NEW_REGIMES[regime].service, 'src/main.ts'));
/**
 * The LGPD service's clock, and the DPO's browser's: Monday 2026-12-07, 10:00 in São Paulo,
 * the next working day after the Friday the test's request arrives, whatever day the test
 * runs (the service refuses a request received in the future; a request due 2026-12-19
 * must not turn overdue as the calendar moves on). See test-support/shifted-clock.ts.
 */
const PRIVACY_NOW = '2026-12-07T13:00:00.000Z';
/** The compliance dashboard's people: the LGPD service's DPO and auditor (the auditor signs in with a token). */
const DASHBOARD_API_KEYS = `e2e-dpo:dpo:${DPO_KEY},e2e-auditor:auditor:${AUDITOR_KEY}`;
const dashboardPresent = existsSync(join(REPO_ROOT, 'services/compliance-dashboard/src/main.ts'));
/** automated-reporting and quantum-iot-integration: the Reports and IoT devices pages. */
const reportingPresent = existsSync(join(REPO_ROOT, 'services/automated-reporting/src/main.ts'));
const iotPresent = existsSync(join(REPO_ROOT, 'services/quantum-iot-integration/src/main.ts'));
/** tracing-recovery and snapshot-scheduler: the Traces and Operations pages. */
const tracingPresent = existsSync(join(REPO_ROOT, 'services/tracing-recovery/src/main.ts'));
const snapshotsPresent = existsSync(join(REPO_ROOT, 'services/snapshot-scheduler/src/main.ts'));
/** Both services' people: an operator, an admin and a viewer (a viewer also signs in with a token). */
const OPS_OPERATOR_KEY = `ops-operator-${'5e6f7a8b9c0d1e2f'.repeat(2)}`;
const OPS_ADMIN_KEY = `ops-admin-${'ad0123456789abcd'.repeat(2)}`;
const OPS_VIEWER_KEY = `ops-viewer-${'7e1e2e3e4e5e6e7e'.repeat(2)}`;
const OPS_API_KEYS = `e2e-operator:operator:${OPS_OPERATOR_KEY},e2e-admin:admin:${OPS_ADMIN_KEY},e2e-viewer:viewer:${OPS_VIEWER_KEY}`;
/** Both services' people: the LGPD service's DPO, operator and auditor. */
const REPORTING_API_KEYS = LGPD_API_KEYS;
const IOT_API_KEYS = LGPD_API_KEYS;
const SHIFTED_CLOCK = pathToFileURL(join(PACKAGE_DIR, 'src/test-support/shifted-clock.ts')).href;
/**
 * The telecom services' people, known to zero-rating and 5g-manager alike (the console sends
 * one credential to both): a network operator with an API key, and a viewer who signs in with
 * a token; zero-rating also knows a gateway (role service) that counts subscribers' usage.
 */
const NETOPS_KEY = `netops-${'4e3f2a1b0c9d8e7f'.repeat(2)}`;
const GATEWAY_KEY = `gateway-${'5a4b3c2d1e0f9a8b'.repeat(2)}`;
const TELECOM_JWT_SECRET = `e2e-telecom-secret-${'fedcba9876543210'.repeat(2)}`;
const telecomPresent = ['zero-rating', '5g-manager'].every((name) =>
  existsSync(join(REPO_ROOT, 'services', name, 'src/main.ts')),
);

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

/** One service from its sources on a free port, once it is ready. */
function startService(
  name:
    | AiService
    | 'azora-mint'
    | 'ai-website-builder'
    | JurisdictionService
    | 'compliance-dashboard'
    | 'automated-reporting'
    | 'quantum-iot-integration'
    | 'zero-rating'
    | '5g-manager'
    | 'tracing-recovery'
    | 'snapshot-scheduler',
  env: Record<string, string> = {},
  args: string[] = [],
): Promise<NodeProcess> {
  return startNodeProcess({
    entry: 'src/main.ts',
    args,
    cwd: join(REPO_ROOT, name === 'ai-website-builder' ? 'organs' : 'services', name),
    env: { NODE_ENV: 'test', LOG_LEVEL: 'warn', HOST: '127.0.0.1', ...env },
    readyPath: '/health/ready',
    readyTimeoutMs: 90_000,
  });
}

/**
 * Opens a page that records console errors and uncaught exceptions. `expected` are the
 * browser's own notes on answers the test provokes and the page handles (Chromium logs
 * every 4xx as "Failed to load resource: … status of 422"), by status or network error.
 */
async function openPage(
  browser: Browser,
  width = 1280,
  height = 900,
  expected: readonly (number | string)[] = [],
  timezoneId?: string,
) {
  const page = await browser.newPage({ viewport: { width, height }, ...(timezoneId ? { timezoneId } : {}) });
  const errors: string[] = [];
  const allowed = (text: string) =>
    // Docker creating or removing a bridge while the container checks run beside this test
    // makes Chromium drop requests in flight: the host's network changed, not a page fault.
    text.includes('net::ERR_NETWORK_CHANGED') ||
    expected.some((what) =>
      typeof what === 'number'
        ? text.includes(`Failed to load resource: the server responded with a status of ${what}`)
        : text.includes(`Failed to load resource: ${what}`),
    );
  page.on('console', (message) => {
    if (message.type() === 'error' && !allowed(message.text())) errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  return { page, errors };
}

/**
 * Waits up to `timeout` for `locator` to be visible. When it is not, the error says what the
 * page's main part showed instead and, from `services`, what they answered: CI keeps only the
 * start of each failure, and a bare timeout does not say which side was wrong.
 */
async function shown(locator: Locator, timeout: number, services: Record<string, () => Promise<string>> = {}) {
  try {
    await locator.waitFor({ timeout });
  } catch (error) {
    const clip = (text: string) => JSON.stringify(text.replace(/\s+/g, ' ').slice(0, 900));
    const page = await locator
      .page()
      .locator('main')
      .innerText({ timeout: 2000 })
      .catch((e: Error) => `(unreadable: ${e.message.split('\n')[0]})`);
    const answers = await Promise.all(
      Object.entries(services).map(
        async ([name, ask]) => `${name}: ${clip(await ask().catch((e: Error) => e.message))}`,
      ),
    );
    throw new Error([(error as Error).message.split('\n')[0], `the page showed ${clip(page)}`, ...answers].join('\n'), {
      cause: error,
    });
  }
}

async function shoot(page: Page, name: string) {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/**
 * What `read` (an expression on the focused element) gives once it is `expected` or 5 s have
 * passed: pages move focus in the next animation frame (focusFirstInvalid), or once the row
 * they return it to has rendered, after the text the test waited for.
 */
async function focusedElement(page: Page, read: string, expected: string) {
  const expression = `document.activeElement?.${read}`;
  await page
    .waitForFunction(`${expression} === ${JSON.stringify(expected)}`, undefined, { timeout: 5000 })
    .catch(() => undefined);
  return page.evaluate<string | null | undefined>(expression);
}

/** The id of the focused element, once it is `expected` or 5 s have passed (see focusedElement). */
const focusedId = (page: Page, expected: string) => focusedElement(page, 'id', expected);

/**
 * Records, from now on, each element matching `selector` the page shows, even for a moment
 * (by its aria-label, test id or text); `everShown` reads them. Install before signing in to
 * check that a control is never offered, not even before the service says who is signed in.
 */
async function watchFor(page: Page, selector: string) {
  await page.evaluate(`(() => {
    const shown = (window.__shown = new Set());
    const look = () => {
      for (const element of document.querySelectorAll(${JSON.stringify(selector)})) {
        shown.add(element.getAttribute('aria-label') || element.getAttribute('data-testid') || element.textContent);
      }
    };
    look();
    new MutationObserver(look).observe(document.body, { childList: true, subtree: true, attributes: true });
  })()`);
}
const everShown = (page: Page) => page.evaluate<string[]>('[...window.__shown]');

/** Signs in on the Wallet page the way a person does: paste the credential, press Sign in. */
async function signIn(page: Page, credential: string) {
  const field = page.getByLabel('Sign in with an API key or token');
  expect(await field.getAttribute('type'), 'the credential is typed into a password field').toBe('password');
  await field.fill(credential);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

describe('console end to end', () => {
  const services = new Map<AiService, NodeProcess>();
  let redis: TestRedis;
  let mongo: EmbeddedMongo | undefined;
  let mint: NodeProcess | undefined;
  let builder: NodeProcess | undefined;
  let lgpdDatabase: TestDatabase | undefined;
  let lgpd: NodeProcess | undefined;
  const regimeDatabases: TestDatabase[] = [];
  const regimeServices = new Map<NewRegime, NodeProcess>();
  let deploymentsDir: string | undefined;
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

    if (mintPresent || builderPresent) mongo = await startEmbeddedMongo();
    if (mongo && mintPresent) {
      mint = await startService('azora-mint', {
        MONGODB_URI: mongo.uriFor('mint_e2e'),
        API_KEYS: MINT_API_KEYS,
        JWT_SECRET: MINT_JWT_SECRET,
      });
    }
    if (mongo && builderPresent) {
      deploymentsDir = await mkdtemp(join(tmpdir(), 'main-app-e2e-sites-'));
      builder = await startService('ai-website-builder', {
        MONGODB_URI: mongo.uriFor('website_builder_e2e'),
        API_KEYS: BUILDER_API_KEYS,
        JWT_SECRET: MINT_JWT_SECRET,
        DEPLOYMENTS_DIR: deploymentsDir,
        PUPPETEER_EXECUTABLE_PATH: '/usr/bin/chromium',
      });
    }
    if (lgpdPresent) {
      // Its own empty database (no demo seed): the page's numbers are this test's requests.
      lgpdDatabase = await createTestDatabase('main_app_e2e_lgpd');
      lgpd = await startService(
        'lgpd-compliance',
        {
          DATABASE_URL: lgpdDatabase.url,
          API_KEYS: LGPD_API_KEYS,
          JWT_SECRET: MINT_JWT_SECRET,
          IDENTIFIER_HASH_KEY: Buffer.alloc(32, 0x5a).toString('base64'),
          ENCRYPTION_KEYS: `e2e:${Buffer.alloc(32, 0x3c).toString('base64')}`,
          AZORA_TEST_NOW: PRIVACY_NOW,
        },
        [`--import=${SHIFTED_CLOCK}`],
      );
    }

    // Each on its own empty database, on the same shifted clock as the LGPD service.
    await Promise.all(
      (Object.keys(NEW_REGIMES) as NewRegime[]).filter(newPresent).map(async (regime) => {
        const database = await createTestDatabase(`main_app_e2e_${regime}`);
        regimeDatabases.push(database);
        regimeServices.set(
          regime,
          await startService(
            NEW_REGIMES[regime].service,
            {
              DATABASE_URL: database.url,
              API_KEYS: NEW_REGIMES[regime].apiKeys,
              JWT_SECRET: MINT_JWT_SECRET,
              IDENTIFIER_HASH_KEY: Buffer.alloc(32, 0x5a).toString('base64'),
              ENCRYPTION_KEYS: `e2e:${Buffer.alloc(32, 0x3c).toString('base64')}`,
              AZORA_TEST_NOW: PRIVACY_NOW,
            },
            [`--import=${SHIFTED_CLOCK}`],
          ),
        );
      }),
    );

    const urls = Object.fromEntries([
      ...[...services].map(([name, running]) => [urlVariable(name), running.url]),
      ...(mint ? [[urlVariable('azora-mint'), mint.url]] : []),
      ...(builder ? [[urlVariable('ai-website-builder'), builder.url]] : []),
      ...(lgpd ? [[urlVariable('lgpd-compliance'), lgpd.url]] : []),
      ...[...regimeServices].map(([regime, running]) => [urlVariable(NEW_REGIMES[regime].service), running.url]),
    ]);
    // The gateway forwards only to deployed services; AZORA_MINT_URL (in `urls`) says where.
    const deployed = new Set([
      'main-app',
      ...AI_SERVICES,
      'azora-mint',
      'ai-website-builder',
      'lgpd-compliance',
      ...Object.values(NEW_REGIMES).map((r) => r.service),
    ]);
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
    await Promise.all(
      [
        ...services.values(),
        ...(mint ? [mint] : []),
        ...(builder ? [builder] : []),
        ...(lgpd ? [lgpd] : []),
        ...regimeServices.values(),
      ].map((running) => running.stop()),
    );
    await lgpdDatabase?.drop();
    for (const database of regimeDatabases) await database.drop();
    await mongo?.stop();
    if (deploymentsDir) await rm(deploymentsDir, { recursive: true, force: true });
    await redis?.cleanup();
    if (buildDir) await rm(buildDir, { recursive: true, force: true });
  });

  it('has every AI service in the repo to test against', () => {
    expect(missing, `missing service folders: ${missing.join(', ')}`).toEqual([]);
  });

  it('has azora-mint in the repo to test the Wallet page against', () => {
    expect(mintPresent, 'services/azora-mint/src/main.ts').toBe(true);
  });

  it('has the website builder in the repo to test its page against', () => {
    expect(builderPresent, 'organs/ai-website-builder/src/main.ts').toBe(true);
  });

  it('has lgpd-compliance in the repo to test the Privacy page against', () => {
    expect(lgpdPresent, 'services/lgpd-compliance/src/main.ts').toBe(true);
  });

  it('has the HIPAA, SOX, PIPEDA and POPIA services in the repo to test their panels against', () => {
    const absent = (Object.keys(NEW_REGIMES) as NewRegime[]).filter((regime) => !newPresent(regime));
    expect(absent, 'services missing their src/main.ts').toEqual([]);
  });

  it('has automated-reporting and quantum-iot-integration in the repo to test the Reports and IoT devices pages against', () => {
    expect(reportingPresent, 'services/automated-reporting/src/main.ts').toBe(true);
    expect(iotPresent, 'services/quantum-iot-integration/src/main.ts').toBe(true);
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

  describe.skipIf(!mintPresent)('the Wallet page', () => {
    // People, each in their own tab (sessionStorage is per tab): alice and bob hold wallets,
    // the minter issues AZR. The pages stay open from one step to the next.
    let alice: Awaited<ReturnType<typeof openPage>>;
    let bob: Awaited<ReturnType<typeof openPage>>;
    let aliceWallet = '';
    let bobWallet = '';
    const AZR = 10n ** 18n;

    const mintApi = (path: string, key: string, init: RequestInit = {}) =>
      fetch(`${server.url}/api/azora-mint/${path}`, {
        ...init,
        headers: { 'x-api-key': key, 'content-type': 'application/json', ...init.headers },
      });
    const balanceOf = async (id: string) =>
      BigInt(((await (await mintApi(`accounts/${id}`, ALICE_KEY)).json()) as { balance: string }).balance);
    const balanceShows = (page: Page, text: string) =>
      page.getByTestId('balance').filter({ hasText: text }).waitFor({ timeout: 15_000 });
    const transfer = async (page: Page, to: string, amount: string, memo = '') => {
      const form = page.getByTestId('transfer-form');
      await form.getByLabel('To wallet').fill(to);
      await form.getByLabel('Amount (AZR)').fill(amount);
      await form.getByLabel('Memo (optional)').fill(memo);
      await form.getByRole('button', { name: 'Send' }).click();
    };
    const historyRows = (page: Page) => page.getByTestId('history').locator('tbody tr');
    /** The signed-in line, once it says `text` (the ledger's answer to `GET /me`). */
    const signedInAs = (page: Page, text: string) =>
      page.getByTestId('signed-in').filter({ hasText: text }).waitFor({ timeout: 15_000 });

    it('alice creates her wallet in the page; bob, signing in with a token, does too', async () => {
      alice = await openPage(browser, 1280, 900, [404, 422, 'net::ERR_CONNECTION_RESET']);
      const { page } = alice;
      await page.goto(`${server.url}/wallet`);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('AZR wallet');
      // The supply is public: shown before anyone signs in.
      await page.getByTestId('supply-circulating').filter({ hasText: '0 AZR' }).waitFor();
      await signIn(page, ALICE_KEY);
      expect(await focusedElement(page, 'textContent', 'Sign out')).toBe('Sign out');
      // The ledger says whose key this is, and its roles: a user holds no Mint form.
      await signedInAs(page, 'Signed in as e2e-alice (roles: user)');
      await page.getByText('You have no wallet yet').waitFor();
      expect(await page.getByTestId('mint-form').count()).toBe(0);
      await page.getByRole('button', { name: 'Create wallet' }).click();
      await page.getByTestId('create-result').filter({ hasText: 'Created wallet' }).waitFor();
      aliceWallet = (await page.getByTestId('wallet-id').textContent()) ?? '';
      expect(aliceWallet).toMatch(/^[0-9a-f]{24}$/);
      await balanceShows(page, '0 AZR');
      // The key lives in this tab's sessionStorage only.
      expect(await page.evaluate<string | null>('sessionStorage.getItem("azora.credential")')).toBe(ALICE_KEY);
      expect(await page.evaluate<number>('localStorage.length')).toBe(0);
      expect(await page.evaluate<string>('document.cookie')).toBe('');
      // A reload keeps her signed in (same tab), and asks the ledger again who she is.
      const asked = page.waitForResponse((response) => response.url().endsWith('/api/azora-mint/me'));
      await page.reload();
      expect((await asked).status()).toBe(200);
      await signedInAs(page, 'Signed in as e2e-alice (roles: user)');
      await balanceShows(page, '0 AZR');

      bob = await openPage(browser, 1280, 900, [401]);
      await bob.page.goto(`${server.url}/wallet`);
      // A key the ledger does not know: said so, in words.
      await signIn(bob.page, `nobody-${'x'.repeat(30)}`);
      const refused = bob.page.getByTestId('wallets').getByRole('alert');
      await refused.waitFor();
      expect(await refused.textContent()).toContain('Not signed in: API key is not recognised');
      expect(await bob.page.getByTestId('signed-in').textContent()).toContain('Signed in with an API key');
      await bob.page.getByRole('button', { name: 'Sign out' }).click();
      expect(await focusedId(bob.page, 'signin-credential')).toBe('signin-credential');
      const token = await signToken(MINT_JWT_SECRET, { subject: 'e2e-bob', roles: ['user'], expiresIn: '1h' });
      await signIn(bob.page, token);
      const who = await bob.page.getByTestId('signed-in').textContent();
      expect(who).toContain('Signed in as e2e-bob');
      expect(who).toContain('roles: user');
      await bob.page.getByRole('button', { name: 'Create wallet' }).click();
      await bob.page.getByTestId('create-result').filter({ hasText: 'Created wallet' }).waitFor();
      bobWallet = (await bob.page.getByTestId('wallet-id').textContent()) ?? '';
      expect(bobWallet).toMatch(/^[0-9a-f]{24}$/);
      expect(bobWallet).not.toBe(aliceWallet);
      // A user's token has no minter role: no Mint form.
      expect(await bob.page.getByText('Mint AZR').count()).toBe(0);
    });

    it("the minter mints to alice's wallet, the amount checked in the form first", async () => {
      const { page, errors } = await openPage(browser);
      await page.goto(`${server.url}/wallet`);
      await signIn(page, MINTER_KEY);
      // The ledger says the key is a minter's: the Mint form is there, nothing to unfold.
      await signedInAs(page, 'Signed in as e2e-minter (roles: minter)');
      const form = page.getByTestId('mint-form');
      await form.waitFor();
      expect(await page.getByRole('heading', { name: 'Mint AZR' }).count()).toBe(1);
      await form.getByLabel('To wallet').fill(aliceWallet);
      await form.getByLabel('Amount to mint (AZR)').fill('1.0000000000000000001');
      await form.getByRole('button', { name: 'Mint' }).click();
      await form.getByText('AZR has at most 18 decimal places; this amount has 19.').waitFor();
      expect(await focusedId(page, 'mint-amount'), 'focus on the field to fix').toBe('mint-amount');
      await form.getByLabel('Amount to mint (AZR)').fill('12,x');
      await form.getByRole('button', { name: 'Mint' }).click();
      await form.getByText('Use a point for decimals').waitFor();
      expect(await balanceOf(aliceWallet), 'nothing was sent').toBe(0n);

      await form.getByLabel('Amount to mint (AZR)').fill('100.5');
      await form.getByRole('button', { name: 'Mint' }).click();
      await page.getByTestId('mint-result').filter({ hasText: 'Minted 100.5 AZR' }).waitFor();
      await page.getByTestId('supply-circulating').filter({ hasText: '100.5 AZR' }).waitFor();
      expect(await balanceOf(aliceWallet)).toBe(1005n * (AZR / 10n));
      await shoot(page, '10-wallet-minter');
      expect(errors).toEqual([]);
      await page.close();
    });

    it('alice sees the mint, sends AZR to bob, and is told when she has too little', async () => {
      const { page } = alice;
      await page.getByRole('button', { name: 'Refresh' }).click();
      await balanceShows(page, '100.5 AZR');
      await historyRows(page).first().filter({ hasText: '+100.5' }).waitFor();
      expect(await historyRows(page).first().getAttribute('data-type')).toBe('mint');

      await transfer(page, bobWallet, '25.25', 'lunch');
      await page.getByTestId('transfer-result').filter({ hasText: 'Sent 25.25 AZR' }).waitFor();
      await balanceShows(page, '75.25 AZR');
      const newest = historyRows(page).first();
      await newest.filter({ hasText: 'lunch' }).waitFor();
      expect(await newest.getAttribute('data-type')).toBe('transfer');
      expect(await newest.textContent()).toContain('\u221225.25');

      // More than she has: the ledger refuses, the page says why.
      await transfer(page, bobWallet, '1000');
      const error = page.getByTestId('transfer-error');
      await error.waitFor();
      expect(await error.getAttribute('data-code')).toBe('insufficient-funds');
      expect(await error.textContent()).toContain('Insufficient funds:');
      await balanceShows(page, '75.25 AZR');
      expect(await balanceOf(aliceWallet)).toBe(7525n * (AZR / 100n));
      await shoot(page, '09-wallet-alice');

      // A wallet that does not exist.
      await transfer(page, '0123456789abcdef01234567', '1');
      await page.getByTestId('transfer-error').filter({ hasText: 'Unknown wallet:' }).waitFor();
      // No Mint form for her, and the ledger would refuse her key one anyway.
      expect(await page.getByTestId('mint-form').count()).toBe(0);
      const denied = await mintApi('mint', ALICE_KEY, {
        method: 'POST',
        headers: { 'idempotency-key': `e2e-alice-mint-${aliceWallet}` },
        body: JSON.stringify({ to: aliceWallet, amount: String(5n * AZR) }),
      });
      expect(denied.status).toBe(403);
      expect(await balanceOf(aliceWallet)).toBe(7525n * (AZR / 100n));

      await bob.page.getByRole('button', { name: 'Refresh' }).click();
      await balanceShows(bob.page, '25.25 AZR');
      const received = historyRows(bob.page).first();
      await received.filter({ hasText: '+25.25' }).waitFor();
      expect(await received.textContent()).toContain('From');
      await shoot(bob.page, '11-wallet-bob');
      // And bob cannot read alice's wallet, through the gateway as anywhere.
      expect((await mintApi(`accounts/${aliceWallet}`, BOB_KEY)).status).toBe(403);
    });

    it('a transfer retried after its answer was lost is carried out once; the next one is new', async () => {
      const { page } = alice;
      const keys: string[] = [];
      let cut = true;
      await page.route('**/api/azora-mint/transfers', async (route) => {
        keys.push(route.request().headers()['idempotency-key'] ?? '');
        if (cut) {
          // The ledger carries it out; the browser never hears back.
          cut = false;
          await route.fetch();
          await route.abort('connectionreset');
        } else await route.continue();
      });
      const before = await balanceOf(aliceWallet);
      await transfer(page, bobWallet, '0.5', 'retry');
      await page.getByTestId('transfer-error').filter({ hasText: 'cannot reach its server' }).waitFor();
      expect(await page.getByTestId('transfer-error').textContent()).toContain('submitting the same again is safe');
      expect(await balanceOf(aliceWallet), 'it did go through').toBe(before - AZR / 2n);
      // The person presses Send again: the same action, the same key, no second debit.
      await page.getByTestId('transfer-form').getByRole('button', { name: 'Send' }).click();
      await page.getByTestId('transfer-result').filter({ hasText: 'Sent 0.5 AZR' }).waitFor();
      expect(keys).toHaveLength(2);
      expect(keys[1]).toBe(keys[0]);
      expect(keys[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(await balanceOf(aliceWallet)).toBe(before - AZR / 2n);
      // Another transfer of the same amount is another action: a new key, a second debit.
      await transfer(page, bobWallet, '0.5', 'retry');
      await balanceShows(page, formatWhole(before - AZR));
      expect(keys).toHaveLength(3);
      expect(keys[2]).not.toBe(keys[1]);
      await page.unroute('**/api/azora-mint/transfers');
    });

    it('pages through the history, newest first, with Load more', async () => {
      const { page } = alice;
      for (let i = 1; i <= 9; i++) {
        const response = await mintApi('transfers', ALICE_KEY, {
          method: 'POST',
          headers: { 'idempotency-key': `e2e-batch-${aliceWallet}-${i}` },
          body: JSON.stringify({ from: aliceWallet, to: bobWallet, amount: String(AZR / 100n), memo: `batch ${i}` }),
        });
        expect(response.status).toBe(201);
      }
      const all = (await (await mintApi(`accounts/${aliceWallet}/entries?limit=200`, ALICE_KEY)).json()) as {
        entries: unknown[];
      };
      expect(all.entries.length).toBeGreaterThan(10);
      expect(all.entries.length).toBeLessThanOrEqual(20);
      await page.getByRole('button', { name: 'Refresh' }).click();
      await historyRows(page).first().filter({ hasText: 'batch 9' }).waitFor();
      expect(await historyRows(page).count()).toBe(10);
      await page.getByRole('button', { name: 'Load more' }).click();
      await page.getByText('That is the whole history.').waitFor();
      expect(await historyRows(page).count()).toBe(all.entries.length);
      expect(await historyRows(page).last().getAttribute('data-type'), 'the oldest: the mint').toBe('mint');
      expect(await focusedElement(page, 'textContent', 'That is the whole history.')).toBe(
        'That is the whole history.',
      );
      await shoot(page, '09-wallet-alice-history');

      for (const person of [alice, bob]) {
        expect(person.errors).toEqual([]);
        await person.page.close();
      }
    });

    it('fits a narrow screen', async () => {
      const { page, errors } = await openPage(browser, 390, 844);
      await page.goto(`${server.url}/wallet`);
      await signIn(page, ALICE_KEY);
      await page.getByTestId('history').locator('tbody tr').first().waitFor();
      const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
      expect(overflow, 'no sideways scrolling of the page').toBeLessThanOrEqual(0);
      const clipped = await page.evaluate<number>(
        "(t => t.scrollWidth - t.clientWidth)(document.querySelector('[data-testid=history] .table-wrap'))",
      );
      expect(clipped, 'the history, its Change column included, fits without scrolling').toBeLessThanOrEqual(0);
      await page.screenshot({ path: join(SCREENSHOTS, '12-wallet-mobile.png'), fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    });

    /** Base units as the page shows them ("74.25 AZR"), for amounts the test computes. */
    function formatWhole(units: bigint): string {
      const fraction = (units % AZR).toString().padStart(18, '0').replace(/0+$/, '');
      return `${units / AZR}${fraction ? `.${fraction}` : ''} AZR`;
    }
  });

  describe.skipIf(!builderPresent)('the Website builder page', () => {
    // rosa's tab stays open from one step to the next, as a person works on her site.
    let rosa: Awaited<ReturnType<typeof openPage>>;
    let siteId = '';
    const SUBDOMAIN = 'rosas-trattoria';
    const builderApi = (path: string, key: string, init: RequestInit = {}) =>
      fetch(`${server.url}/api/ai-website-builder/${path}`, {
        ...init,
        headers: { 'x-api-key': key, 'content-type': 'application/json', ...init.headers },
      });
    const site = async () =>
      (await (await builderApi(`sites/${siteId}`, ROSA_KEY)).json()) as {
        version: number;
        content: {
          pages: { sections: { type: string; blocks: { id: string; type: string; props: { text?: string } }[] }[] }[];
        };
      };
    /** The hero's level-1 heading, as the service stores it. */
    const heroHeading = async () => {
      const hero = (await site()).content.pages[0]?.sections.find((s) => s.type === 'hero');
      return hero?.blocks.find((b) => b.type === 'heading') as { id: string; props: { text: string } };
    };
    const versionShows = (page: Page, version: number) =>
      page
        .getByTestId('site-version')
        .filter({ hasText: new RegExp(`^${version}$`) })
        .waitFor({ timeout: 30_000 });
    const previewHeading = (page: Page) => page.frameLocator('[data-testid="site-preview"]').locator('h1').first();

    it('rosa writes a brief and sees the generated site in the preview, styled and with no script running', async () => {
      rosa = await openPage(browser, 1280, 900, [400, 404, 409]);
      const { page } = rosa;
      await page.goto(`${server.url}/website-builder`);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Website builder');
      await signIn(page, ROSA_KEY);
      const form = page.getByTestId('brief-form');
      // An empty brief: every required field says what it needs, and focus goes to the first.
      await form.getByRole('button', { name: 'Create site' }).click();
      await form.getByText('Give the site a name').waitFor();
      expect(await focusedId(page, 'brief-name')).toBe('brief-name');
      await form.getByLabel('Site name').fill('Rosa’s Trattoria');
      await form
        .getByLabel('What the business does')
        .fill('Family trattoria in Durban: fresh pasta and wood-fired bread.');
      await form.getByLabel('Kind of business').fill('restaurant');
      await form.getByLabel('Audience (optional)').fill('families and office lunches');
      await form.getByLabel('menu').check();
      await form.getByLabel('contact form').check();
      await form.getByLabel('Primary').fill('#a0522d');
      await form.getByLabel('Pages (optional)').fill('Home, Menu, Contact');
      await form.getByRole('button', { name: 'Create site' }).click();
      await page
        .getByTestId('create-result')
        .filter({ hasText: 'Created Rosa’s Trattoria' })
        .waitFor({ timeout: 30_000 });
      siteId = (await page.getByTestId('site').getAttribute('data-site')) ?? '';
      expect(siteId).not.toBe('');
      await versionShows(page, 1);

      const heading = previewHeading(page);
      await heading.waitFor({ timeout: 30_000 });
      const stored = await heroHeading();
      expect((await heading.textContent())?.trim()).toBe(stored.props.text);
      // The page's own styles apply in the frame (the theme's primary colour is the brief's)…
      const frame = page.frame({ url: 'about:srcdoc' });
      expect(frame, 'the preview frame').not.toBeNull();
      const styled = await frame?.evaluate<number>('document.adoptedStyleSheets.length');
      expect(styled, 'the preview’s stylesheet applied').toBeGreaterThan(0);
      // …and nothing in it can run: sandboxed without scripts.
      expect(await page.getByTestId('site-preview').getAttribute('sandbox')).toBe('allow-same-origin');
      // A link to another page of the site shows that page in the preview, and back.
      const pageChoice = page.getByLabel('Page', { exact: true });
      await page
        .frameLocator('[data-testid="site-preview"]')
        .getByRole('link', { name: 'Menu', exact: true })
        .first()
        .click();
      await expect.poll(() => pageChoice.inputValue(), { timeout: 15_000 }).toBe('menu');
      await page.frameLocator('[data-testid="site-preview"]').getByRole('heading', { name: 'Menu' }).first().waitFor();
      await pageChoice.selectOption({ label: 'Home' });
      await heading.waitFor({ timeout: 30_000 });
      await shoot(page, '13-website-builder-preview');
    }, 120_000);

    it('takes screenshots of the site at 1280 and 390 pixels wide', async () => {
      const { page } = rosa;
      await page.getByRole('button', { name: 'Take screenshots' }).click();
      const shots = page.getByTestId('screenshots').locator('img');
      await shots.nth(1).waitFor({ timeout: 90_000 });
      const widths = await page.evaluate<number[]>(
        "[...document.querySelectorAll('[data-testid=screenshots] img')].map((img) => img.complete ? img.naturalWidth : -1)",
      );
      // Device scale 1: the PNGs are exactly the requested widths.
      expect(widths).toEqual([1280, 390]);
      expect(await shots.nth(0).getAttribute('alt')).toContain('Desktop, 1280 px wide');
    }, 120_000);

    it('edits the headline as a new version, and says so when the site changed meanwhile', async () => {
      const { page } = rosa;
      const form = page.getByTestId('headline-form');
      await form.getByLabel('Headline').fill('Fresh pasta, every single day');
      await form.getByRole('button', { name: 'Save headline' }).click();
      await page.getByTestId('headline-result').filter({ hasText: 'Saved as version 2.' }).waitFor({ timeout: 30_000 });
      await versionShows(page, 2);
      await previewHeading(page).filter({ hasText: 'Fresh pasta, every single day' }).waitFor({ timeout: 30_000 });
      expect((await heroHeading()).props.text).toBe('Fresh pasta, every single day');

      // Someone saves version 3 elsewhere; an edit based on version 2 is refused (409)…
      const heading = await heroHeading();
      const elsewhere = await builderApi(`sites/${siteId}/blocks/${heading.id}`, ROSA_KEY, {
        method: 'PATCH',
        body: JSON.stringify({ baseVersion: 2, props: { text: 'Changed in another tab' } }),
      });
      expect(elsewhere.status).toBe(200);
      const stale = await builderApi(`sites/${siteId}/blocks/${heading.id}`, ROSA_KEY, {
        method: 'PATCH',
        body: JSON.stringify({ baseVersion: 2, props: { text: 'Too late' } }),
      });
      expect(stale.status).toBe(409);
      // …and the page, still on version 2, says what happened and offers the newer version.
      await form.getByLabel('Headline').fill('Pasta made this morning');
      await form.getByRole('button', { name: 'Save headline' }).click();
      const conflict = page.getByTestId('headline-conflict');
      await conflict.waitFor({ timeout: 30_000 });
      expect(await conflict.textContent()).toContain('The site changed meanwhile:');
      await conflict.getByRole('button', { name: 'Reload the site' }).click();
      await versionShows(page, 3);
      expect(await form.getByLabel('Headline').inputValue()).toBe('Changed in another tab');
      await form.getByLabel('Headline').fill('Pasta made this morning');
      await form.getByRole('button', { name: 'Save headline' }).click();
      await versionShows(page, 4);
      await previewHeading(page).filter({ hasText: 'Pasta made this morning' }).waitFor({ timeout: 30_000 });
      // Every save is a version, newest first in the list.
      await page.getByTestId('versions').locator('tbody tr').nth(3).waitFor({ timeout: 15_000 });
      expect(await page.getByTestId('versions').locator('tbody tr').first().locator('td').first().textContent()).toBe(
        '4',
      );
    }, 120_000);

    it('runs the accessibility audit and shows its counts and violations, as the service stored them', async () => {
      const { page } = rosa;
      await page.getByRole('button', { name: 'Run the audit' }).click();
      const summary = page.getByTestId('audit-summary');
      await summary.waitFor({ timeout: 90_000 });
      expect(await summary.textContent()).toContain('Version 4');
      const stored = (await (await builderApi(`sites/${siteId}/audits?version=4`, ROSA_KEY)).json()) as {
        counts: Record<string, number>;
        violations: unknown[];
      };
      for (const impact of ['critical', 'serious', 'moderate', 'minor']) {
        expect(await page.getByTestId(`audit-count-${impact}`).textContent(), impact).toBe(
          String(stored.counts[impact] ?? 0),
        );
      }
      // The issue's target: no serious or critical violation in a generated site.
      expect((stored.counts.critical ?? 0) + (stored.counts.serious ?? 0)).toBe(0);
      const listed = await page.getByTestId('audit-violations').locator('li').count();
      expect(listed).toBe(stored.violations.length);
    }, 120_000);

    it('publishes to a subdomain with clear refusals, and opens the published page through the console’s origin', async () => {
      const { page } = rosa;
      const form = page.getByTestId('publish-form');
      const subdomain = form.getByLabel('Subdomain');
      // Caught in the page: not a DNS label.
      await subdomain.fill('Rosa_s');
      await form.getByRole('button', { name: /^Publish/ }).click();
      await form.getByText('Use lowercase letters only.').waitFor();
      // Refused by the service: a reserved name (400).
      await subdomain.fill('www');
      await form.getByRole('button', { name: /^Publish/ }).click();
      const refusal = page.getByTestId('publish-error');
      await refusal.waitFor({ timeout: 30_000 });
      expect(await refusal.getAttribute('data-status')).toBe('400');
      expect(await refusal.textContent()).toContain('Not a valid subdomain:');

      await subdomain.fill(SUBDOMAIN);
      await form.getByRole('button', { name: 'Publish version 4' }).click();
      const link = page.getByTestId('published-link');
      await link.waitFor({ timeout: 60_000 });
      expect(await link.getAttribute('href')).toBe(`/sites/${SUBDOMAIN}/`);
      // The whole page for the closing note: preview, screenshots, audit and the live link.
      await page.getByRole('button', { name: 'Take screenshots' }).click();
      await page.getByTestId('screenshots').locator('img').nth(1).waitFor({ timeout: 90_000 });
      await shoot(page, '14-website-builder');

      // The person opens it: a new tab on the console's own origin, through the gateway.
      const [published] = await Promise.all([page.context().waitForEvent('page'), link.click()]);
      await published.waitForLoadState();
      expect(published.url()).toBe(`${server.url}/sites/${SUBDOMAIN}/`);
      await published.locator('h1').filter({ hasText: 'Pasta made this morning' }).first().waitFor({ timeout: 30_000 });
      // Served by the website builder with its own strict policy, through the gateway.
      const answer = await fetch(`${server.url}/sites/${SUBDOMAIN}/`);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
      await published.screenshot({ path: join(SCREENSHOTS, '15-published-site.png'), fullPage: true });
      await published.close();
    }, 120_000);

    it('tells tom the subdomain is taken when he tries to publish his site there', async () => {
      const tom = await openPage(browser, 1280, 900, [404, 409]);
      await tom.page.goto(`${server.url}/website-builder`);
      await signIn(tom.page, TOM_KEY);
      // tom sees his own sites only: none yet.
      expect(await tom.page.getByTestId('sites').count()).toBe(0);
      const form = tom.page.getByTestId('brief-form');
      await form.getByLabel('Site name').fill('Tom’s Pizza');
      await form.getByLabel('What the business does').fill('Pizza by the slice.');
      await form.getByLabel('Kind of business').fill('restaurant');
      await form.getByRole('button', { name: 'Create site' }).click();
      await tom.page
        .getByTestId('create-result')
        .filter({ hasText: 'Created Tom’s Pizza' })
        .waitFor({ timeout: 30_000 });
      const publish = tom.page.getByTestId('publish-form');
      await publish.getByLabel('Subdomain').fill(SUBDOMAIN);
      await publish.getByRole('button', { name: /^Publish/ }).click();
      const taken = tom.page.getByTestId('publish-error');
      await taken.waitFor({ timeout: 30_000 });
      expect(await taken.getAttribute('data-status')).toBe('409');
      expect(await taken.textContent()).toContain('Subdomain taken:');
      // rosa's site still answers there, and tom cannot read it through the API.
      const live = await fetch(`${server.url}/sites/${SUBDOMAIN}/`);
      expect(await live.text()).toContain('Pasta made this morning');
      expect([403, 404]).toContain((await builderApi(`sites/${siteId}`, TOM_KEY)).status);
      expect(tom.errors).toEqual([]);
      await tom.page.close();
      expect(rosa.errors).toEqual([]);
      await rosa.page.close();
    }, 120_000);

    it('fits a narrow screen', async () => {
      const { page, errors } = await openPage(browser, 390, 844);
      await page.goto(`${server.url}/website-builder`);
      await signIn(page, ROSA_KEY);
      await page.getByTestId('sites').getByRole('button', { name: 'Rosa’s Trattoria' }).click();
      await previewHeading(page).waitFor({ timeout: 30_000 });
      const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
      expect(overflow, 'no sideways scrolling of the page').toBeLessThanOrEqual(0);
      await page.screenshot({ path: join(SCREENSHOTS, '16-website-builder-mobile.png'), fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    }, 60_000);
  });

  describe.skipIf(!lgpdPresent)('the Privacy page', () => {
    // The DPO's tab stays open from one step to the next, as a person works through a request.
    // Her browser is in Tokyo: due dates show in São Paulo (the regime's) and in Tokyo (hers).
    let dpo: Awaited<ReturnType<typeof openPage>>;
    const TEXT = 'Contato: ana@example.com, CPF 529.982.247-25';
    const lgpdApi = (path: string, key: string, init: RequestInit = {}) =>
      fetch(`${server.url}/api/lgpd-compliance/${path}`, {
        ...init,
        headers: { 'x-api-key': key, 'content-type': 'application/json', ...init.headers },
      });
    const pickLgpd = async (page: Page) => {
      await page.getByTestId('regime-picker').getByLabel('LGPD', { exact: true }).check();
      await page.getByTestId('regime-name').filter({ hasText: 'LGPD' }).waitFor({ timeout: 15_000 });
    };

    it('the DPO picks LGPD and files an access request received on a Friday, due 15 days later in São Paulo', async () => {
      // 404: the page opens on GDPR, which this deployment does not run.
      dpo = await openPage(browser, 1280, 900, [404], 'Asia/Tokyo');
      const { page } = dpo;
      await page.clock.setFixedTime(PRIVACY_NOW);
      await page.goto(`${server.url}/`);
      await page.getByRole('link', { name: 'Privacy' }).click();
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Privacy requests');
      await signIn(page, DPO_KEY);
      await page
        .getByTestId('service-banner')
        .filter({ hasText: 'gdpr-compliance is not part of this deployment' })
        .waitFor({ timeout: 15_000 });
      await pickLgpd(page);
      expect(await page.getByTestId('regime-name').textContent()).toBe('LGPD (Brazil)');
      expect(await page.getByTestId('regime-timezone').textContent()).toBe('America/Sao_Paulo');
      expect(page.url()).toContain('regime=lgpd');
      await page.getByTestId('signed-in').filter({ hasText: 'Signed in as e2e-dpo (roles: dpo)' }).waitFor();
      await page.getByTestId('summary-open').filter({ hasText: /^0$/ }).waitFor({ timeout: 15_000 });

      const form = page.getByTestId('request-form');
      // Nothing filled in: the page says what the subject needs, and the service is not asked.
      await form.getByRole('button', { name: 'File request' }).click();
      await form.getByText('Enter the identifier of the person').waitFor();
      expect(await focusedId(page, 'subject-value')).toBe('subject-value');

      await form.getByLabel('Type of request').selectOption('access');
      await form.getByLabel('Identified by').selectOption('email');
      await form.getByLabel('Subject', { exact: true }).fill('ana@example.com');
      await form.getByLabel('Received on (optional)').fill('2026-12-04');
      await form.getByRole('button', { name: 'File request' }).click();
      await page.getByTestId('request-result').filter({ hasText: 'Filed' }).waitFor({ timeout: 30_000 });
      expect(await page.getByTestId('request-result').textContent()).toContain(
        'due 2026-12-19 23:59 (America/Sao_Paulo)',
      );

      const item = page.locator('[data-testid="request"][data-type="access"]').first();
      await item.waitFor({ timeout: 15_000 });
      expect(await item.getAttribute('data-status')).toBe('received');
      expect(await item.getAttribute('data-overdue')).toBe('false');
      // Art. 19 II: 15 days from Friday 2026-12-04, to the end of Saturday 2026-12-19 in São Paulo…
      expect(await item.getByTestId('due-regime').textContent()).toBe('2026-12-19 23:59 GMT-3');
      // …which is Sunday morning in Tokyo.
      expect(await item.getByTestId('due-viewer').textContent()).toBe('2026-12-20 11:59 GMT+9');
      expect(await item.textContent()).toContain('your time, Asia/Tokyo');
      // Who it is from, shown only when asked (sealed at rest, each look audited).
      expect(await item.textContent()).not.toContain('ana@example.com');
      await item.getByRole('button', { name: 'Show who' }).click();
      expect(await item.getByTestId('subject-value').textContent()).toBe('ana@example.com');
      // Art. 19 I: the simplified answer, at once: the end of the day of receipt.
      // Not given by Monday: past due, while the request itself is not overdue.
      const simplified = item.locator('[data-interim="simplified"]');
      expect(await simplified.textContent()).toContain('2026-12-04 23:59');
      expect(await simplified.textContent()).toContain('past due');
      // As the service stored it.
      const stored = (await (await lgpdApi('requests', DPO_KEY)).json()) as {
        requests: { type: string; receivedAt: string; dueAt: string }[];
      };
      expect(stored.requests).toHaveLength(1);
      expect(stored.requests[0]).toMatchObject({ type: 'access', dueAt: '2026-12-20T02:59:59.999Z' });
      expect(stored.requests[0]?.receivedAt).toBe('2026-12-04T03:00:00.000Z');
      await page.getByTestId('summary-open').filter({ hasText: /^1$/ }).waitFor({ timeout: 15_000 });
      await shoot(page, '17-privacy-request');
    }, 120_000);

    it('verifies the identity, starts and completes the request with the buttons', async () => {
      const { page } = dpo;
      const item = page.locator('[data-testid="request"][data-type="access"]').first();
      await item.getByRole('button', { name: 'Verify identity' }).click();
      await item.getByLabel('Verification method').fill('document');
      await item.getByRole('button', { name: 'Verify identity' }).click();
      await page
        .locator('[data-testid="request"][data-type="access"][data-status="identity_verified"]')
        .waitFor({ timeout: 15_000 });
      await item.getByRole('button', { name: 'Start' }).click();
      await item.getByTestId('action-start').getByRole('button', { name: 'Start' }).click();
      await page
        .locator('[data-testid="request"][data-type="access"][data-status="in_progress"]')
        .waitFor({ timeout: 15_000 });
      await item.getByRole('button', { name: 'Complete' }).click();
      await item
        .getByLabel('Summary of the answer')
        .fill('Sent a copy of the data held on Ana, in clear and full form.');
      await item.getByRole('button', { name: 'Complete' }).click();
      await page
        .locator('[data-testid="request"][data-type="access"][data-status="completed"]')
        .waitFor({ timeout: 15_000 });
      expect(await item.getByTestId('request-actions').count(), 'no more actions once completed').toBe(0);
      await page.getByTestId('summary-open').filter({ hasText: /^0$/ }).waitFor({ timeout: 15_000 });
    }, 60_000);

    it('scans text for personal data and shows the email and the CPF found and masked', async () => {
      const { page, errors } = dpo;
      const form = page.getByTestId('pii-form');
      await form.getByLabel('Text to scan').fill(TEXT);
      await form.getByLabel('Mask').check();
      await form.getByRole('button', { name: 'Scan' }).click();
      const findings = page.getByTestId('pii-findings');
      await findings.waitFor({ timeout: 15_000 });
      const email = findings.locator('tbody tr[data-type="email"]');
      const cpf = findings.locator('tbody tr[data-type="br_cpf"]');
      expect(await email.textContent()).toContain('ana@example.com');
      expect(await email.textContent()).toContain(`${TEXT.indexOf('ana@')}–${TEXT.indexOf('ana@') + 15}`);
      expect(await cpf.textContent()).toContain('529.982.247-25');
      expect(await cpf.textContent()).toContain(`${TEXT.indexOf('529')}–${TEXT.length}`);
      expect(await page.getByTestId('pii-highlighted').locator('mark').allTextContents()).toEqual([
        'ana@example.com',
        '529.982.247-25',
      ]);
      const redacted = (await page.getByTestId('pii-redacted').textContent()) ?? '';
      expect(redacted.startsWith('Contato: ')).toBe(true);
      expect(redacted).not.toContain('ana@example.com');
      expect(redacted).not.toContain('529.982.247-25');
      await shoot(page, '18-privacy-pii');
      expect(errors).toEqual([]);
      await page.close();
    }, 60_000);

    it('shows the auditor the requests but no form, and a refused key the service’s own words', async () => {
      const { page, errors } = await openPage(browser, 1280, 900, [401]);
      await page.goto(`${server.url}/privacy?regime=lgpd`);
      await signIn(page, AUDITOR_KEY);
      await page.getByTestId('regime-name').filter({ hasText: 'LGPD' }).waitFor({ timeout: 15_000 });
      await page.getByTestId('read-only').waitFor();
      expect(await page.getByTestId('request-form').count()).toBe(0);
      await page.locator('[data-testid="request"][data-type="access"]').first().waitFor({ timeout: 15_000 });
      await page.getByRole('button', { name: 'Sign out' }).click();
      // A key the service does not know: its problem detail, shown as it said it.
      await signIn(page, `unknown-${'0'.repeat(24)}`);
      const alert = page.getByTestId('privacy-loading').getByRole('alert');
      await alert.waitFor({ timeout: 15_000 });
      expect(((await alert.textContent()) ?? '').replace('Request failed:', '').trim()).not.toBe('');
      expect(errors).toEqual([]);
      await page.close();
    }, 60_000);

    it('fits a narrow screen', async () => {
      const { page, errors } = await openPage(browser, 390, 844);
      await page.goto(`${server.url}/privacy?regime=lgpd`);
      await signIn(page, PRIVACY_OPERATOR_KEY);
      await page.locator('[data-testid="request"][data-type="access"]').first().waitFor({ timeout: 15_000 });
      const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
      expect(overflow, 'no sideways scrolling of the page').toBeLessThanOrEqual(0);
      await page.screenshot({ path: join(SCREENSHOTS, '19-privacy-mobile.png'), fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    }, 60_000);
  });

  describe('the Privacy page for HIPAA, SOX, PIPEDA and POPIA', () => {
    const regimeApi = async (regime: NewRegime, path: string, key: string, init: RequestInit = {}) => {
      const response = await fetch(`${server.url}/api/${NEW_REGIMES[regime].service}/${path}`, {
        ...init,
        headers: { 'x-api-key': key, 'content-type': 'application/json', ...init.headers },
      });
      const body = (await response.json()) as Record<string, unknown>;
      return { status: response.status, body };
    };
    const pick = async (page: Page, label: string, name: string) => {
      await page.getByTestId('regime-picker').getByLabel(label, { exact: true }).check();
      await page.getByTestId('regime-name').filter({ hasText: name }).waitFor({ timeout: 15_000 });
    };

    it.skipIf(!newPresent('hipaa') || !newPresent('sox'))(
      'switching to SOX hides the requests; the DPO’s own change is refused approval and deployment, in the service’s words',
      async () => {
        // 403: the segregation-of-duties refusals the page shows.
        const { page, errors } = await openPage(browser, 1280, 900, [403]);
        await page.clock.setFixedTime(PRIVACY_NOW);
        await page.goto(`${server.url}/privacy?regime=hipaa`);
        await signIn(page, DPO_KEY);
        await page.getByTestId('regime-name').filter({ hasText: 'HIPAA' }).waitFor({ timeout: 15_000 });
        await page.getByTestId('requests').waitFor({ timeout: 15_000 });
        expect(await page.getByTestId('regime-picker').getByRole('radio').count()).toBe(7);

        await pick(page, 'SOX', 'Sarbanes-Oxley');
        expect(page.url()).toContain('regime=sox');
        await page.getByTestId('no-requests').waitFor();
        expect(await page.getByTestId('requests').count(), 'no request list under SOX').toBe(0);
        expect(await page.getByTestId('request-form').count(), 'no request form under SOX').toBe(0);
        expect(await page.getByTestId('summary-open').count()).toBe(0);

        const form = page.getByTestId('sox-change-form');
        await form.getByLabel('Title').fill('Raise the payment approval limit');
        await form.getByLabel('System').fill('ERP');
        await form.getByLabel('Description').fill('Raise the single-approver limit from 10k to 25k USD.');
        await form.getByRole('button', { name: 'Request change' }).click();
        const change = page.locator('[data-testid="sox-change"][data-title="Raise the payment approval limit"]');
        await change.waitFor({ timeout: 15_000 });
        expect(await change.getAttribute('data-status')).toBe('requested');

        await change.getByRole('button', { name: 'Approve' }).click();
        const refusal = change.getByTestId('sox-change-error').getByRole('alert');
        await refusal.waitFor({ timeout: 15_000 });
        expect(await refusal.textContent()).toBe(
          'Request failed: segregation of duties: e2e-dpo requested this change and may not approve it; another change approver must',
        );
        expect(await change.getAttribute('data-status')).toBe('requested');

        // Another approver approves it; the DPO may still not deploy her own change.
        const listed = await regimeApi('sox', 'changes', SOX_APPROVER_KEY);
        const id = (listed.body.changes as { id: string }[])[0]?.id ?? '';
        expect((await regimeApi('sox', `changes/${id}/approve`, SOX_APPROVER_KEY, { method: 'POST' })).status).toBe(
          200,
        );
        await page.getByTestId('sox-changes').getByRole('button', { name: 'Refresh' }).click();
        await page.locator('[data-testid="sox-change"][data-status="approved"]').waitFor({ timeout: 15_000 });
        await change.getByRole('button', { name: 'Deploy' }).click();
        await change
          .getByTestId('sox-change-error')
          .getByText(
            'segregation of duties: e2e-dpo requested this change and may not deploy it; another deployer must',
          )
          .waitFor({ timeout: 15_000 });
        await page.getByTestId('sox-deficiencies').getByText('No open deficiencies.').waitFor();
        await shoot(page, '20-privacy-sox');
        expect(errors).toEqual([]);
        await page.close();
      },
      90_000,
    );

    it.skipIf(!newPresent('hipaa'))(
      'the HIPAA accounting shows a clinician’s read of a patient’s record, and a BAA past its review is marked',
      async () => {
        const created = await regimeApi('hipaa', 'phi/records', CLINICIAN_KEY, {
          method: 'POST',
          body: JSON.stringify({ patient: 'customer_id:P-1001', name: 'Maria Lopez', medications: ['metformin'] }),
        });
        expect(created.status).toBe(201);
        const read = await regimeApi('hipaa', `phi/records/${created.body.id}?purpose=treatment`, CLINICIAN_KEY);
        expect(read.status).toBe(200);
        const associate = await regimeApi('hipaa', 'baa/associates', DPO_KEY, {
          method: 'POST',
          body: JSON.stringify({
            name: 'Acme Claims Processing',
            services: ['claims processing'],
            phiCategories: ['billing codes'],
            signedAt: '2025-11-01T12:00:00.000Z',
            reviewDueAt: '2026-12-01T12:00:00.000Z',
          }),
        });
        expect(associate.status).toBe(201);

        const { page, errors } = await openPage(browser);
        await page.clock.setFixedTime(PRIVACY_NOW);
        await page.goto(`${server.url}/privacy?regime=hipaa`);
        await signIn(page, DPO_KEY);
        const accounting = page.getByTestId('hipaa-accounting');
        // Nothing entered: the page asks for the patient, the service is not asked.
        await accounting.getByRole('button', { name: 'Show accounting' }).click();
        await accounting.getByText('Enter the identifier of the patient').waitFor({ timeout: 15_000 });
        await accounting.getByLabel('Patient identified by').selectOption('customer_id');
        await accounting.getByLabel('Patient', { exact: true }).fill('P-1001');
        await accounting.getByRole('button', { name: 'Show accounting' }).click();
        const row = accounting.locator('tbody tr[data-kind="read"][data-outcome="ok"]');
        await row.waitFor({ timeout: 15_000 });
        const cells = await row.locator('td').allTextContents();
        expect(cells[0]).toMatch(/^2026-12-07 \d\d:\d\d EST$/);
        expect(cells.slice(1)).toEqual(['e2e-clinician read', 'clinician', 'treatment', 'name, medications']);

        const baa = page.locator('[data-testid="hipaa-associates"] tr[data-associate="Acme Claims Processing"]');
        await baa.waitFor({ timeout: 15_000 });
        expect(await baa.getAttribute('data-review')).toBe('overdue');
        expect(await baa.textContent()).toContain('review past due');
        await shoot(page, '21-privacy-hipaa');
        expect(errors).toEqual([]);
        await page.close();
      },
      60_000,
    );

    it.skipIf(!newPresent('pipeda'))(
      'the PIPEDA evaluator gives the RROSH outcome, and a breach record shows until when it is kept',
      async () => {
        const breach = await regimeApi('pipeda', 'breaches', DPO_KEY, {
          method: 'POST',
          body: JSON.stringify({
            title: 'Payroll export on a stolen laptop',
            detectedAt: '2026-12-05T15:00:00.000Z',
            categories: ['social insurance number'],
            affectedCount: 12,
            risk: 'high',
            details: {
              rrosh: {
                sensitivity: 'high',
                probabilityOfMisuse: 'medium',
                factors: ['malicious_intent'],
                rationale: 'SINs on an unencrypted laptop taken by a thief.',
              },
            },
          }),
        });
        expect(breach.status).toBe(201);

        const { page, errors } = await openPage(browser);
        await page.goto(`${server.url}/privacy?regime=pipeda`);
        await signIn(page, DPO_KEY);
        const form = page.getByTestId('pipeda-rrosh');
        await form.getByLabel('Sensitivity of the information').selectOption('high');
        await form.getByLabel('Probability of misuse').selectOption('low');
        await form.getByLabel('Rationale').fill('Health card numbers emailed to a wrong, unknown address.');
        await form.getByRole('button', { name: 'Evaluate' }).click();
        const outcome = page.getByTestId('rrosh-outcome');
        await outcome.waitFor({ timeout: 15_000 });
        expect(await outcome.getAttribute('data-outcome')).toBe('no_real_risk');
        // Posted publicly: the probability rises a level, and the risk becomes real.
        await form.getByRole('checkbox', { name: /publicly exposed/ }).check();
        await form.getByRole('button', { name: 'Evaluate' }).click();
        await page.locator('[data-testid="rrosh-outcome"][data-outcome="real_risk"]').waitFor({ timeout: 15_000 });
        expect(await outcome.textContent()).toContain('Real risk of significant harm');
        expect(await outcome.textContent()).toContain('medium after the factors');

        const record = page.locator(
          '[data-testid="pipeda-breach-records"] tr[data-breach="Payroll export on a stolen laptop"]',
        );
        await record.waitFor({ timeout: 15_000 });
        // s. 10.3: 24 months from the day it was determined to have occurred, in Toronto.
        expect(await record.getByTestId('kept-until').textContent()).toBe('2028-12-05 23:59 EST');
        expect(await record.textContent()).toContain('real risk');
        await shoot(page, '22-privacy-pipeda');
        expect(errors).toEqual([]);
        await page.close();
      },
      60_000,
    );

    it.skipIf(!newPresent('popia'))(
      'POPIA: the DPO names the Information Officer, and a second approach without consent is refused with the reason',
      async () => {
        // 409: the refused second approach the page shows.
        const { page, errors } = await openPage(browser, 1280, 900, [409]);
        await page.goto(`${server.url}/privacy?regime=popia`);
        await signIn(page, DPO_KEY);
        const officer = page.getByTestId('popia-officer');
        await officer.getByTestId('officer-none').waitFor({ timeout: 15_000 });
        await officer.getByRole('button', { name: 'Edit' }).click();
        await officer.getByLabel('Name').fill('Thandi Nkosi');
        await officer.getByLabel('Email').fill('thandi');
        await officer.getByLabel('Phone').fill('+27 21 555 0100');
        await officer.getByLabel('Registration number (optional)').fill('IR-2026-0042');
        await officer.getByRole('button', { name: 'Save' }).click();
        // Checked in the page first: the email, and the date that goes with the number.
        await officer.getByText('An email address looks like').waitFor();
        await officer.getByText('Give the date the Regulator registered the officer.').waitFor();
        await officer.getByLabel('Email').fill('thandi@example.co.za');
        await officer.getByLabel('Registered on (optional)').fill('2026-11-02');
        await officer.getByRole('button', { name: 'Save' }).click();
        await officer.getByTestId('officer-name').filter({ hasText: 'Thandi Nkosi' }).waitFor({ timeout: 15_000 });
        expect(await officer.getByTestId('officer-registration').textContent()).toBe(
          'IR-2026-0042, registered 2026-11-02',
        );
        const stored = await regimeApi('popia', 'popia/information-officer', DPO_KEY);
        expect(stored.body).toMatchObject({
          registered: true,
          officer: { name: 'Thandi Nkosi', registeredAt: '2026-11-01T22:00:00.000Z' },
        });

        const marketing = page.getByTestId('popia-marketing');
        await marketing.getByLabel('Identified by').selectOption('email');
        await marketing.getByLabel('Person').fill('sipho@example.co.za');
        await marketing.getByLabel('Channel').selectOption('sms');
        await marketing.getByRole('button', { name: 'Record approach' }).click();
        await marketing.getByTestId('marketing-result').filter({ hasText: 'Approach by sms recorded.' }).waitFor({
          timeout: 15_000,
        });
        await page.locator('[data-testid="marketing-status"][data-status="approached_once"]').waitFor();
        await marketing.getByRole('button', { name: 'Record approach' }).click();
        const refusal = marketing.getByTestId('marketing-error').getByRole('alert');
        await refusal.waitFor({ timeout: 15_000 });
        expect(await refusal.textContent()).toContain('already approached once on 2026-12-07 without consent');
        expect(await refusal.textContent()).toContain('POPIA s.69(1)(b)');
        await shoot(page, '23-privacy-popia');
        expect(errors).toEqual([]);
        await page.close();
      },
      60_000,
    );
  });

  describe.skipIf(!dashboardPresent || !lgpdPresent || !newPresent('hipaa') || !newPresent('pipeda'))(
    'the Compliance page',
    () => {
      // The dashboard from its sources, reading three of the jurisdiction services started above
      // (LGPD, HIPAA, PIPEDA: their real numbers); GDPR, CCPA, SOX and POPIA it is pointed at a
      // port where nothing listens. quantum-iot-integration is not in the repo yet: a stand-in
      // answers its summary contract (GET /api/quantum-iot-integration/summary, the auditor key).
      const LIVE = ['lgpd-compliance', 'hipaa-compliance', 'pipeda-compliance'];
      const DEAD = ['gdpr-compliance', 'ccpa-compliance', 'sox-compliance', 'south-african-compliance'];
      const IOT_SUMMARY = {
        devices: { total: 3, online: 2, offline: 1 },
        messages: { accepted: 41, rejected: { bad_signature: 2, unknown_device: 1, replayed: 0 } },
        findings: {
          open: 1,
          byKind: { hipaa_phi: 1 },
          recent: [
            {
              id: 'f0e1d2c3-0000-4000-8000-000000000001',
              deviceId: 'ward-monitor-7',
              kind: 'hipaa_phi',
              regime: 'hipaa',
              detectedAt: '2026-12-07T11:00:00.000Z',
              summary: 'telemetry carried a medical record number',
            },
          ],
        },
      };
      let database: TestDatabase;
      let iot: StartedApp;
      let dashboard: NodeProcess;
      let dashMain: MainApp;
      let dashServer: StartedApp;
      /** Where the dashboard's clock (and the services') stands relative to the real one. */
      let clockOffset = 0;
      let overdueId = '';

      interface Overview {
        status: string;
        regimes: {
          service: string;
          name: string;
          reachable: boolean;
          score?: number;
          reasons?: string[];
          requests?: { open: number; overdue: number };
          error?: string;
          lastSuccessAt?: string | null;
        }[];
        deadlines: { service: string; kind: string; id: string; dueAt: string; overdue: boolean }[];
        alerts: { id: string; kind: string; acknowledgedBy: string | null; note: string | null }[];
      }
      const overview = async () => {
        const response = await fetch(`${dashServer.url}/api/compliance-dashboard/overview`, {
          headers: { 'x-api-key': AUDITOR_KEY },
        });
        expect(response.status).toBe(200);
        return (await response.json()) as Overview;
      };
      const card = (page: Page, service: string) =>
        page.locator(`[data-testid="regime-card"][data-service="${service}"]`);
      /** The page's clock where the services' is (the shifted clock runs on from PRIVACY_NOW). */
      const openDashboard = async (width = 1280, height = 900) => {
        const opened = await openPage(browser, width, height);
        await opened.page.clock.setFixedTime(new Date(Date.now() + clockOffset));
        return opened;
      };

      beforeAll(async () => {
        database = await createTestDatabase('main_app_e2e_dashboard');
        iot = await startApp((req, res) => {
          const ok = req.url === '/api/quantum-iot-integration/summary' && req.headers['x-api-key'] === AUDITOR_KEY;
          res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
          res.end(JSON.stringify(ok ? IOT_SUMMARY : { title: 'Unauthorized' }));
        });
        const dead = `http://127.0.0.1:${await freePort()}`;
        const live: Record<string, string | undefined> = {
          'lgpd-compliance': lgpd?.url,
          'hipaa-compliance': regimeServices.get('hipaa')?.url,
          'pipeda-compliance': regimeServices.get('pipeda')?.url,
        };
        clockOffset = Date.parse(PRIVACY_NOW) - Date.now();
        dashboard = await startService(
          'compliance-dashboard',
          {
            DATABASE_URL: database.url,
            API_KEYS: DASHBOARD_API_KEYS,
            JWT_SECRET: MINT_JWT_SECRET,
            // What it sends the services: a key with the auditor role there.
            COMPLIANCE_API_KEY: AUDITOR_KEY,
            CACHE_TTL_MS: '0',
            // A loaded machine must not make the live services look unreachable (dead ports refuse at once).
            UPSTREAM_TIMEOUT_MS: '10000',
            AZORA_TEST_NOW: PRIVACY_NOW,
            ...Object.fromEntries(LIVE.map((name) => [urlVariable(name), live[name] as string])),
            ...Object.fromEntries(DEAD.map((name) => [urlVariable(name), dead])),
            [urlVariable('quantum-iot-integration')]: iot.url,
          },
          [`--import=${SHIFTED_CLOCK}`],
        );
        dashMain = createMainApp({
          logger: quietLogger(),
          env: { [urlVariable('compliance-dashboard')]: dashboard.url },
          deployed: new Set(['main-app', 'compliance-dashboard']),
          pollIntervalMs: 1000,
          web: { kind: 'static', dir: buildDir },
        });
        await dashMain.start();
        dashServer = await startApp(dashMain.app);

        // A HIPAA access request received on 1 September: 30 days to answer, long past.
        const filed = await fetch(`${server.url}/api/hipaa-compliance/requests`, {
          method: 'POST',
          headers: { 'x-api-key': PRIVACY_OPERATOR_KEY, 'content-type': 'application/json' },
          body: JSON.stringify({
            type: 'access',
            subject: 'email:late@example.com',
            receivedAt: '2026-09-01T12:00:00.000Z',
          }),
        });
        const request = (await filed.json()) as { id: string; overdue: boolean };
        expect(filed.status).toBe(201);
        expect(request.overdue).toBe(true);
        overdueId = request.id;
      }, 120_000);

      afterAll(async () => {
        await dashServer?.close();
        for (const resource of dashMain?.resources ?? []) await resource.close();
        await dashboard?.stop();
        await iot?.close();
        await database?.drop();
      });

      it('shows the live regimes with their services’ own scores and reasons, the others unreachable with no numbers, degraded', async () => {
        const answer = await overview();
        expect(answer.status).toBe('degraded');
        for (const service of LIVE) {
          expect(answer.regimes.find((r) => r.service === service)?.reachable, service).toBe(true);
          // The score and reasons are the service's own assessment's (asked again should a round
          // started before this test's request still be the one answering).
          const compared = async () => {
            const assessed = await fetch(`${server.url}/api/${service}/assessment`, {
              headers: { 'x-api-key': AUDITOR_KEY },
            });
            const assessment = (await assessed.json()) as { score: number; reasons: unknown[] };
            const regime = (await overview()).regimes.find((r) => r.service === service);
            return {
              dashboard: { score: regime?.score, reasons: regime?.reasons?.length },
              service: { score: assessment.score, reasons: assessment.reasons.length },
            };
          };
          await expect
            .poll(
              async () => {
                const { dashboard, service } = await compared();
                return JSON.stringify(dashboard) === JSON.stringify(service)
                  ? 'same'
                  : JSON.stringify({ dashboard, service });
              },
              { timeout: 15_000 },
            )
            .toBe('same');
        }
        for (const service of DEAD) {
          expect(answer.regimes.find((r) => r.service === service)).toMatchObject({
            reachable: false,
            error: expect.stringMatching(/unreachable/),
            lastSuccessAt: null,
          });
        }

        const { page, errors } = await openDashboard();
        await page.goto(`${dashServer.url}/`);
        await page.getByRole('link', { name: 'Compliance' }).click();
        expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Compliance');
        await signIn(page, DPO_KEY);
        await card(page, 'hipaa-compliance').locator('[data-testid="regime-score"]').waitFor({ timeout: 15_000 });
        // One card per regime, in the dashboard's order.
        const services = await page
          .getByTestId('regime-card')
          .evaluateAll((cards) => cards.map((c) => c.getAttribute('data-service')));
        expect(services).toEqual(answer.regimes.map((r) => r.service));

        const now = await overview();
        for (const service of LIVE) {
          const regime = now.regimes.find((r) => r.service === service);
          const shown = card(page, service);
          expect(await shown.getAttribute('data-reachable')).toBe('true');
          expect(await shown.getByTestId('regime-score').textContent()).toContain(`${regime?.score} / 100`);
          const reasons = await shown.locator('[data-testid="regime-reasons"] li').allTextContents();
          expect(reasons, service).toEqual(regime?.reasons);
          const score = regime?.score ?? Number.NaN;
          expect(await shown.getAttribute('data-band'), service).toBe(
            score >= 85 ? 'good' : score >= 60 ? 'fair' : 'poor',
          );
        }
        // HIPAA: the overdue request, highlighted, and in the reasons its service gave.
        const hipaa = card(page, 'hipaa-compliance');
        const overdue = now.regimes.find((r) => r.service === 'hipaa-compliance')?.requests?.overdue ?? 0;
        expect(overdue).toBeGreaterThanOrEqual(1);
        expect(await hipaa.getByTestId('regime-overdue').textContent()).toBe(`${overdue} overdue`);
        expect((await hipaa.locator('[data-testid="regime-reasons"] li').allTextContents()).join('\n')).toMatch(
          /overdue/,
        );

        for (const service of DEAD) {
          const shown = card(page, service);
          expect(await shown.getAttribute('data-reachable')).toBe('false');
          expect(await shown.getAttribute('data-band'), 'never green').toBe('unknown');
          expect(await shown.getByText('Unreachable', { exact: true }).count()).toBe(1);
          expect(await shown.getByTestId('regime-error').textContent()).toMatch(/unreachable/);
          expect(await shown.getByTestId('regime-last-answered').textContent()).toBe(
            'not reached since the dashboard started',
          );
          // No score, no counts, no reasons.
          for (const part of ['regime-score', 'regime-reasons', 'regime-requests', 'regime-breaches']) {
            expect(await shown.getByTestId(part).count(), `${service} ${part}`).toBe(0);
          }
        }

        const status = page.getByTestId('dashboard-status');
        expect(await status.getAttribute('data-status')).toBe('degraded');
        expect(await status.textContent()).toBe('Degraded');
        const detail = (await page.getByTestId('degraded-detail').textContent()) ?? '';
        for (const service of DEAD) expect(detail).toContain(answer.regimes.find((r) => r.service === service)?.name);
        expect(detail).not.toContain('IoT');

        // The timeline: the overdue HIPAA request, marked; the unreachable regimes' deadlines are said to be missing.
        const row = page.locator(`[data-testid="deadline"][data-service="hipaa-compliance"][data-id="${overdueId}"]`);
        expect(await row.getAttribute('data-overdue')).toBe('true');
        expect(await row.getByTestId('deadline-overdue').textContent()).toBe('Overdue');
        expect(await row.textContent()).toMatch(/ago/);
        expect(await row.locator('time').getAttribute('datetime')).toBe(
          now.deadlines.find((d) => d.id === overdueId)?.dueAt,
        );
        expect(await page.getByTestId('deadlines-missing').textContent()).toContain('are not shown');
        const rows = await page.getByTestId('deadline').evaluateAll((all) => all.map((r) => r.getAttribute('data-id')));
        expect(rows).toEqual(now.deadlines.map((d) => d.id));

        const iotPanel = page.getByTestId('iot');
        expect(await iotPanel.getAttribute('data-reachable')).toBe('true');
        expect(await iotPanel.getByTestId('iot-devices').textContent()).toBe('2 online, 1 offline (3 in all)');
        expect(await iotPanel.getByTestId('iot-messages').textContent()).toContain('41 accepted, 3 rejected');
        await shoot(page, '24-compliance');
        expect(errors).toEqual([]);
        await page.close();
      }, 90_000);

      it('the DPO acknowledges the overdue request’s alert with a note; an auditor sees it, and no Acknowledge button', async () => {
        const alertId = `overdue:hipaa-compliance:${overdueId}`;
        const { page, errors } = await openDashboard();
        await page.goto(`${dashServer.url}/compliance`);
        await signIn(page, DPO_KEY);
        const alert = page.locator(`[data-testid="alert"][data-alert="${alertId}"]`);
        await alert.waitFor({ timeout: 15_000 });
        expect(await alert.getAttribute('data-acknowledged')).toBe('false');
        await alert.getByRole('button', { name: 'Acknowledge' }).click();
        await alert.getByLabel('Note (optional)').fill('Records pulled; answering by Friday');
        await alert.getByTestId('ack-form').getByRole('button', { name: 'Acknowledge' }).click();
        await page
          .locator(`[data-testid="alert"][data-alert="${alertId}"][data-acknowledged="true"]`)
          .waitFor({ timeout: 15_000 });
        expect(await alert.getByTestId('acknowledged-by').textContent()).toBe('e2e-dpo');
        expect(await alert.getByTestId('acknowledged-note').textContent()).toBe(
          '“Records pulled; answering by Friday”',
        );
        await page.getByTestId('alerts-notice').filter({ hasText: 'Alert acknowledged.' }).waitFor();
        // As the dashboard stored it.
        expect((await overview()).alerts.find((a) => a.id === alertId)).toMatchObject({
          acknowledgedBy: 'e2e-dpo',
          note: 'Records pulled; answering by Friday',
        });
        await shoot(page, '25-compliance-acknowledged');
        expect(errors).toEqual([]);
        await page.close();

        // The auditor, signing in with a token that says so: the acknowledgement, and no button.
        const auditor = await openDashboard();
        await auditor.page.goto(`${dashServer.url}/compliance`);
        // Valid for days: the dashboard's clock (and the page's) is the shifted one, a day or more ahead.
        const token = await signToken(MINT_JWT_SECRET, { subject: 'e2e-auditor', roles: ['auditor'], expiresIn: '7d' });
        await signIn(auditor.page, token);
        const seen = auditor.page.locator(`[data-testid="alert"][data-alert="${alertId}"][data-acknowledged="true"]`);
        await seen.waitFor({ timeout: 15_000 });
        expect(await seen.getByTestId('acknowledged-by').textContent()).toBe('e2e-dpo');
        await auditor.page.getByTestId('read-only').waitFor();
        expect(await auditor.page.getByTestId('alert').count()).toBeGreaterThan(1);
        expect(await auditor.page.getByRole('button', { name: /Acknowledge/ }).count()).toBe(0);
        expect(auditor.errors).toEqual([]);
        await auditor.page.close();

        // The auditor's API key says nothing of its roles: the page waits for the dashboard's
        // answer (GET me), so Acknowledge is never offered, not even for a moment.
        const keyed = await openDashboard();
        await keyed.page.goto(`${dashServer.url}/compliance`);
        await watchFor(keyed.page, 'button[aria-label^="Acknowledge"], [data-testid="ack-form"]');
        await signIn(keyed.page, AUDITOR_KEY);
        await keyed.page.locator(`[data-testid="alert"][data-alert="${alertId}"]`).waitFor({ timeout: 15_000 });
        expect(await keyed.page.getByTestId('read-only').textContent()).toContain('(auditor)');
        expect(await keyed.page.getByRole('button', { name: /Acknowledge/ }).count()).toBe(0);
        expect(await everShown(keyed.page), 'Acknowledge never offered').toEqual([]);
        expect(keyed.errors).toEqual([]);
        await keyed.page.close();
      }, 60_000);

      it('fits a narrow screen', async () => {
        const { page, errors } = await openDashboard(390, 844);
        await page.goto(`${dashServer.url}/compliance`);
        await signIn(page, DPO_KEY);
        await card(page, 'hipaa-compliance').getByTestId('regime-score').waitFor({ timeout: 15_000 });
        const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
        expect(overflow, 'no sideways scrolling of the page').toBeLessThanOrEqual(0);
        for (const table of ['alerts', 'deadlines']) {
          const clipped = await page.evaluate<number>(
            `(t => t.scrollWidth - t.clientWidth)(document.querySelector('[data-testid=${table}] .table-wrap'))`,
          );
          expect(clipped, `the ${table} fit without scrolling sideways`).toBeLessThanOrEqual(0);
        }
        await page.screenshot({ path: join(SCREENSHOTS, '26-compliance-mobile.png'), fullPage: true });
        expect(errors).toEqual([]);
        await page.close();
      }, 60_000);
    },
  );

  describe.skipIf(
    !reportingPresent ||
      !dashboardPresent ||
      !lgpdPresent ||
      !newPresent('hipaa') ||
      !newPresent('pipeda') ||
      !newPresent('popia'),
  )('the Reports page', () => {
    // automated-reporting from its sources, reading the dashboard (also from its sources) and
    // four of the jurisdiction services started above; GDPR, CCPA and SOX it is pointed at a
    // port where nothing listens, so a report of every regime is partial and names them. The
    // scheduler is off: every report here is one the test asked for.
    const LIVE = ['lgpd-compliance', 'hipaa-compliance', 'pipeda-compliance', 'south-african-compliance'];
    const DEAD = ['ccpa-compliance', 'gdpr-compliance', 'sox-compliance'];
    let databases: TestDatabase[] = [];
    let reportsDir: string;
    let dashboard: NodeProcess;
    let reporting: NodeProcess;
    let repMain: MainApp;
    let repServer: StartedApp;

    interface StoredReport {
      id: string;
      schedule: string | null;
      status: string;
      requestedBy: string | null;
      regimes: string[];
      upstreamErrors: { service: string; failure: string }[];
      formats: Record<'json' | 'csv' | 'pdf', { sha256: string; url: string }>;
    }
    interface StoredSchedule {
      id: string;
      cron: string;
      timeZone: string;
      nextRunAt: string | null;
    }
    const reportingApi = (path: string, key = AUDITOR_KEY, init: RequestInit = {}) =>
      fetch(`${repServer.url}/api/automated-reporting/${path}`, {
        ...init,
        headers: { 'x-api-key': key, 'content-type': 'application/json', ...init.headers },
      });
    const storedReports = async () =>
      ((await (await reportingApi('reports?limit=200')).json()) as { reports: StoredReport[] }).reports;
    const storedSchedules = async () =>
      ((await (await reportingApi('schedules')).json()) as { schedules: StoredSchedule[] }).schedules;
    const rows = (page: Page) => page.getByTestId('report');
    /** What a dpo or an operator is offered: the Generate form, Edit and the schedule form. */
    const REPORT_CONTROLS = '[data-testid="generate"], [data-testid="schedule-form"], button[aria-label^="Edit the"]';
    const openReports = async (key: string, width = 1280, height = 900, expected: readonly number[] = []) => {
      const opened = await openPage(browser, width, height, expected);
      await opened.page.goto(`${repServer.url}/reports`);
      await signIn(opened.page, key);
      await opened.page.getByTestId('schedule').first().waitFor({ timeout: 15_000 });
      return opened;
    };

    beforeAll(async () => {
      databases = await Promise.all([
        createTestDatabase('main_app_e2e_reporting'),
        createTestDatabase('main_app_e2e_reports_dashboard'),
      ]);
      const [reportingDb, dashboardDb] = databases as [TestDatabase, TestDatabase];
      reportsDir = await mkdtemp(join(tmpdir(), 'main-app-e2e-reports-'));
      const dead = `http://127.0.0.1:${await freePort()}`;
      const live: Record<string, string | undefined> = {
        'lgpd-compliance': lgpd?.url,
        'hipaa-compliance': regimeServices.get('hipaa')?.url,
        'pipeda-compliance': regimeServices.get('pipeda')?.url,
        'south-african-compliance': regimeServices.get('popia')?.url,
      };
      const upstreams = {
        ...Object.fromEntries(LIVE.map((name) => [urlVariable(name), live[name] as string])),
        ...Object.fromEntries(DEAD.map((name) => [urlVariable(name), dead])),
      };
      dashboard = await startService('compliance-dashboard', {
        DATABASE_URL: dashboardDb.url,
        API_KEYS: DASHBOARD_API_KEYS,
        JWT_SECRET: MINT_JWT_SECRET,
        COMPLIANCE_API_KEY: AUDITOR_KEY,
        CACHE_TTL_MS: '0',
        UPSTREAM_TIMEOUT_MS: '10000',
        ...upstreams,
        [urlVariable('quantum-iot-integration')]: dead,
      });
      reporting = await startService('automated-reporting', {
        DATABASE_URL: reportingDb.url,
        API_KEYS: REPORTING_API_KEYS,
        JWT_SECRET: MINT_JWT_SECRET,
        // What it sends the dashboard and the services: a key with the auditor role there.
        COMPLIANCE_API_KEY: AUDITOR_KEY,
        REPORTS_DIR: reportsDir,
        PUPPETEER_EXECUTABLE_PATH: '/usr/bin/chromium',
        SCHEDULER_ENABLED: 'false',
        // A loaded machine must not make the live services look unreachable (dead ports refuse at once).
        UPSTREAM_TIMEOUT_MS: '10000',
        [urlVariable('compliance-dashboard')]: dashboard.url,
        ...upstreams,
      });
      repMain = createMainApp({
        logger: quietLogger(),
        env: { [urlVariable('automated-reporting')]: reporting.url },
        deployed: new Set(['main-app', 'automated-reporting']),
        pollIntervalMs: 1000,
        // Chromium prints each report's PDF; on a loaded machine that takes a while.
        timeoutMs: 90_000,
        web: { kind: 'static', dir: buildDir },
      });
      await repMain.start();
      repServer = await startApp(repMain.app);
    }, 180_000);

    afterAll(async () => {
      await repServer?.close();
      for (const resource of repMain?.resources ?? []) await resource.close();
      await reporting?.stop();
      await dashboard?.stop();
      for (const database of databases) await database.drop();
      if (reportsDir) await rm(reportsDir, { recursive: true, force: true });
    });

    it('the DPO generates a report of every regime, partial with the services that did not answer named; one of two live regimes is complete', async () => {
      const { page, errors } = await openPage(browser);
      await page.goto(`${repServer.url}/`);
      await page.getByRole('link', { name: 'Reports' }).click();
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Compliance reports');
      // Signed out: what is there, and which roles it takes.
      expect(await page.getByTestId('signed-out').textContent()).toMatch(/auditor, operator or dpo.*dpo/);
      await signIn(page, DPO_KEY);
      await page.getByTestId('schedule').first().waitFor({ timeout: 15_000 });
      // The schedules as the service lists them, each with its next run, none run yet.
      const schedules = await storedSchedules();
      const shown = await page
        .getByTestId('schedule')
        .evaluateAll((all) => all.map((r) => r.getAttribute('data-schedule')));
      expect(shown).toEqual(schedules.map((s) => s.id));
      expect(shown).toEqual(['daily', 'weekly', 'monthly', 'quarterly', 'annual']);
      // The service says she is a dpo (GET me): every control, with the schedules.
      await page.getByTestId('signed-in').filter({ hasText: 'Signed in as e2e-dpo (roles: dpo)' }).waitFor();
      expect(await page.getByRole('button', { name: /^Edit the/ }).count()).toBe(5);
      expect(await page.getByRole('button', { name: 'Generate report now' }).count()).toBe(1);
      expect(await page.getByTestId('read-only').count()).toBe(0);
      const daily = page.locator('[data-testid="schedule"][data-schedule="daily"]');
      expect(await daily.getByTestId('schedule-cron').textContent()).toBe('0 6 * * *');
      expect(await daily.getByTestId('schedule-next-run').locator('time').getAttribute('datetime')).toBe(
        schedules[0]?.nextRunAt,
      );
      expect(await daily.textContent()).toContain('Never run');
      expect(await page.getByTestId('reports').textContent()).toContain('No reports yet');

      // Every regime (nothing ticked): three of them do not answer.
      await page.getByRole('button', { name: 'Generate report now' }).click();
      const notice = page.getByTestId('reports-notice');
      await notice.filter({ hasText: 'partial' }).waitFor({ timeout: 90_000 });
      expect(await notice.textContent()).toBe(
        'Report generated, partial: CCPA (ccpa-compliance), GDPR (gdpr-compliance) and SOX (sox-compliance) did not answer.',
      );
      const partial = rows(page).first();
      expect(await partial.getAttribute('data-status')).toBe('partial');
      expect(await partial.getByTestId('report-status').textContent()).toContain('Partial');
      // Each failure shown, with how it failed: never hidden behind a toggle.
      const failures = partial.locator('[data-testid="report-upstream-errors"] li');
      expect(await failures.evaluateAll((all) => all.map((li) => li.getAttribute('data-service')))).toEqual(DEAD);
      for (const text of await failures.allTextContents()) expect(text).toMatch(/\(unreachable\)/);
      expect(await failures.first().isVisible()).toBe(true);
      expect(await partial.getByTestId('report-regimes').textContent()).toBe('Regimes: all 7');
      // As the service stored it.
      const [stored] = await storedReports();
      expect(await partial.getAttribute('data-report')).toBe(stored?.id);
      expect(stored).toMatchObject({ status: 'partial', requestedBy: 'e2e-dpo', schedule: null });
      expect(stored?.upstreamErrors.map((e) => e.service)).toEqual(DEAD);

      // Two regimes that answer, for the weekly schedule's retention: complete.
      await page.getByLabel('Schedule (optional)').selectOption('weekly');
      await page.getByLabel('LGPD').check();
      await page.getByLabel('HIPAA').check();
      await page.getByRole('button', { name: 'Generate report now' }).click();
      await notice.filter({ hasText: 'Report generated: complete.' }).waitFor({ timeout: 90_000 });
      expect(await rows(page).count()).toBe(2);
      const complete = rows(page).first();
      expect(await complete.getAttribute('data-status')).toBe('complete');
      expect(await complete.getByTestId('report-kind').textContent()).toBe('On demand · Weekly');
      expect(await complete.getByTestId('report-regimes').textContent()).toBe('Regimes: LGPD, HIPAA');
      expect(await complete.getByTestId('report-upstream-errors').count()).toBe(0);
      expect((await storedReports()).map((r) => r.id)).toEqual(
        await rows(page).evaluateAll((all) => all.map((r) => r.getAttribute('data-report'))),
      );
      await shoot(page, '27-reports');
      expect(errors).toEqual([]);
      await page.close();
    }, 200_000);

    it('downloads the PDF, CSV and JSON with the signed-in credential, the bytes the service stored', async () => {
      const { page, errors } = await openReports(DPO_KEY);
      const [latest] = await storedReports();
      const row = page.locator(`[data-testid="report"][data-report="${latest?.id}"]`);
      await row.waitFor();
      const day = new Date().toISOString().slice(0, 10);
      for (const format of ['pdf', 'csv', 'json'] as const) {
        const [download] = await Promise.all([
          page.waitForEvent('download'),
          row.getByRole('button', { name: new RegExp(`^Download ${format.toUpperCase()} `) }).click(),
        ]);
        expect(download.suggestedFilename()).toBe(`azora-report-weekly-${day}.${format}`);
        const bytes = await readFile((await download.path()) as string);
        expect(createHash('sha256').update(bytes).digest('hex'), format).toBe(latest?.formats[format].sha256);
        if (format === 'pdf') expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
        if (format === 'json') expect(JSON.parse(bytes.toString('utf8'))).toMatchObject({ id: latest?.id });
      }
      // A plain link could not have fetched them: the files need the credential.
      expect((await fetch(`${repServer.url}${latest?.formats.pdf.url}`)).status).toBe(401);
      expect(errors).toEqual([]);
      await page.close();
    }, 60_000);

    it('the DPO changes a schedule: a bad cron expression and a bad zone are refused beside their fields, a good change moves the next run', async () => {
      const { page, errors } = await openReports(DPO_KEY, 1280, 900, [400]);
      const row = page.locator('[data-testid="schedule"][data-schedule="daily"]');
      const before = await row.getByTestId('schedule-next-run').locator('time').getAttribute('datetime');
      await row.getByRole('button', { name: 'Edit the Daily schedule' }).click();
      const form = page.getByTestId('schedule-form');
      expect(await focusedId(page, 'schedule-daily-cron'), 'the form opens on the cron expression').toBe(
        'schedule-daily-cron',
      );

      // Hour 25: the service's own words, beside the field, which gets the focus back.
      await form.getByLabel('Cron expression').fill('0 25 * * *');
      await form.getByRole('button', { name: 'Save' }).click();
      const cronError = page.locator('#schedule-daily-cron-error');
      await cronError.waitFor();
      expect(await cronError.textContent()).toMatch(/^Invalid cron expression "0 25 \* \* \*".*0-23/);
      expect(await page.locator('#schedule-daily-cron').getAttribute('aria-invalid')).toBe('true');
      expect(await page.locator('#schedule-daily-cron').getAttribute('aria-describedby')).toContain(
        'schedule-daily-cron-error',
      );
      await form.getByRole('button', { name: 'Save' }).focus();
      // (Focus moved away; the next refusal brings it back to the field at fault.)
      await form.getByLabel('Cron expression').fill('30 7 * * 1-5');
      await form.getByLabel('Time zone').fill('Mars/Olympus');
      await form.getByRole('button', { name: 'Save' }).click();
      const zoneError = page.locator('#schedule-daily-zone-error');
      await zoneError.waitFor();
      expect(await zoneError.textContent()).toMatch(/^Unknown time zone "Mars\/Olympus"/);
      expect(await focusedId(page, 'schedule-daily-zone')).toBe('schedule-daily-zone');
      await shoot(page, '28-reports-schedule-refused');
      expect(await cronError.count(), 'the fixed cron expression is no longer marked').toBe(0);
      expect((await storedSchedules()).find((s) => s.id === 'daily')).toMatchObject({
        cron: '0 6 * * *',
        timeZone: 'UTC',
      });

      // 07:30 on weekdays in Johannesburg.
      await form.getByLabel('Time zone').fill('Africa/Johannesburg');
      await form.getByRole('button', { name: 'Save' }).click();
      await page.getByTestId('schedules-notice').filter({ hasText: 'Daily saved: next run' }).waitFor();
      expect(await form.count(), 'the form closes').toBe(0);
      const saved = (await storedSchedules()).find((s) => s.id === 'daily');
      expect(saved).toMatchObject({ cron: '30 7 * * 1-5', timeZone: 'Africa/Johannesburg' });
      expect(await row.getByTestId('schedule-cron').textContent()).toBe('30 7 * * 1-5');
      expect(await row.getByTestId('schedule-zone').textContent()).toBe('Africa/Johannesburg');
      const after = await row.getByTestId('schedule-next-run').locator('time').getAttribute('datetime');
      expect(after).toBe(saved?.nextRunAt);
      expect(after).not.toBe(before);
      // 07:30 in Johannesburg (UTC+2, no daylight saving) is 05:30 UTC, Monday to Friday.
      const next = new Date(after as string);
      expect([next.getUTCHours(), next.getUTCMinutes()]).toEqual([5, 30]);
      expect([1, 2, 3, 4, 5]).toContain(next.getUTCDay());
      expect(await row.getByTestId('schedule-next-run').textContent()).toMatch(/07:30 GMT\+2/);
      expect(
        await focusedElement(page, 'getAttribute("aria-label")', 'Edit the Daily schedule'),
        'focus back on the Edit button',
      ).toBe('Edit the Daily schedule');
      await shoot(page, '28-reports-schedule');
      expect(errors).toEqual([]);
      await page.close();
    }, 60_000);

    it('pages through the reports, newest first, with Load more', async () => {
      // Nine more, generated by an operator through the API: eleven in all, over two pages of ten.
      for (let i = 0; i < 9; i++) {
        const response = await reportingApi('reports', PRIVACY_OPERATOR_KEY, {
          method: 'POST',
          body: JSON.stringify({ regimes: ['lgpd'] }),
        });
        expect(response.status).toBe(201);
      }
      const all = (await storedReports()).map((r) => r.id);
      expect(all).toHaveLength(11);
      const { page, errors } = await openReports(DPO_KEY);
      await rows(page).first().waitFor();
      const ids = () => rows(page).evaluateAll((found) => found.map((r) => r.getAttribute('data-report')));
      expect(await ids()).toEqual(all.slice(0, 10));
      await page.getByRole('button', { name: 'Load more' }).click();
      await page.getByTestId('reports-notice').filter({ hasText: '1 older report loaded.' }).waitFor();
      expect(await ids()).toEqual(all);
      expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);
      expect(await page.getByTestId('reports-end').textContent()).toBe('That is every report kept.');
      expect(errors).toEqual([]);
      await page.close();
    }, 120_000);

    it('an auditor sees the schedules and reports, and is never offered generating a report or changing a schedule', async () => {
      // An API key: the service says whose it is (GET me) before the page offers anything, so
      // the auditor never sees a control it would refuse, not even for a moment.
      const { page, errors } = await openPage(browser);
      await page.goto(`${repServer.url}/reports`);
      await watchFor(page, REPORT_CONTROLS);
      await signIn(page, AUDITOR_KEY);
      await rows(page).first().waitFor({ timeout: 15_000 });
      expect(await rows(page).count()).toBe(10);
      expect(await page.getByTestId('signed-in').textContent()).toContain('Signed in as e2e-auditor (roles: auditor)');
      expect(await page.getByTestId('read-only').textContent()).toContain('(auditor)');
      expect(await page.getByRole('button', { name: 'Generate report now' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: /^Edit the/ }).count()).toBe(0);
      expect(await page.getByRole('button', { name: /^Download PDF/ }).count()).toBe(10);
      expect(await everShown(page), 'no control offered at any moment').toEqual([]);
      expect(errors).toEqual([]);
      await page.close();

      // Roles change: the service said dpo (its answer stood in for here), and the key is an
      // auditor's now. The controls are offered; the refusal takes them away.
      const stale = await openPage(browser, 1280, 900, [403]);
      await stale.page.route('**/api/automated-reporting/me', (route) =>
        route.fulfill({ json: { subject: 'e2e-auditor', roles: ['dpo'] } }),
      );
      await stale.page.goto(`${repServer.url}/reports`);
      await signIn(stale.page, AUDITOR_KEY);
      await rows(stale.page).first().waitFor({ timeout: 15_000 });
      expect(await stale.page.getByRole('button', { name: 'Edit the Daily schedule' }).count()).toBe(1);
      await stale.page.getByRole('button', { name: 'Generate report now' }).click();
      const refused = stale.page.getByTestId('generate-refused');
      await refused.waitFor({ timeout: 15_000 });
      expect(await refused.textContent()).toMatch(/may read reports but not generate them: .+/);
      expect(
        await focusedElement(stale.page, 'getAttribute("data-testid")', 'generate-refused'),
        'focus on the refusal, where the button was',
      ).toBe('generate-refused');
      expect(await stale.page.getByRole('button', { name: 'Generate report now' }).count()).toBe(0);
      expect(await stale.page.getByRole('button', { name: /^Edit the/ }).count(), 'no dpo: no editing either').toBe(0);
      expect((await storedReports()).length, 'nothing was generated').toBe(11);
      expect(stale.errors).toEqual([]);
      await stale.page.close();

      // With a token that says auditor, none of it is offered.
      const token = await signToken(MINT_JWT_SECRET, { subject: 'e2e-auditor', roles: ['auditor'], expiresIn: '1h' });
      const auditor = await openReports(token);
      await rows(auditor.page).first().waitFor();
      expect(await auditor.page.getByTestId('read-only').textContent()).toContain('(auditor)');
      expect(await auditor.page.getByRole('button', { name: 'Generate report now' }).count()).toBe(0);
      expect(await auditor.page.getByRole('button', { name: /^Edit the/ }).count()).toBe(0);
      expect(await auditor.page.getByRole('button', { name: /^Download PDF/ }).count()).toBe(10);
      expect(auditor.errors).toEqual([]);
      await auditor.page.close();
    }, 60_000);

    it('fits a narrow screen', async () => {
      const { page, errors } = await openReports(DPO_KEY, 390, 844);
      await rows(page).first().waitFor();
      const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
      expect(overflow, 'no sideways scrolling of the page').toBeLessThanOrEqual(0);
      for (const table of ['schedules', 'reports']) {
        const clipped = await page.evaluate<number>(
          `(t => t.scrollWidth - t.clientWidth)(document.querySelector('[data-testid=${table}] .table-wrap'))`,
        );
        expect(clipped, `the ${table} fit without scrolling sideways`).toBeLessThanOrEqual(0);
      }
      await page.screenshot({ path: join(SCREENSHOTS, '29-reports-mobile.png'), fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    }, 60_000);
  });

  describe.skipIf(!iotPresent)('the IoT devices page', () => {
    // quantum-iot-integration from its sources on its own database, on the real broker under a
    // topic root of its own and with a client id of its own, so no other test's devices or
    // broker session interfere. Devices are the service's simulator CLI, run as a person does.
    const IOT_DIR = join(REPO_ROOT, 'services/quantum-iot-integration');
    const DEVICE = 'ward-3-monitor';
    const clientId = `azora-iot-console-e2e-${randomBytes(4).toString('hex')}`;
    // The service's own libraries: ML-DSA key generation (as the simulator does it) and MQTT.
    const serviceRequire = createRequire(join(IOT_DIR, 'package.json'));
    let database: TestDatabase;
    let broker: TestMqtt;
    let root: string;
    let iot: NodeProcess;
    let iotMain: MainApp;
    let iotServer: StartedApp;
    let keyDir: string;
    let keyFile: string;
    /** The device's ML-DSA-44 public key, base64, as the registration form takes it. */
    let publicKey: string;
    let running: ReturnType<typeof simulate> | undefined;

    /** The simulator CLI against the test's broker and topic root; resolves with the line it prints at the end. */
    function simulate(args: string[]) {
      const child = spawn(
        process.execPath,
        ['--conditions=@azora/source', 'src/simulator.ts', '--mqtt', broker.url, '--topic-root', root, ...args],
        { cwd: IOT_DIR, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk) => {
        out += String(chunk);
      });
      child.stderr.on('data', (chunk) => {
        err += String(chunk);
      });
      const done = new Promise<{ deviceId: string; published: number; failed: number }>((resolve, reject) => {
        child.once('exit', (code) => {
          if (code === 0) resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '{}'));
          else reject(new Error(`the simulator exited with ${code}: ${err}`));
        });
      });
      return {
        done,
        stop: () => {
          if (child.exitCode === null) child.kill('SIGTERM');
          return done;
        },
      };
    }
    const iotApi = async <T>(path: string) => {
      const response = await fetch(`${iotServer.url}/api/quantum-iot-integration/${path}`, {
        headers: { 'x-api-key': AUDITOR_KEY },
      });
      expect(response.status, path).toBe(200);
      return (await response.json()) as T;
    };
    const openIot = async (key: string, width = 1280, height = 900, expected: readonly number[] = []) => {
      const opened = await openPage(browser, width, height, expected);
      await opened.page.goto(`${iotServer.url}/iot`);
      await signIn(opened.page, key);
      await opened.page.getByTestId('iot-summary').waitFor({ timeout: 15_000 });
      return opened;
    };
    /** What an operator or a dpo is offered: the registration form and each finding's Resolve button. */
    const IOT_CONTROLS = '[data-testid="register"], button[aria-label^="Resolve"]';
    const deviceRow = (page: Page, status?: string) =>
      page.locator(`[data-testid="device"][data-device="${DEVICE}"]${status ? `[data-status="${status}"]` : ''}`);

    beforeAll(async () => {
      database = await createTestDatabase('main_app_e2e_iot');
      broker = await createTestMqtt('main-app-e2e-iot');
      root = broker.topic('azora/iot');
      iot = await startService('quantum-iot-integration', {
        DATABASE_URL: database.url,
        MQTT_URL: broker.url,
        MQTT_CLIENT_ID: clientId,
        MQTT_TOPIC_ROOT: root,
        ALERTS_TOPIC: broker.topic('compliance/alerts'),
        API_KEYS: IOT_API_KEYS,
        JWT_SECRET: MINT_JWT_SECRET,
      });
      // The device's identity: a seed in the file the simulator reads (--key-file), and the
      // public key made from it the way the simulator makes it (ML-DSA-44 key generation).
      keyDir = await mkdtemp(join(tmpdir(), 'main-app-e2e-iot-'));
      keyFile = join(keyDir, `${DEVICE}.seed`);
      const seed = randomBytes(32);
      await writeFile(keyFile, `${seed.toString('base64')}\n`, { mode: 0o600 });
      const { ml_dsa44 } = (await import(serviceRequire.resolve('@noble/post-quantum/ml-dsa.js'))) as {
        ml_dsa44: { keygen: (seed: Uint8Array) => { publicKey: Uint8Array } };
      };
      publicKey = Buffer.from(ml_dsa44.keygen(seed).publicKey).toString('base64');
      iotMain = createMainApp({
        logger: quietLogger(),
        env: { [urlVariable('quantum-iot-integration')]: iot.url },
        deployed: new Set(['main-app', 'quantum-iot-integration']),
        pollIntervalMs: 1000,
        web: { kind: 'static', dir: buildDir },
      });
      await iotMain.start();
      iotServer = await startApp(iotMain.app);
    }, 120_000);

    afterAll(async () => {
      await running?.stop().catch(() => undefined);
      await iotServer?.close();
      for (const resource of iotMain?.resources ?? []) await resource.close();
      await iot?.stop();
      if (broker) {
        // The service's session on the broker (clean: false) ends with a clean connection of its
        // client id; the device's retained status is cleared.
        const mqtt = (await import(serviceRequire.resolve('mqtt'))) as {
          connectAsync: (url: string, options: object) => Promise<{ endAsync: () => Promise<void> }>;
        };
        await (await mqtt.connectAsync(broker.url, { clientId, clean: true, reconnectPeriod: 0 })).endAsync();
        await broker.client.publishAsync(`${root}/${DEVICE}/status`, '', { retain: true, qos: 1 });
        await broker.cleanup();
      }
      await database?.drop();
      if (keyDir) await rm(keyDir, { recursive: true, force: true });
    });

    it('the DPO registers a device through the page, each mistake shown beside its field', async () => {
      const { page, errors } = await openPage(browser, 1280, 900, [409]);
      await page.goto(`${iotServer.url}/`);
      await page.getByRole('link', { name: 'IoT devices' }).click();
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('IoT devices');
      expect(await page.getByTestId('signed-out').textContent()).toMatch(/auditor, operator or dpo.*dpo/);
      await signIn(page, DPO_KEY);
      await page.getByTestId('devices').getByText('No devices registered yet.').waitFor({ timeout: 15_000 });
      const form = page.getByTestId('register-form');
      const field = async (label: string) =>
        (await form.getByLabel(label, { exact: true }).getAttribute('id')) as string;
      const register = () => form.getByRole('button', { name: 'Register' }).click();

      // Nothing filled in: each field says what it needs, and focus lands on the first.
      await register();
      const idField = await field('Device id');
      expect(await focusedId(page, idField)).toBe(idField);
      expect(await form.locator('.field-error').count()).toBe(5);
      expect(await page.locator(`[id="${idField}-error"]`).textContent()).toMatch(/Give the device an id/);

      // A key cut short: its size said, before anything is sent.
      await form.getByLabel('Device id').fill(DEVICE);
      await form.getByLabel('Type').fill('health-sensor');
      await form.getByLabel('Location').fill('Ward 3, Groote Schuur');
      await form.getByLabel('Jurisdiction').fill('de');
      await form.getByLabel('Public key').fill(publicKey.slice(0, 100));
      await register();
      const keyField = await field('Public key');
      await page.locator(`[id="${keyField}-error"]`).filter({ hasText: 'this one is 75.' }).waitFor();
      expect(await focusedId(page, keyField)).toBe(keyField);
      expect(await form.locator('.field-error').count()).toBe(1);

      // The whole key, wrapped over lines as a terminal prints it.
      await form.getByLabel('Public key').fill(publicKey.replace(/(.{76})/g, '$1\n'));
      await register();
      await page
        .getByTestId('register-notice')
        .filter({ hasText: `Device ${DEVICE} registered (ML-DSA-44).` })
        .waitFor({ timeout: 15_000 });
      expect(await form.getByLabel('Device id').inputValue(), 'the form is cleared').toBe('');
      const row = deviceRow(page);
      await row.waitFor({ timeout: 15_000 });
      expect(await row.getAttribute('data-status')).toBe('offline');
      expect(await row.getByTestId('device-last-seen').textContent()).toBe('Never');
      expect(await row.textContent()).toContain('Ward 3, Groote Schuur');
      expect(await row.textContent()).toContain('DE');
      // As the service stored it: the pasted key, the DPO's name.
      expect(await iotApi(`devices/${DEVICE}`)).toMatchObject({
        id: DEVICE,
        type: 'health-sensor',
        jurisdiction: 'DE',
        algorithm: 'ML-DSA-44',
        publicKey,
        registeredBy: 'e2e-dpo',
      });

      // The same id again: the service's refusal, beside the id.
      await form.getByLabel('Device id').fill(DEVICE);
      await form.getByLabel('Type').fill('health-sensor');
      await form.getByLabel('Location').fill('Ward 4');
      await form.getByLabel('Jurisdiction').fill('DE');
      await form.getByLabel('Public key').fill(publicKey);
      await register();
      await page.locator(`[id="${idField}-error"]`).filter({ hasText: 'already registered' }).waitFor();
      expect(await focusedId(page, idField)).toBe(idField);
      await shoot(page, '30-iot-register');
      expect(errors).toEqual([]);
      await page.close();
    }, 60_000);

    it('shows the forged messages rejected, the device online, and its PHI finding, which the DPO resolves', async () => {
      // Someone publishing as the device, signing with a key of their own: every message rejected.
      const forged = await simulate([
        '--device',
        DEVICE,
        '--no-register',
        '--attack',
        'forged',
        '--count',
        '3',
        '--rate',
        '20',
      ]).done;
      expect(forged).toMatchObject({ deviceId: DEVICE, published: 3, failed: 0 });
      // The device itself: two readings carrying a patient's name and record number…
      const phi = await simulate([
        '--device',
        DEVICE,
        '--no-register',
        '--key-file',
        keyFile,
        '--type',
        'health-sensor',
        '--payload',
        JSON.stringify({ note: 'Patient: Jane Doe, MRN: 7781234' }),
        '--count',
        '2',
        '--rate',
        '10',
      ]).done;
      expect(phi).toMatchObject({ deviceId: DEVICE, published: 2, failed: 0 });
      // …then plain readings, one a second, until it is stopped.
      running = simulate([
        '--device',
        DEVICE,
        '--no-register',
        '--key-file',
        keyFile,
        '--type',
        'health-sensor',
        '--count',
        '600',
      ]);

      const { page, errors } = await openIot(DPO_KEY);
      await deviceRow(page, 'online').waitFor({ timeout: 30_000 });
      expect(await deviceRow(page).getByTestId('device-last-seen').locator('time').count()).toBe(1);
      await page.getByTestId('summary-devices').filter({ hasText: '1 online, 0 offline' }).waitFor();
      const summary = await iotApi<{ messages: { accepted: number; rejected: Record<string, number> } }>('summary');
      expect(summary.messages.rejected).toMatchObject({ bad_signature: 3, replayed: 0, stale: 0, unknown_device: 0 });
      expect(summary.messages.accepted).toBeGreaterThanOrEqual(2);
      expect(await page.getByTestId('summary-rejected').textContent()).toBe('3Bad signature: 3');

      // The forged messages, each with its reason in words and the device it claimed to be.
      const rejections = page.getByTestId('rejection');
      expect(await rejections.count()).toBe(3);
      for (const text of await rejections.allTextContents()) {
        expect(text).toContain('Bad signature');
        expect(text).toContain('not signed with the key the device registered');
        expect(text).toContain(DEVICE);
      }
      expect(await rejections.evaluateAll((all) => all.map((r) => r.getAttribute('data-reason')))).toEqual([
        'bad_signature',
        'bad_signature',
        'bad_signature',
      ]);

      // The finding: PHI from a health device, under HIPAA; what was found named, never shown.
      const finding = page.locator('[data-testid="finding"][data-kind="hipaa_phi"]');
      await finding.waitFor({ timeout: 15_000 });
      expect(await page.getByTestId('finding').count()).toBe(1);
      expect(await finding.textContent()).toContain('Health information (PHI)');
      expect(await finding.textContent()).toContain('HIPAA');
      expect(await finding.textContent()).toContain(DEVICE);
      expect(await finding.getByTestId('finding-occurrences').textContent()).toBe('2 times');
      expect(await page.locator('body').textContent()).not.toMatch(/Jane|7781234/);
      expect(await page.getByTestId('summary-findings').textContent()).toBe('1Health information (PHI): 1');

      // The DPO resolves it: gone from the open findings, resolved at the service, by her.
      await finding.getByRole('button', { name: `Resolve: Health information (PHI) on ${DEVICE}` }).click();
      await page.getByTestId('findings-notice').filter({ hasText: 'Resolved' }).waitFor({ timeout: 15_000 });
      expect(await page.getByTestId('findings-notice').textContent()).toBe(
        `Resolved: Health information (PHI) on ${DEVICE}, by e2e-dpo.`,
      );
      expect(await page.getByTestId('finding').count()).toBe(0);
      expect(await focusedId(page, 'findings-heading')).toBe('findings-heading');
      await page.getByTestId('summary-findings').filter({ hasText: /^0$/ }).waitFor({ timeout: 15_000 });
      const { findings } = await iotApi<{ findings: { status: string; resolvedBy: string }[] }>(
        `findings?device=${DEVICE}`,
      );
      expect(findings).toMatchObject([{ status: 'resolved', resolvedBy: 'e2e-dpo' }]);
      // Plain readings keep arriving, and open nothing new.
      const accepted = summary.messages.accepted;
      await expect
        .poll(async () => (await iotApi<{ messages: { accepted: number } }>('summary')).messages.accepted, {
          timeout: 15_000,
        })
        .toBeGreaterThan(accepted + 1);
      await expect
        .poll(async () => Number(await page.getByTestId('summary-accepted').textContent()), { timeout: 15_000 })
        .toBeGreaterThan(accepted + 1);
      expect(await page.getByTestId('finding').count()).toBe(0);
      await shoot(page, '31-iot');

      // The device stops: its offline status says so.
      const stopped = await running.stop();
      expect(stopped.published).toBeGreaterThan(0);
      await deviceRow(page, 'offline').waitFor({ timeout: 30_000 });
      await page.getByTestId('summary-devices').filter({ hasText: '0 online, 1 offline' }).waitFor();
      expect(errors).toEqual([]);
      await page.close();
    }, 120_000);

    it('shows an auditor the devices, findings and rejections, and never offers registering or resolving', async () => {
      // The device again, with a patient's name: an open finding, which a dpo could resolve.
      const phi = await simulate([
        '--device',
        DEVICE,
        '--no-register',
        '--key-file',
        keyFile,
        '--type',
        'health-sensor',
        '--payload',
        JSON.stringify({ note: 'Patient: John Roe, MRN: 5512345' }),
        '--count',
        '1',
      ]).done;
      expect(phi).toMatchObject({ deviceId: DEVICE, published: 1, failed: 0 });
      const finding = (page: Page) => page.locator('[data-testid="finding"][data-kind="hipaa_phi"]');

      // An API key: the service says whose it is (GET me) before the page offers anything, so
      // the auditor never sees a control it would refuse, not even for a moment.
      const keyed = await openPage(browser);
      await keyed.page.goto(`${iotServer.url}/iot`);
      await watchFor(keyed.page, IOT_CONTROLS);
      await signIn(keyed.page, AUDITOR_KEY);
      await finding(keyed.page).waitFor({ timeout: 15_000 });
      expect(await keyed.page.getByTestId('signed-in').textContent()).toContain(
        'Signed in as e2e-auditor (roles: auditor)',
      );
      expect(await keyed.page.getByTestId('read-only').textContent()).toContain('(auditor)');
      expect(await keyed.page.getByTestId('register').count()).toBe(0);
      expect(await keyed.page.getByRole('button', { name: /^Resolve/ }).count()).toBe(0);
      expect(await keyed.page.getByTestId('rejection').count()).toBe(3);
      expect(await everShown(keyed.page), 'no control offered at any moment').toEqual([]);
      expect(keyed.errors).toEqual([]);
      await keyed.page.close();

      // Roles change: the service said dpo (its answer stood in for here), and the key is an
      // auditor's now. The controls are offered; the refusal takes them away.
      const stale = await openPage(browser, 1280, 900, [403]);
      await stale.page.route('**/api/quantum-iot-integration/me', (route) =>
        route.fulfill({ json: { subject: 'e2e-auditor', roles: ['dpo'] } }),
      );
      await stale.page.goto(`${iotServer.url}/iot`);
      await signIn(stale.page, AUDITOR_KEY);
      await finding(stale.page).waitFor({ timeout: 15_000 });
      expect(
        await finding(stale.page)
          .getByRole('button', { name: /^Resolve/ })
          .count(),
      ).toBe(1);
      const form = stale.page.getByTestId('register-form');
      await form.getByLabel('Device id').fill('ward-4-monitor');
      await form.getByLabel('Type').fill('health-sensor');
      await form.getByLabel('Location').fill('Ward 4');
      await form.getByLabel('Jurisdiction').fill('DE');
      await form.getByLabel('Public key').fill(publicKey);
      await form.getByRole('button', { name: 'Register' }).click();
      const refused = stale.page.getByTestId('register-refused');
      await refused.waitFor({ timeout: 15_000 });
      expect(await refused.textContent()).toMatch(/may not register devices: .+/);
      expect(
        await focusedElement(stale.page, 'getAttribute("data-testid")', 'register-refused'),
        'focus on the refusal, where the form was',
      ).toBe('register-refused');
      expect(await stale.page.getByTestId('register').count()).toBe(0);
      expect(await stale.page.getByRole('button', { name: /^Resolve/ }).count(), 'no dpo: no resolving').toBe(0);
      expect((await iotApi<{ devices: unknown[] }>('devices')).devices).toHaveLength(1);
      expect(stale.errors).toEqual([]);
      await stale.page.close();

      // The DPO, for contrast: the form and the finding's Resolve button, from the start.
      const dpo = await openIot(DPO_KEY);
      await finding(dpo.page).waitFor({ timeout: 15_000 });
      expect(await dpo.page.getByTestId('register').count()).toBe(1);
      expect(
        await finding(dpo.page)
          .getByRole('button', { name: /^Resolve/ })
          .count(),
      ).toBe(1);
      expect(await dpo.page.getByTestId('read-only').count()).toBe(0);
      expect(dpo.errors).toEqual([]);
      await dpo.page.close();

      // With a token that says auditor, none of it is offered.
      const token = await signToken(MINT_JWT_SECRET, { subject: 'e2e-auditor', roles: ['auditor'], expiresIn: '1h' });
      const { page, errors } = await openIot(token);
      await deviceRow(page).waitFor({ timeout: 15_000 });
      expect(await page.getByTestId('read-only').textContent()).toContain('(auditor)');
      expect(await page.getByTestId('register').count()).toBe(0);
      expect(await page.getByRole('button', { name: /^Resolve/ }).count()).toBe(0);
      expect(await page.getByTestId('rejection').count()).toBe(3);
      expect(errors).toEqual([]);
      await page.close();
    }, 120_000);

    it('fits a narrow screen', async () => {
      const { page, errors } = await openIot(DPO_KEY, 390, 844);
      await deviceRow(page).waitFor({ timeout: 15_000 });
      await page.getByTestId('rejection').first().waitFor();
      const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
      expect(overflow, 'no sideways scrolling of the page').toBeLessThanOrEqual(0);
      for (const table of ['devices', 'rejections']) {
        const clipped = await page.evaluate<number>(
          `(t => t.scrollWidth - t.clientWidth)(document.querySelector('[data-testid=${table}] .table-wrap'))`,
        );
        expect(clipped, `the ${table} fit without scrolling sideways`).toBeLessThanOrEqual(0);
      }
      await page.screenshot({ path: join(SCREENSHOTS, '32-iot-mobile.png'), fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    }, 60_000);
  });

  describe.skipIf(!tracingPresent)('the Traces page', () => {
    // tracing-recovery from its sources on its own database, with its demo traces (DEMO_SEED):
    // twelve chat requests main-app → ai-chatbot → ai-sentiment and one failed vision request
    // main-app → ai-vision, all from the last few minutes. It watches the live ai-sentiment
    // started above, and restarts nothing (RUNTIME=none).
    let database: TestDatabase;
    let tracing: NodeProcess;
    let trMain: MainApp;
    let trServer: StartedApp;

    interface StoredTrace {
      traceId: string;
      rootService: string;
      rootName: string;
    }
    interface StoredSpan {
      service: string;
      name: string;
      children: StoredSpan[];
    }
    const tracingApi = async <T>(path: string): Promise<T> => {
      const response = await fetch(`${trServer.url}/api/tracing-recovery/${path}`);
      expect(response.status, path).toBe(200);
      return (await response.json()) as T;
    };
    const storedTraces = async (query = '') => (await tracingApi<{ traces: StoredTrace[] }>(`traces${query}`)).traces;
    const traceRows = (page: Page) => page.getByTestId('trace');
    const traceIds = (page: Page) =>
      traceRows(page).evaluateAll((rows) => rows.map((row) => row.getAttribute('data-trace')));
    const openTraces = async (width = 1280, height = 900) => {
      const opened = await openPage(browser, width, height);
      await opened.page.goto(`${trServer.url}/traces`);
      await traceRows(opened.page).first().waitFor({ timeout: 15_000 });
      return opened;
    };

    beforeAll(async () => {
      database = await createTestDatabase('main_app_e2e_traces');
      tracing = await startService('tracing-recovery', {
        DATABASE_URL: database.url,
        REDIS_URL: redis.url,
        REDIS_KEY_PREFIX: `${redis.prefix}tracing:`,
        DEMO_SEED: 'true',
        RUNTIME: 'none',
        DEPLOYED_SERVICES: 'ai-sentiment',
        [urlVariable('ai-sentiment')]: services.get('ai-sentiment')?.url ?? `http://127.0.0.1:${await freePort()}`,
        API_KEYS: OPS_API_KEYS,
        JWT_SECRET: MINT_JWT_SECRET,
      });
      trMain = createMainApp({
        logger: quietLogger(),
        env: { [urlVariable('tracing-recovery')]: tracing.url },
        deployed: new Set(['main-app', 'tracing-recovery']),
        pollIntervalMs: 1000,
        web: { kind: 'static', dir: buildDir },
      });
      await trMain.start();
      trServer = await startApp(trMain.app);
    }, 120_000);

    afterAll(async () => {
      await trServer?.close();
      for (const resource of trMain?.resources ?? []) await resource.close();
      await tracing?.stop();
      await database?.drop();
    });

    it('lists the recent traces, searches them by service, and opens one as a waterfall of its spans in order', async () => {
      const { page, errors } = await openPage(browser);
      await page.goto(`${trServer.url}/`);
      await page.getByRole('link', { name: 'Traces' }).click();
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Traces');
      const notice = page.getByTestId('trace-notice');
      await notice.filter({ hasText: '13 traces, in the last hour.' }).waitFor({ timeout: 15_000 });
      const all = await storedTraces();
      expect(all).toHaveLength(13);
      expect(await traceIds(page), 'newest first, as the service answers').toEqual(all.map((t) => t.traceId));

      // Through ai-vision: the one request that failed, its two failing spans counted.
      await page.getByLabel('Service', { exact: true }).selectOption('ai-vision');
      await page.getByRole('button', { name: 'Search' }).click();
      await notice.filter({ hasText: '1 trace through ai-vision, in the last hour.' }).waitFor();
      expect(await traceRows(page).count()).toBe(1);
      const vision = traceRows(page).first();
      expect(await vision.getAttribute('data-error')).toBe('true');
      expect(await vision.getByTestId('trace-errors').textContent()).toBe('2 errors');
      expect(await vision.getByTestId('trace-duration').textContent()).toBe('1.21 s');

      // Through ai-chatbot: the twelve chats.
      await page.getByLabel('Service', { exact: true }).selectOption('ai-chatbot');
      await page.getByRole('button', { name: 'Search' }).click();
      await notice.filter({ hasText: '12 traces through ai-chatbot, in the last hour.' }).waitFor();
      const chats = await storedTraces('?service=ai-chatbot');
      expect(await traceIds(page)).toEqual(chats.map((t) => t.traceId));
      const newest = chats[0] as StoredTrace;
      expect(await traceRows(page).first().getByTestId('trace-errors').textContent()).toBe('None');
      await traceRows(page)
        .first()
        .getByRole('button', { name: /^Open trace POST \/api\/chatbot\/\*path from main-app, 48 ms$/ })
        .click();
      const waterfall = page.getByTestId('waterfall');
      const spans = waterfall.getByTestId('span');
      await spans.first().waitFor();
      expect(await waterfall.getAttribute('data-trace')).toBe(newest.traceId);
      expect(await focusedId(page, 'waterfall-heading'), 'focus on the opened trace').toBe('waterfall-heading');
      // Each span under its caller, in the order they ran, with its service.
      expect(
        await spans.evaluateAll((rows) =>
          rows.map((row) => [row.getAttribute('data-service'), row.getAttribute('data-depth')]),
        ),
      ).toEqual([
        ['main-app', '0'],
        ['main-app', '1'],
        ['ai-chatbot', '2'],
        ['ai-chatbot', '3'],
        ['ai-sentiment', '4'],
      ]);
      expect(await spans.getByTestId('span-name').allTextContents()).toEqual([
        'POST /api/chatbot/*path',
        'POST ai-chatbot',
        'POST /api/chatbot/messages',
        'POST ai-sentiment',
        'POST /api/sentiment/analyze',
      ]);
      expect(await spans.getByTestId('span-duration').allTextContents()).toEqual([
        '48 ms',
        '46 ms',
        '43 ms',
        '9 ms',
        '7 ms',
      ]);
      expect(await waterfall.getByTestId('span-error').count()).toBe(0);
      // As the service stored the tree, depth first.
      const tree = await tracingApi<{ roots: StoredSpan[] }>(`traces/${newest.traceId}`);
      const flat: StoredSpan[] = [];
      const walk = (span: StoredSpan) => {
        flat.push(span);
        for (const child of span.children) walk(child);
      };
      for (const root of tree.roots) walk(root);
      expect(await spans.getByTestId('span-name').allTextContents()).toEqual(flat.map((span) => span.name));
      // The bars: the root's spans the trace; each later span starts further right (it started later).
      const bars = await spans
        .getByTestId('span-bar')
        .evaluateAll((all) =>
          all.map((bar) => [Number(bar.getAttribute('data-left')), Number(bar.getAttribute('data-width'))]),
        );
      expect(bars[0]).toEqual([0, 100]);
      const lefts = bars.map(([left]) => left as number);
      expect(lefts).toEqual([...lefts].sort((a, b) => a - b));
      expect(new Set(lefts).size).toBe(5);
      // The ask to ai-sentiment started 20 ms into the 48 ms trace and took 9 ms.
      expect(bars[3]).toEqual([41.67, 18.75]);
      // A span's attributes, one click away.
      await spans.nth(2).getByText('POST /api/chatbot/messages').click();
      expect(await spans.nth(2).textContent()).toContain('http.route/api/chatbot/messages');
      await shoot(page, '33-traces-waterfall');
      expect(errors).toEqual([]);
      await page.close();
    }, 60_000);

    it('checks the minimum duration beside its field, and finds the failed request by its duration and by its errors', async () => {
      const { page, errors } = await openTraces();
      const notice = page.getByTestId('trace-notice');
      const duration = page.getByLabel('Minimum duration (ms)');
      const id = (await duration.getAttribute('id')) as string;
      await duration.fill('slow');
      await page.getByRole('button', { name: 'Search' }).click();
      const fieldError = page.locator(`[id="${id}-error"]`);
      await fieldError.waitFor();
      expect(await fieldError.textContent()).toBe('Enter a number of milliseconds, 0 or more, e.g. 250.');
      expect(await duration.getAttribute('aria-invalid')).toBe('true');
      expect(await duration.getAttribute('aria-describedby')).toContain(`${id}-error`);
      expect(await focusedId(page, id), 'the person lands on the field to fix').toBe(id);

      await duration.fill('1000');
      await page.getByRole('button', { name: 'Search' }).click();
      await notice.filter({ hasText: '1 trace taking 1 s or more, in the last hour.' }).waitFor();
      expect(await fieldError.count()).toBe(0);
      expect(await traceRows(page).first().getAttribute('data-service')).toBe('main-app');
      expect(
        await traceRows(page)
          .first()
          .getByRole('button', { name: /^Open trace/ })
          .textContent(),
      ).toBe('POST /api/vision/*path');

      await duration.fill('');
      await page.getByLabel('Errors only').check();
      await page.getByRole('button', { name: 'Search' }).click();
      await notice.filter({ hasText: '1 trace with errors, in the last hour.' }).waitFor();
      const [failed] = await storedTraces('?error=true');
      expect(await traceIds(page)).toEqual([failed?.traceId]);
      await traceRows(page)
        .first()
        .getByRole('button', { name: /^Open trace/ })
        .click();
      const spans = page.getByTestId('waterfall').getByTestId('span');
      await spans.first().waitFor();
      // The gateway answered (a 502); the proxy call and ai-vision's own span failed, and say so.
      expect(await spans.evaluateAll((rows) => rows.map((row) => row.getAttribute('data-error')))).toEqual([
        'false',
        'true',
        'true',
      ]);
      expect(await spans.getByTestId('span-service').allTextContents()).toEqual(['main-app', 'main-app', 'ai-vision']);
      expect(await page.getByTestId('waterfall').getByTestId('span-error').allTextContents()).toEqual([
        'Error',
        'Error',
      ]);
      expect(await page.getByTestId('waterfall-summary').textContent()).toContain('3 spans over 1.21 s');
      expect(await page.getByTestId('waterfall-summary').textContent()).toContain('2 failed');
      await shoot(page, '34-traces-errors');
      expect(errors).toEqual([]);
      await page.close();
    }, 60_000);

    it('shows the service graph with each caller → callee’s calls, failures and average time, and a service’s stats when chosen', async () => {
      const { page, errors } = await openTraces();
      const graph = page.getByTestId('graph');
      await graph.getByTestId('edge').first().waitFor({ timeout: 15_000 });
      const stored = await tracingApi<{ edges: { caller: string; callee: string; calls: number }[] }>('dependencies');
      const edges = await graph
        .getByTestId('edge')
        .evaluateAll((rows) =>
          rows.map((row) => `${row.getAttribute('data-caller')} → ${row.getAttribute('data-callee')}`),
        );
      expect(edges).toEqual(stored.edges.map((e) => `${e.caller} → ${e.callee}`));
      expect(edges).toEqual(['ai-chatbot → ai-sentiment', 'main-app → ai-chatbot', 'main-app → ai-vision']);
      const edge = (caller: string, callee: string) =>
        graph.locator(`[data-testid="edge"][data-caller="${caller}"][data-callee="${callee}"]`);
      const cells = async (caller: string, callee: string) =>
        Promise.all(
          ['edge-calls', 'edge-errors', 'edge-avg'].map((id) => edge(caller, callee).getByTestId(id).textContent()),
        );
      expect(await cells('main-app', 'ai-chatbot')).toEqual(['12', 'none of 12 failed', '43 ms']);
      expect(await cells('ai-chatbot', 'ai-sentiment')).toEqual(['12', 'none of 12 failed', '7 ms']);
      expect(await cells('main-app', 'ai-vision')).toEqual(['1', '1 of 1 failed (100%)', '1.2 s']);
      expect(await edge('main-app', 'ai-chatbot').getByRole('button').allTextContents()).toEqual([
        'main-app',
        'ai-chatbot',
      ]);
      const drawing = graph.getByTestId('graph-drawing');
      expect(await drawing.isVisible()).toBe(true);
      expect(await drawing.getAttribute('aria-label')).toContain('main-app calls ai-chatbot (12)');

      // A service's numbers, from its server spans.
      await edge('main-app', 'ai-chatbot').getByRole('button', { name: 'Stats for ai-chatbot' }).click();
      const stats = page.locator('[data-testid="stats"][data-service="ai-chatbot"]');
      await stats.getByTestId('stats-requests').waitFor();
      expect(await focusedId(page, 'stats-heading')).toBe('stats-heading');
      const chatbot = await tracingApi<{ requests: number; errors: number }>('services/ai-chatbot/stats?minutes=15');
      expect(chatbot).toMatchObject({ requests: 12, errors: 0 });
      expect(await stats.getByTestId('stats-requests').textContent()).toBe('12');
      expect(await stats.getByTestId('stats-errors').textContent()).toBe('0 (0%)');
      await edge('main-app', 'ai-vision').getByRole('button', { name: 'Stats for ai-vision' }).click();
      const visionStats = page.locator('[data-testid="stats"][data-service="ai-vision"]');
      await visionStats.getByTestId('stats-errors').filter({ hasText: '1 (100%)' }).waitFor();
      expect(await visionStats.getByTestId('stats-requests').textContent()).toBe('1');

      // The watched ai-sentiment answers its readiness check.
      const sentiment = page.locator('[data-testid="traced-service"][data-service="ai-sentiment"]');
      await sentiment.filter({ hasText: /\bready\b/ }).waitFor();
      expect(await sentiment.textContent()).not.toContain('not ready');
      await shoot(page, '35-traces-graph');
      expect(errors).toEqual([]);
      await page.close();
    }, 60_000);

    it('fits a narrow screen', async () => {
      const { page, errors } = await openTraces(390, 844);
      await traceRows(page)
        .first()
        .getByRole('button', { name: /^Open trace/ })
        .click();
      await page.getByTestId('span').first().waitFor();
      await page.getByTestId('edge').first().waitFor();
      const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
      expect(overflow, 'no sideways scrolling of the page').toBeLessThanOrEqual(0);
      for (const part of ['traces', 'waterfall', 'graph']) {
        const clipped = await page.evaluate<number>(
          `(t => t.scrollWidth - t.clientWidth)(document.querySelector('[data-testid=${part}] .table-wrap'))`,
        );
        expect(clipped, `the ${part} table fits without scrolling sideways`).toBeLessThanOrEqual(0);
      }
      // The drawing is for wide screens; the graph's table says the same, readable at this width.
      expect(await page.getByTestId('graph-drawing').isVisible()).toBe(false);
      expect(await page.getByTestId('edge').first().isVisible()).toBe(true);
      await page.screenshot({ path: join(SCREENSHOTS, '36-traces-mobile.png'), fullPage: true });
      await page.getByTestId('waterfall').screenshot({ path: join(SCREENSHOTS, '36-traces-mobile-waterfall.png') });
      expect(errors).toEqual([]);
      await page.close();
    }, 60_000);
  });

  describe.skipIf(!tracingPresent || !snapshotsPresent || !lgpdPresent)('the Operations page', () => {
    // tracing-recovery watching ai-vision at a port where nothing listens (checked every half
    // second, so its `down` issue opens at once), with no runtime to restart anything with; it
    // leaves `down` issues to people (RECOVER_KINDS=latency), so an operator's Recover meets no
    // claim of the detector's. snapshot-scheduler with one Postgres target: the LGPD service's
    // database started above; its schedules are far off (1 January), so every snapshot here is
    // one the test asked for.
    let tracingDb: TestDatabase;
    let scratch: TestDatabase;
    let snapshotsDir: string;
    let tracing: NodeProcess;
    let scheduler: NodeProcess;
    let opsMain: MainApp;
    let opsServer: StartedApp;
    const FAR_OFF = '0 0 1 1 *';

    interface StoredSnapshot {
      id: string;
      service: string;
      database: string;
      totalBytes: number;
      contents: { tables?: number };
    }
    const opsApi = async <T>(path: string, key = OPS_VIEWER_KEY): Promise<T> => {
      const response = await fetch(`${opsServer.url}/api/${path}`, { headers: { 'x-api-key': key } });
      expect(response.status, path).toBe(200);
      return (await response.json()) as T;
    };
    const storedSnapshots = async () =>
      (await opsApi<{ snapshots: StoredSnapshot[] }>('snapshot-scheduler/snapshots')).snapshots;
    const issueRow = (page: Page) => page.locator('[data-testid="issue"][data-subject="ai-vision"][data-kind="down"]');
    /** What tracing-recovery knew, for a failure to show beside what the page showed. */
    const trackerSays = {
      'tracing-recovery /status': () => fetch(`${tracing.url}/api/tracing-recovery/status`).then((r) => r.text()),
      'tracing-recovery output': async () => tracing.output().slice(-500),
    };
    const snapshotRows = (page: Page) => page.getByTestId('snapshot');
    interface OpenOptions {
      width?: number;
      height?: number;
      expected?: readonly (number | string)[];
      watch?: string;
      before?: (page: Page) => Promise<unknown>;
    }
    /** What an operator or an admin is offered: Recover, Snapshot now and Restore. */
    const OPS_CONTROLS = 'button[aria-label^="Recover"], [data-testid="snapshot-now"], button[aria-label^="Restore"]';
    /** Signed in with `credential`; `watch`: the controls to record from before signing in (see `watchFor`). */
    const openOperations = async (
      credential: string,
      { width = 1280, height = 900, expected = [], watch, before }: OpenOptions = {},
    ) => {
      const opened = await openPage(browser, width, height, expected);
      await before?.(opened.page);
      await opened.page.goto(`${opsServer.url}/operations`);
      if (watch) await watchFor(opened.page, watch);
      await signIn(opened.page, credential);
      await opened.page.getByTestId('scheduler').waitFor({ timeout: 15_000 });
      await shown(issueRow(opened.page), 15_000, trackerSays);
      return opened;
    };
    /** Every table of a database with its rows, for comparing a restore with its source. */
    const tablesOf = async (database: TestDatabase) => {
      const pool = database.pool();
      try {
        const { rows } = await pool.query<{ name: string }>(
          `SELECT table_name AS name FROM information_schema.tables
           WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`,
        );
        const counts: Record<string, number> = {};
        for (const { name } of rows) {
          const result = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${name}"`);
          counts[name] = result.rows[0]?.n ?? -1;
        }
        return counts;
      } finally {
        await pool.end();
      }
    };

    beforeAll(async () => {
      [tracingDb, scratch] = await Promise.all([
        createTestDatabase('main_app_e2e_operations'),
        // An empty database the admin restores the LGPD snapshot into, leaving the live one alone.
        createTestDatabase('main_app_e2e_restored'),
      ]);
      snapshotsDir = await mkdtemp(join(tmpdir(), 'main-app-e2e-snapshots-'));
      tracing = await startService('tracing-recovery', {
        DATABASE_URL: tracingDb.url,
        REDIS_URL: redis.url,
        REDIS_KEY_PREFIX: `${redis.prefix}operations:`,
        RUNTIME: 'none',
        DEPLOYED_SERVICES: 'ai-vision',
        [urlVariable('ai-vision')]: `http://127.0.0.1:${await freePort()}`,
        POLL_INTERVAL_MS: '500',
        // No start-up grace: ai-vision was never ready, and is down from the first check.
        STARTUP_GRACE_MS: '0',
        RECOVER_KINDS: 'latency',
        API_KEYS: OPS_API_KEYS,
        JWT_SECRET: MINT_JWT_SECRET,
      });
      scheduler = await startService('snapshot-scheduler', {
        REDIS_URL: redis.url,
        REDIS_KEY_PREFIX: `${redis.prefix}snapshots:`,
        POSTGRES_URL: adminDatabaseUrl(),
        ...(mongo ? { MONGODB_URI: mongo.uriFor('snapshots_e2e') } : {}),
        SNAPSHOTS_DIR: snapshotsDir,
        SNAPSHOT_CRON: FAR_OFF,
        RECOVERY_CRON: FAR_OFF,
        DEPLOYED_SERVICES: 'lgpd-compliance',
        DATA_LOCATIONS: `lgpd-compliance/postgres=${lgpdDatabase?.name}`,
        TRACING_RECOVERY_URL: tracing.url,
        RECOVERY_API_KEY: OPS_OPERATOR_KEY,
        API_KEYS: OPS_API_KEYS,
        JWT_SECRET: MINT_JWT_SECRET,
      });
      opsMain = createMainApp({
        logger: quietLogger(),
        env: {
          [urlVariable('tracing-recovery')]: tracing.url,
          [urlVariable('snapshot-scheduler')]: scheduler.url,
        },
        deployed: new Set(['main-app', 'tracing-recovery', 'snapshot-scheduler']),
        pollIntervalMs: 1000,
        timeoutMs: 90_000,
        web: { kind: 'static', dir: buildDir },
      });
      await opsMain.start();
      opsServer = await startApp(opsMain.app);
    }, 120_000);

    afterAll(async () => {
      await opsServer?.close();
      for (const resource of opsMain?.resources ?? []) await resource.close();
      await scheduler?.stop();
      await tracing?.stop();
      await tracingDb?.drop();
      await scratch?.drop();
      if (snapshotsDir) await rm(snapshotsDir, { recursive: true, force: true });
    });

    it('shows the health watch and the open issue of the dead ai-vision; an operator’s Recover is refused, in words, for want of a runtime', async () => {
      const { page, errors } = await openPage(browser, 1280, 900, [422]);
      await page.goto(`${opsServer.url}/`);
      await page.getByRole('link', { name: 'Operations' }).click();
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Operations');
      // Signed out: the watch and the issues (public), no Recover, and no snapshots.
      const issue = issueRow(page);
      await shown(issue, 20_000, trackerSays);
      const [open] = await opsApi<{ issues: { id: string; summary: string }[] }>(
        'tracing-recovery/issues?status=open',
      ).then((a) => a.issues);
      expect(await issue.getAttribute('data-issue')).toBe(open?.id);
      expect(await issue.getByTestId('issue-kind').textContent()).toBe('Down');
      expect(await issue.getByTestId('issue-summary').textContent()).toBe(open?.summary);
      expect(open?.summary).toMatch(/^ai-vision is down \(/);
      expect(await issue.getByTestId('issue-claim').textContent()).toBe('Nobody');
      const watched = page.locator('[data-testid="watched"][data-service="ai-vision"]');
      await watched.and(page.locator('[data-ready="false"]')).waitFor();
      expect(await watched.textContent()).toContain('Not ready');
      expect(await page.getByTestId('runtime').getAttribute('data-runtime')).toBe('none');
      expect(await page.getByTestId('dry-run').textContent()).toMatch(/^Off/);
      expect(await page.getByTestId('infrastructure-none').count()).toBe(1);
      expect(await page.getByRole('button', { name: /^Recover/ }).count()).toBe(0);
      expect(await page.getByTestId('recover-sign-in').textContent()).toContain('operator or an admin');
      expect(await page.getByTestId('snapshots-signed-out').textContent()).toMatch(/operator or admin.*admin/);
      expect(await page.getByTestId('recovery').count(), 'the detector leaves down issues to people here').toBe(0);

      // The operator signs in with an API key; tracing-recovery says whose (GET me): Recover is offered.
      await signIn(page, OPS_OPERATOR_KEY);
      await issue.getByRole('button', { name: 'Recover ai-vision: Down' }).click();
      const notice = page.getByTestId('recover-notice');
      await notice.filter({ hasText: 'was not restarted' }).waitFor({ timeout: 15_000 });
      expect(await notice.textContent()).toBe(
        'ai-vision was not restarted: no runtime: neither a Docker socket nor DEV_CONTROL_URL.',
      );
      expect(await notice.getAttribute('data-tone')).toBe('refused');
      // The refusal is recorded as an action, the operator named; the issue stays open, unclaimed.
      const action = page.locator('[data-testid="recovery"][data-service="ai-vision"][data-outcome="unsupported"]');
      await action.waitFor({ timeout: 15_000 });
      expect(await action.textContent()).toContain('operator e2e-operator');
      expect(await action.getByTestId('recovery-outcome').textContent()).toBe('Unsupported');
      const [recorded] = await opsApi<{ recoveries: { trigger: string; outcome: string; issueId: string }[] }>(
        'tracing-recovery/recoveries',
      ).then((a) => a.recoveries);
      expect(recorded).toMatchObject({ trigger: 'operator:e2e-operator', outcome: 'unsupported', issueId: open?.id });
      expect(await issue.getByTestId('issue-claim').textContent()).toBe('Nobody');
      await shoot(page, '37-operations');
      expect(errors).toEqual([]);
      await page.close();
    }, 90_000);

    it('an operator takes a snapshot now and sees it listed with its size; Restore is an admin’s, after a confirmation naming the target', async () => {
      const { page, errors } = await openOperations(OPS_OPERATOR_KEY, { watch: OPS_CONTROLS });
      const status = await opsApi<{ activeScheduler: { instance: string } }>('snapshot-scheduler/status');
      expect(await page.getByTestId('leader').getAttribute('data-leader')).toBe(status.activeScheduler.instance);
      expect(await page.getByTestId('next-snapshots').textContent()).toContain(FAR_OFF);
      expect(await page.getByTestId('next-recovery').textContent()).toContain(FAR_OFF);
      expect(await page.getByTestId('snapshots-count').textContent()).toBe('0 kept');

      await page.getByLabel('What to snapshot').selectOption('lgpd-compliance/postgres');
      await page.getByRole('button', { name: 'Snapshot now' }).click();
      const notice = page.getByTestId('snapshot-notice');
      await notice.filter({ hasText: 'Snapshot taken' }).waitFor({ timeout: 60_000 });
      const [taken] = await storedSnapshots();
      expect(taken).toMatchObject({ service: 'lgpd-compliance', database: lgpdDatabase?.name });
      const row = page.locator(`[data-testid="snapshot"][data-snapshot="${taken?.id}"]`);
      await row.waitFor();
      const size = (await row.getByTestId('snapshot-size').textContent()) as string;
      expect(await notice.textContent()).toBe(`Snapshot taken: lgpd-compliance's Postgres (${size}).`);
      // The size the manifest gives, as people read it.
      const [, amount, unit] = /^([\d.]+) (B|kB|MB)$/.exec(size) ?? [];
      const scale = { B: 1, kB: 1000, MB: 1_000_000 }[unit as 'B' | 'kB' | 'MB'];
      expect(Math.abs(Number(amount) * scale - (taken?.totalBytes ?? 0))).toBeLessThanOrEqual(scale / 10);
      expect(await row.textContent()).toContain(`${taken?.contents.tables} tables`);
      expect(await page.getByTestId('snapshots-count').textContent()).toBe('1 kept');

      // The services say the operator's API key is an operator's: Recover and Snapshot now, never Restore.
      expect(await page.getByTestId('signed-in').textContent()).toContain(
        'Signed in as e2e-operator (roles: operator)',
      );
      expect(await page.getByRole('button', { name: /^Restore/ }).count()).toBe(0);
      const shown = await everShown(page);
      expect(shown).toContain('Recover ai-vision: Down');
      expect(shown).toContain('snapshot-now');
      expect(
        shown.filter((what) => what.startsWith('Restore')),
        'Restore never offered to an operator',
      ).toEqual([]);
      expect(errors).toEqual([]);
      await page.close();

      // An admin (an API key: snapshot-scheduler says it is an admin's) restores it into an empty
      // database, not the live one.
      const admin = await openOperations(OPS_ADMIN_KEY);
      const restoreButton = admin.page.getByRole('button', { name: /^Restore lgpd-compliance's Postgres snapshot/ });
      await restoreButton.click();
      const confirm = admin.page.getByRole('dialog');
      await confirm.waitFor();
      const target = confirm.getByLabel('Restore into');
      const targetId = (await target.getAttribute('id')) as string;
      expect(await focusedId(admin.page, targetId), 'the dialog opens on where to restore').toBe(targetId);
      expect(await target.inputValue()).toBe(lgpdDatabase?.name);
      expect(await confirm.getByTestId('restore-what').textContent()).toContain(
        `This replaces the data in ${lgpdDatabase?.name} with the snapshot taken`,
      );
      // A name Postgres would not take: said beside the field, before anything is sent.
      await target.fill('Scratch DB');
      await confirm.getByRole('button', { name: 'Restore into Scratch DB' }).click();
      const targetError = admin.page.locator(`[id="${targetId}-error"]`);
      await targetError.waitFor();
      expect(await targetError.textContent()).toMatch(/^A Postgres database name is lower-case letters/);
      expect(await target.getAttribute('aria-invalid')).toBe('true');
      expect(await focusedId(admin.page, targetId)).toBe(targetId);
      await target.fill(scratch.name);
      expect(await targetError.count(), 'the mistake is no longer marked once the name changes').toBe(0);
      expect(await confirm.getByTestId('restore-what').textContent()).toContain(`replaces the data in ${scratch.name}`);
      await shoot(admin.page, '38-operations-restore');
      await confirm.getByRole('button', { name: `Restore into ${scratch.name}` }).click();
      const restored = admin.page.getByTestId('restore-notice');
      await restored.filter({ hasText: 'Restored' }).waitFor({ timeout: 60_000 });
      expect(await restored.textContent()).toMatch(
        new RegExp(
          `^Restored lgpd-compliance's Postgres snapshot into ${scratch.name} in .+: ${taken?.contents.tables} tables\\.$`,
        ),
      );
      expect(await confirm.count()).toBe(0);
      // Focus moves back in the next animation frame: wait for it (5 s at most), then check.
      const focusedLabel = 'document.activeElement?.getAttribute("aria-label") ?? ""';
      await admin.page
        .waitForFunction(`(${focusedLabel}).startsWith("Restore lgpd-compliance's Postgres snapshot")`, undefined, {
          timeout: 5000,
        })
        .catch(() => undefined);
      expect(await admin.page.evaluate<string>(focusedLabel), 'focus back on the Restore button').toMatch(
        /^Restore lgpd-compliance's Postgres snapshot/,
      );
      // The restored copy holds the live database's tables with their rows.
      const source = await tablesOf(lgpdDatabase as TestDatabase);
      expect(Object.keys(source).length).toBeGreaterThan(0);
      expect(await tablesOf(scratch)).toEqual(source);
      expect(admin.errors).toEqual([]);
      await admin.page.close();
    }, 180_000);

    it('a viewer, by token or API key, sees the issues and the snapshots but never a button; when the services cannot say whose a key is, it is offered, refused and loses the button', async () => {
      const token = await signToken(MINT_JWT_SECRET, { subject: 'e2e-viewer', roles: ['viewer'], expiresIn: '1h' });
      const { page, errors } = await openPage(browser);
      await page.goto(`${opsServer.url}/operations`);
      await watchFor(page, OPS_CONTROLS);
      await signIn(page, token);
      await snapshotRows(page).first().waitFor({ timeout: 15_000 });
      await issueRow(page).waitFor();
      expect(await snapshotRows(page).count()).toBe((await storedSnapshots()).length);
      expect(await page.getByTestId('snapshots-read-only').textContent()).toContain('(viewer)');
      expect(await page.getByRole('button', { name: /^Recover/ }).count()).toBe(0);
      expect(await page.getByRole('button', { name: /^Restore/ }).count()).toBe(0);
      expect(await page.getByTestId('snapshot-now').count()).toBe(0);
      expect(await everShown(page), 'no control offered at any moment').toEqual([]);
      expect(errors).toEqual([]);
      await page.close();

      // An API key says nothing of its roles, but both services do (GET me): the page waits for
      // them, so the viewer never sees a control it would be refused, not even for a moment.
      const viewer = await openOperations(OPS_VIEWER_KEY, { watch: OPS_CONTROLS });
      await snapshotRows(viewer.page).first().waitFor({ timeout: 15_000 });
      expect(await viewer.page.getByTestId('signed-in').textContent()).toContain(
        'Signed in as e2e-viewer (roles: viewer)',
      );
      expect(await viewer.page.getByTestId('recover-read-only').textContent()).toContain('(viewer)');
      expect(await viewer.page.getByTestId('snapshots-read-only').textContent()).toContain('(viewer)');
      expect(await viewer.page.getByRole('button', { name: /^Recover/ }).count()).toBe(0);
      expect(await viewer.page.getByRole('button', { name: /^Restore/ }).count()).toBe(0);
      expect(await viewer.page.getByTestId('snapshot-now').count()).toBe(0);
      expect(await everShown(viewer.page), 'no control offered at any moment').toEqual([]);
      expect(viewer.errors).toEqual([]);
      await viewer.page.close();

      // Services that cannot say whose a key is (GET me not found): offered, refused by the
      // service, taken away.
      const keyed = await openOperations(OPS_VIEWER_KEY, {
        expected: [404, 403],
        before: (page) =>
          page.route('**/api/*/me', (route) =>
            route.fulfill({
              status: 404,
              contentType: 'application/problem+json',
              body: JSON.stringify({ title: 'Not Found', status: 404, detail: 'no such route' }),
            }),
          ),
      });
      expect(await keyed.page.getByTestId('recover-read-only').count()).toBe(0);
      expect(await keyed.page.getByTestId('snapshots-read-only').count()).toBe(0);
      const before = (await storedSnapshots()).length;
      await keyed.page.getByRole('button', { name: 'Snapshot now' }).click();
      const refused = keyed.page.getByTestId('snapshot-refused');
      await refused.waitFor({ timeout: 15_000 });
      expect(await refused.textContent()).toMatch(/may not take snapshots: .+/);
      expect(await keyed.page.getByTestId('snapshot-now').count()).toBe(0);
      expect(await keyed.page.getByRole('button', { name: /^Restore/ }).count(), 'no operator: no admin either').toBe(
        0,
      );
      expect((await storedSnapshots()).length, 'nothing was taken').toBe(before);
      expect(keyed.errors).toEqual([]);
      await keyed.page.close();
    }, 90_000);

    it('fits a narrow screen', async () => {
      const { page, errors } = await openOperations(OPS_OPERATOR_KEY, { width: 390, height: 844 });
      await snapshotRows(page).first().waitFor();
      await page.getByTestId('recovery').first().waitFor();
      const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
      expect(overflow, 'no sideways scrolling of the page').toBeLessThanOrEqual(0);
      for (const part of ['watch', 'open-issues', 'recoveries', 'snapshots']) {
        const clipped = await page.evaluate<number>(
          `(t => t.scrollWidth - t.clientWidth)(document.querySelector('[data-testid=${part}] .table-wrap'))`,
        );
        expect(clipped, `the ${part} table fits without scrolling sideways`).toBeLessThanOrEqual(0);
      }
      await page.screenshot({ path: join(SCREENSHOTS, '39-operations-mobile.png'), fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    }, 60_000);
  });

  /** The user's accepted events, as the service counts them in Redis. */
  async function eventsOf(user: string): Promise<number> {
    return Number((await redis.client.zscore('personalization:users', user)) ?? 0);
  }
});

// The Network page on a console of its own, so it can run alone without the AI services: its
// own production build and browser, zero-rating and 5g-manager from their sources with their
// demo networks (DEMO_SEED) on a Redis prefix and a database of their own, and main-app with
// only those two deployed.
describe('the Network page', () => {
  it('has zero-rating and 5g-manager in the repo to test it against', () => {
    expect(telecomPresent, 'services/zero-rating and services/5g-manager with their src/main.ts').toBe(true);
  });

  describe.skipIf(!telecomPresent)('against zero-rating and 5g-manager', () => {
    let redis: TestRedis;
    let database: TestDatabase;
    let zeroRating: NodeProcess;
    let fiveG: NodeProcess;
    let buildDir: string;
    let main: MainApp;
    let server: StartedApp;
    let browser: Browser;

    interface Summary {
      slices: { key: string; activeSessions: number; maxSessions: number; reservedBitrateKbps: number }[];
      cells: { id: string; name: string; activeSessions: number; maxSessions: number }[];
    }
    /** A call through the gateway, as the test's own client (not the page). */
    const call = async (path: string, key: string, init: RequestInit = {}) => {
      const response = await fetch(`${server.url}/api/${path}`, {
        ...init,
        headers: { 'x-api-key': key, 'content-type': 'application/json', ...init.headers },
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const summary = async () => (await call('5g-manager/summary', NETOPS_KEY)).body as unknown as Summary;
    const sliceRow = (page: Page, key: string) => page.locator(`[data-testid="slice"][data-key="${key}"]`);
    const cellRow = (page: Page, name: string) => page.locator(`[data-testid="cell"][data-name="${name}"]`);
    /** The slice's sessions as the page shows them, once they read `text`. */
    const sliceSessionsShow = (page: Page, key: string, text: string) =>
      sliceRow(page, key)
        .getByTestId('slice-sessions')
        .filter({ hasText: new RegExp(`^${text}$`) })
        .waitFor({
          timeout: 15_000,
        });

    beforeAll(async () => {
      await mkdir(SCREENSHOTS, { recursive: true });
      redis = await createTestRedis('main-app-e2e-network');
      database = await createTestDatabase('main_app_e2e_5g');
      buildDir = await mkdtemp(join(tmpdir(), 'main-app-network-build-'));
      const built = build({
        configFile: join(PACKAGE_DIR, 'src/web/vite.config.ts'),
        build: { outDir: buildDir, emptyOutDir: true, sourcemap: false },
        logLevel: 'error',
      });
      const auth = { JWT_SECRET: TELECOM_JWT_SECRET };
      [zeroRating, fiveG] = await Promise.all([
        startService('zero-rating', {
          REDIS_URL: redis.url,
          REDIS_KEY_PREFIX: `${redis.prefix}zero-rating:`,
          DEMO_SEED: 'true',
          API_KEYS: `e2e-netops:operator:${NETOPS_KEY},e2e-gateway:service:${GATEWAY_KEY}`,
          ...auth,
        }),
        startService('5g-manager', {
          DATABASE_URL: database.url,
          DATABASE_POOL_MAX: '4',
          REDIS_URL: redis.url,
          REDIS_KEY_PREFIX: `${redis.prefix}5g-manager:`,
          DEMO_SEED: 'true',
          // KPI reports are not an invalidating write: the summary they show is at most a second old.
          SUMMARY_TTL_MS: '1000',
          API_KEYS: `e2e-netops:operator:${NETOPS_KEY}`,
          ...auth,
        }),
      ]);
      await built;
      main = createMainApp({
        logger: quietLogger(),
        env: { [urlVariable('zero-rating')]: zeroRating.url, [urlVariable('5g-manager')]: fiveG.url },
        deployed: new Set(['main-app', 'zero-rating', '5g-manager']),
        pollIntervalMs: 1000,
        web: { kind: 'static', dir: buildDir },
      });
      await main.start();
      server = await startApp(main.app);
      browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });

      // A cell in Cape Town reports the URLLC slice (budget 5 ms) at 12 ms: over its budget.
      const cells = (await call('5g-manager/cells', NETOPS_KEY)).body.cells as { id: string; name: string }[];
      const capeTown = cells.find((cell) => cell.name === 'CPT-Foreshore-1');
      const report = await call('5g-manager/kpis', NETOPS_KEY, {
        method: 'POST',
        body: JSON.stringify({
          cellId: capeTown?.id,
          loadPercent: 72,
          throughputMbps: 850,
          latencyMs: 9,
          slices: [{ snssai: { sst: 2, sd: '000001' }, throughputMbps: 40, latencyMs: 12 }],
        }),
      });
      expect(report.status).toBe(201);
      // A gateway counts 5 MiB of Wikipedia for a Vodacom number (a rule with a 2 GiB quota).
      const counted = await call('zero-rating/classify', GATEWAY_KEY, {
        method: 'POST',
        body: JSON.stringify({ msisdn: '27821234567', host: 'en.wikipedia.org', bytes: 5 * 1024 ** 2 }),
      });
      expect(counted.body).toMatchObject({ zeroRated: true, rule: 'vodacom-wikipedia' });
    }, 180_000);

    afterAll(async () => {
      await browser?.close();
      await server?.close();
      for (const resource of main?.resources ?? []) await resource.close();
      await Promise.all([zeroRating?.stop(), fiveG?.stop()]);
      await database?.drop();
      await redis?.cleanup();
      if (buildDir) await rm(buildDir, { recursive: true, force: true });
    });

    it('classifies flows: an education host from a Vodacom address is zero-rated, another charged, a bad address rejected inline', async () => {
      const { page, errors } = await openPage(browser, 1280, 900, [400]);
      await page.goto(`${server.url}/`);
      await page.getByRole('link', { name: 'Network' }).click();
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Network');
      await signIn(page, NETOPS_KEY);

      // The operators and rules, as the service has them.
      const vodacom = page.locator('[data-testid="zr-operator"][data-id="vodacom"]');
      await shown(vodacom, 15_000, {
        'zero-rating operators': async () => JSON.stringify((await call('zero-rating/operators', NETOPS_KEY)).body),
        'zero-rating output': async () => zeroRating.output().slice(-500),
      });
      expect(await vodacom.textContent()).toContain('Vodacom South Africa');
      expect(await vodacom.textContent()).toContain('65501');
      expect(await vodacom.getByTestId('zr-operator-prefixes').locator('summary').textContent()).toBe(
        '2 address prefixes, 4 number prefixes',
      );
      expect(await page.getByTestId('zr-operator').count()).toBe(2);
      const rules = (await call('zero-rating/rules', NETOPS_KEY)).body.rules as { id: string }[];
      const shownRules = () =>
        page.getByTestId('zr-rule').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-id')));
      expect((await shownRules()).sort()).toEqual(rules.map((rule) => rule.id).sort());
      const wikipedia = page.locator('[data-testid="zr-rule"][data-id="vodacom-wikipedia"]');
      expect(await wikipedia.textContent()).toContain('*.wikipedia.org');
      expect(await wikipedia.getByTestId('zr-rule-quota').textContent()).toBe('2 GiB a month per subscriber');
      // The operator filter asks the service for that operator's rules only.
      await page.getByLabel('Operator', { exact: true }).selectOption({ label: 'Telkom Mobile' });
      await page.locator('[data-testid="zr-rule"][data-id="vodacom-wikipedia"]').waitFor({ state: 'detached' });
      expect((await shownRules()).every((id) => id?.startsWith('telkom-'))).toBe(true);

      // From a Vodacom address to a university: zero-rated, by the rule the service names.
      const classify = page.getByTestId('classify');
      await classify.getByLabel('Client IP address').fill('41.1.2.3');
      await classify.getByLabel('Host').fill('www.up.ac.za');
      await classify.getByRole('button', { name: 'Classify' }).click();
      const verdict = classify.locator('[data-testid="verdict"][data-zero-rated="true"]');
      await verdict.waitFor({ timeout: 15_000 });
      const expected = (
        await call('zero-rating/classify', NETOPS_KEY, {
          method: 'POST',
          body: JSON.stringify({ clientIp: '41.1.2.3', host: 'www.up.ac.za' }),
        })
      ).body;
      expect(expected).toMatchObject({ zeroRated: true, operator: 'vodacom', rule: 'vodacom-universities' });
      expect(await verdict.getByTestId('verdict-badge').textContent()).toBe('Zero-rated');
      expect(await verdict.getByTestId('verdict-operator').textContent()).toBe('Vodacom South Africa vodacom');
      expect(await verdict.getByTestId('verdict-rule').textContent()).toBe('vodacom-universities');
      expect(await verdict.getByTestId('verdict-rating-group').textContent()).toBe(String(expected.ratingGroup));
      expect(await verdict.getByTestId('verdict-reason').textContent()).toBe(expected.reason);
      await shoot(page, '27-network-zero-rated');

      // The same subscriber to another host: charged, and why.
      await classify.getByLabel('Host').fill('www.example.com');
      await classify.getByRole('button', { name: 'Classify' }).click();
      const charged = classify.locator('[data-testid="verdict"][data-zero-rated="false"]');
      await charged.waitFor({ timeout: 15_000 });
      expect(await charged.getByTestId('verdict-badge').textContent()).toBe('Charged');
      const why = (
        await call('zero-rating/classify', NETOPS_KEY, {
          method: 'POST',
          body: JSON.stringify({ clientIp: '41.1.2.3', host: 'www.example.com' }),
        })
      ).body.reason as string;
      expect(why).toMatch(/^no zero-rating rule of vodacom matches www\.example\.com/);
      expect(await charged.getByTestId('verdict-reason').textContent()).toBe(why);
      expect(await charged.getByTestId('verdict-rule').textContent()).toBe('None');

      // A bad address: the service's 400, on the field, focused; no verdict left standing.
      const address = classify.getByLabel('Client IP address');
      await address.fill('41.0.0.999');
      await classify.getByRole('button', { name: 'Classify' }).click();
      await classify.getByText('"41.0.0.999" is not an IPv4 or IPv6 address.').waitFor({ timeout: 15_000 });
      expect(await address.getAttribute('aria-invalid')).toBe('true');
      const addressId = (await address.getAttribute('id')) as string;
      expect(await address.getAttribute('aria-describedby')).toContain(`${addressId}-error`);
      expect(await focusedId(page, addressId)).toBe(addressId);
      expect(await classify.getByTestId('verdict').count()).toBe(0);

      // Usage: what the gateway counted for the number, as the service reports it.
      const usage = page.getByTestId('usage');
      await usage.getByLabel('Subscriber').fill('+27821234567');
      await usage.getByRole('button', { name: 'Look up' }).click();
      const used = usage.locator('[data-testid="usage-rule"][data-rule="vodacom-wikipedia"]');
      await used.waitFor({ timeout: 15_000 });
      expect(await used.getByTestId('usage-used').textContent()).toBe('5 MiB');
      expect(await used.textContent()).toContain('2 GiB');
      expect(await usage.getByTestId('usage-total').textContent()).toMatch(
        /^5 MiB zero-rated for 27821234567 in \d{4}-\d{2}$/,
      );
      expect(errors).toEqual([]);
      await page.close();
    }, 90_000);

    it('the operator admits a session on a slice and sees it counted, releases it, and is told why a bitrate too high is refused', async () => {
      const { page, errors } = await openPage(browser, 1280, 900, [400, 409]);
      await page.goto(`${server.url}/network`);
      await signIn(page, NETOPS_KEY);
      await page.getByTestId('signed-in').filter({ hasText: 'e2e-netops' }).waitFor({ timeout: 15_000 });
      const before = await summary();
      const embb = before.slices.find((slice) => slice.key === '1-000001');
      const braamfontein = before.cells.find((cell) => cell.name === 'JHB-Braamfontein-1');
      if (!embb || !braamfontein) throw new Error('the demo network has no eMBB slice or Braamfontein cell');
      const sessions = (n: number, max: number) => `${n} / ${max}`;
      await sliceSessionsShow(page, '1-000001', sessions(embb.activeSessions, embb.maxSessions));
      // The URLLC slice's reported latency is over its budget, and marked so.
      const urllc = sliceRow(page, '2-000001');
      expect(await urllc.getAttribute('data-breached')).toBe('true');
      expect(await urllc.getByTestId('slice-latency').textContent()).toBe('p95 12 ms, budget 5 ms');
      expect(await urllc.getByTestId('slice-breach').textContent()).toBe('Over budget');
      expect(await sliceRow(page, '1-000001').getAttribute('data-breached')).toBe('false');
      expect(await cellRow(page, 'CPT-Foreshore-1').getByTestId('cell-load').textContent()).toContain('72% load');

      // Admit: imsi-…002 (eMBB) on the Braamfontein cell at 20 Mbit/s.
      const admit = page.getByTestId('admit');
      await admit.getByLabel('Subscriber (SUPI)').fill('imsi-001010000000002');
      await admit.getByLabel('Slice (S-NSSAI)').selectOption('1-000001');
      await admit.getByLabel('Cell').selectOption({ label: 'JHB-Braamfontein-1 (TAC 000101, n78)' });
      await admit.getByLabel('Bitrate (kbps)').fill('20000');
      await admit.getByRole('button', { name: 'Admit' }).click();
      const result = admit.getByTestId('admit-result');
      await result.filter({ hasText: 'Admitted' }).waitFor({ timeout: 15_000 });
      const id = /session ([0-9a-f-]{36})/.exec((await result.textContent()) ?? '')?.[1] as string;
      expect(id).toBeTruthy();
      expect(await result.textContent()).toContain('for imsi-001010000000002 on Consumer broadband (eMBB 1-000001)');
      expect((await call(`5g-manager/sessions/${id}`, NETOPS_KEY)).body).toMatchObject({
        status: 'active',
        supi: 'imsi-001010000000002',
        bitrateKbps: 20000,
        admittedBy: 'e2e-netops',
      });
      // Counted in the slice's and the cell's load, and listed.
      await sliceSessionsShow(page, '1-000001', sessions(embb.activeSessions + 1, embb.maxSessions));
      expect(await sliceRow(page, '1-000001').getByTestId('slice-bitrate').textContent()).toMatch(
        new RegExp(`^${(embb.reservedBitrateKbps + 20000) / 1000} Mbit/s of 2 Gbit/s reserved$`),
      );
      expect(await cellRow(page, 'JHB-Braamfontein-1').getByTestId('cell-sessions').textContent()).toBe(
        sessions(braamfontein.activeSessions + 1, braamfontein.maxSessions),
      );
      const row = page.locator(`[data-testid="session"][data-id="${id}"]`);
      await row.waitFor();
      expect(await row.textContent()).toContain('JHB-Braamfontein-1');
      await shoot(page, '28-network-admitted');

      // Release: the row goes, the counts drop back, the service has it released.
      await row
        .getByRole('button', { name: 'Release the session of imsi-001010000000002 on Consumer broadband' })
        .click();
      await row.waitFor({ state: 'detached', timeout: 15_000 });
      await page.getByTestId('sessions-notice').filter({ hasText: 'released' }).waitFor();
      expect(await focusedId(page, 'sessions-heading')).toBe('sessions-heading');
      await sliceSessionsShow(page, '1-000001', sessions(embb.activeSessions, embb.maxSessions));
      expect((await call(`5g-manager/sessions/${id}`, NETOPS_KEY)).body).toMatchObject({ status: 'released' });

      // Above the slice's per-session maximum (100 Mbit/s): refused, the reason in words.
      await admit.getByLabel('Bitrate (kbps)').fill('200000');
      await admit.getByRole('button', { name: 'Admit' }).click();
      const refusal = admit.getByTestId('admit-refusal');
      await refusal.waitFor({ timeout: 15_000 });
      expect(await refusal.getAttribute('data-reason')).toBe('BITRATE_ABOVE_MAXIMUM');
      expect(await refusal.getAttribute('role')).toBe('alert');
      expect(await refusal.textContent()).toContain('Not admitted — Bitrate above the slice’s maximum:');
      expect(await refusal.textContent()).toContain(
        "200000 kbps is above the slice's per-session maximum of 100000 kbps",
      );
      expect(await admit.getByTestId('admit-result').textContent()).toBe('');
      await sliceSessionsShow(page, '1-000001', sessions(embb.activeSessions, embb.maxSessions));
      await shoot(page, '29-network-refused');

      // A SUPI the service's schema refuses: its 400 on the field, focused.
      const supi = admit.getByLabel('Subscriber (SUPI)');
      await supi.fill('imsi-12');
      await admit.getByLabel('Bitrate (kbps)').fill('20000');
      await admit.getByRole('button', { name: 'Admit' }).click();
      await admit.getByText('Must be a SUPI: imsi- followed by 6 to 15 digits.').waitFor({ timeout: 15_000 });
      expect(await supi.getAttribute('aria-invalid')).toBe('true');
      const supiId = (await supi.getAttribute('id')) as string;
      expect(await focusedId(page, supiId)).toBe(supiId);
      expect(await admit.getByTestId('admit-refusal').count()).toBe(0);
      expect(errors).toEqual([]);
      await page.close();
    }, 90_000);

    it('a viewer, signed in with a token, sees the network and classifies, with no Admit or Release', async () => {
      // A session to see: admitted by the operator through the API.
      const cells = (await summary()).cells;
      const admitted = await call('5g-manager/sessions', NETOPS_KEY, {
        method: 'POST',
        body: JSON.stringify({
          supi: 'imsi-001010000000004',
          snssai: { sst: 4, sd: '000001' },
          cellId: cells.find((cell) => cell.name === 'N1-Midrand-1')?.id,
          bitrateKbps: 5000,
        }),
      });
      expect(admitted.status).toBe(201);
      const { page, errors } = await openPage(browser);
      await page.goto(`${server.url}/network`);
      const token = await signToken(TELECOM_JWT_SECRET, { subject: 'e2e-netviewer', roles: ['viewer'] });
      await signIn(page, token);
      await page.getByTestId('signed-in').filter({ hasText: 'e2e-netviewer' }).waitFor({ timeout: 15_000 });
      await page.locator(`[data-testid="session"][data-id="${admitted.body.id}"]`).waitFor({ timeout: 15_000 });
      await page.getByTestId('read-only').waitFor();
      expect(await page.getByTestId('read-only').textContent()).toContain('Your roles (viewer) can see the network');
      expect(await page.getByTestId('admit').count()).toBe(0);
      expect(await page.getByRole('button', { name: /Admit|Release/ }).count()).toBe(0);
      expect(await page.getByTestId('slice').count()).toBe(4);
      expect(await page.getByTestId('cell').count()).toBe(4);

      // Classifying is a read: the viewer may.
      const classify = page.getByTestId('classify');
      await classify.getByLabel('MSISDN').fill('27811234567');
      await classify.getByLabel('Host').fill('www.gov.za');
      await classify.getByLabel('Path (optional)').fill('/about-sa/education/schools');
      await classify.getByRole('button', { name: 'Classify' }).click();
      const verdict = classify.locator('[data-testid="verdict"][data-zero-rated="true"]');
      await verdict.waitFor({ timeout: 15_000 });
      expect(await verdict.getByTestId('verdict-rule').textContent()).toBe('telkom-gov-education');
      expect(await verdict.getByTestId('verdict-operator').textContent()).toContain('Telkom Mobile');
      await shoot(page, '30-network-viewer');
      expect(errors).toEqual([]);
      await page.close();
    }, 60_000);

    it('fits a narrow screen', async () => {
      const { page, errors } = await openPage(browser, 390, 844);
      await page.goto(`${server.url}/network`);
      await signIn(page, NETOPS_KEY);
      await page.getByTestId('admit').waitFor({ timeout: 15_000 });
      await page.getByTestId('zr-rule').first().waitFor({ timeout: 15_000 });
      await page.getByTestId('session').first().waitFor({ timeout: 15_000 });
      const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
      expect(overflow, 'no sideways scrolling of the page').toBeLessThanOrEqual(0);
      for (const table of ['zr-operators', 'zr-rules', 'slices', 'cells', 'sessions']) {
        const clipped = await page.evaluate<number>(
          `(t => t.scrollWidth - t.clientWidth)(document.querySelector('[data-testid=${table}] .table-wrap'))`,
        );
        expect(clipped, `the ${table} fit without scrolling sideways`).toBeLessThanOrEqual(0);
      }
      await page.screenshot({ path: join(SCREENSHOTS, '31-network-mobile.png'), fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    }, 60_000);
  });
});
