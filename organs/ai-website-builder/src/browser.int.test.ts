// Chromium through the service (one browser pool for the file): axe audits of every
// template, screenshots and PDF, no network from a render (SSRF), inert hostile briefs
// (XSS), and the pool's timeout, bound and crash recovery.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuth, createLogger, parseApiKeys } from '@azora/service-kit';
import { type EmbeddedMongo, startEmbeddedMongo, waitFor } from '@azora/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebsiteBuilderService, type WebsiteBuilderService } from './app.ts';
import { BrowserPool, PoolBusyError, RenderTimeoutError } from './browser.ts';
import { DEFAULTS } from './config.ts';

const KEY = `alice-${'a'.repeat(24)}`;
const API = '/api/ai-website-builder';
let mongo: EmbeddedMongo;
let builder: WebsiteBuilderService;
let deployments: string;
let listener: Server;
let port = 0;
const hits: string[] = [];

beforeAll(async () => {
  mongo = await startEmbeddedMongo();
  deployments = await mkdtemp(join(tmpdir(), 'awb-browser-'));
  builder = createWebsiteBuilderService({
    mongodbUri: mongo.uriFor('awb_browser_test'),
    auth: createAuth({ apiKeys: parseApiKeys(`alice:editor:${KEY}`) }),
    logger: createLogger('ai-website-builder', 'silent'),
    deploymentsDir: deployments,
    browserPoolSize: 1,
    pagesPerBrowser: 2,
    // Room for a loaded machine: this pool's renders must finish, not race a clock (the
    // timeout itself is tested on a pool of its own below).
    renderTimeoutMs: 50_000,
  });
  await builder.start();
  await builder.ready(); // start() serves not ready after a few seconds without MongoDB; a loaded machine may need longer
  // A listener on loopback that records every request (and would redirect to the metadata address).
  listener = createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url?.startsWith('/redirect')) res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
    res.end('x');
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  port = (listener.address() as AddressInfo).port;
});

afterAll(async () => {
  listener?.close();
  for (const resource of [...builder.resources].reverse()) await resource.close();
  await mongo.stop();
  await rm(deployments, { recursive: true, force: true });
});

const get = (path: string) => request(builder.app).get(`${API}${path}`).set('x-api-key', KEY);
const post = (path: string, body?: object) => {
  const req = request(builder.app).post(`${API}${path}`).set('x-api-key', KEY);
  return body === undefined ? req : req.send(body);
};
const binary = (req: request.Test) =>
  req.buffer(true).parse((response, done) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => done(null, Buffer.concat(chunks)));
  });
const pngSize = (png: Buffer) => ({ width: png.readUInt32BE(16), height: png.readUInt32BE(20) });

async function createSite(brief: object) {
  const res = await post('/sites', brief);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

// Every test here renders several pages, each allowed the pool's 50 s on a loaded machine
// (CI runs four packages and the container checks at once on two cores).
const CHROMIUM_TESTS = { timeout: 300_000 };

const TEMPLATE_BRIEFS = [
  ['business-classic', 'accountancy practice'],
  ['portfolio-studio', 'wedding photographer'],
  ['ecommerce-shopfront', 'online tea shop'],
  ['restaurant-bistro', 'Italian restaurant'],
  ['blog-journal', 'travel blog'],
] as const;

describe('accessibility audits (axe-core in Chromium)', CHROMIUM_TESTS, () => {
  it('finds zero serious or critical violations on every page of every template, and stores the audit per version', async () => {
    const summary: Record<string, unknown> = {};
    for (const [template, businessType] of TEMPLATE_BRIEFS) {
      const site = await createSite({
        name: 'Lumen & Co',
        description: 'Careful work for people who care about the details. Based in Durban since 2004.',
        businessType,
        audience: 'families and small businesses',
        features: ['contact form', 'testimonials', 'gallery', 'faq', 'pricing', 'free parking'],
        pages: ['About', 'Blog'],
      });
      expect(site.template).toBe(template);
      const audit = await post(`/sites/${site.id}/audits`, {});
      expect(audit.status, JSON.stringify(audit.body)).toBe(201);
      expect(audit.body).toMatchObject({ site: site.id, version: 1 });
      summary[template] = audit.body.counts;
      expect(audit.body.counts, `${template}: ${JSON.stringify(audit.body.violations)}`).toMatchObject({
        serious: 0,
        critical: 0,
      });
      // The mobile layout too (the stored audit is the desktop one, every page).
      const preview = await get(`/sites/${site.id}/preview`);
      const mobile = await builder.pool.audit(preview.text, 390);
      expect(
        mobile.filter((v) => v.impact === 'serious' || v.impact === 'critical'),
        `${template} at 390`,
      ).toEqual([]);
      const stored = await get(`/sites/${site.id}/audits?version=1`);
      expect(stored.status).toBe(200);
      expect(stored.body).toEqual(audit.body);
    }
    console.log(`axe-core violations per template: ${JSON.stringify(summary)}`);
    const metrics = (await request(builder.app).get('/metrics')).text;
    expect(metrics).toMatch(/website_builder_renders_total\{[^}]*kind="audit"[^}]*outcome="ok"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/website_builder_audit_violations_total\{[^}]*impact="critical"[^}]*\} 0/);
  });

  it('adjusts unreadable brief colours, reports real faults, and answers 404 before the first audit', async () => {
    const site = await createSite({
      name: 'Pale Shop',
      description: 'Pale colours everywhere.',
      businessType: 'boutique shop',
      colours: { primary: '#ffff66', accent: '#fefefe', background: '#ffffff', text: '#f5f5f5' },
    });
    expect((await get(`/sites/${site.id}/audits`)).status).toBe(404);
    const audit = await post(`/sites/${site.id}/audits`);
    expect(audit.status).toBe(201);
    // The brief's unreadable colours were adjusted by contrast: axe finds no contrast failure.
    expect(audit.body.violations.map((v: { rule: string }) => v.rule)).not.toContain('color-contrast');
    // The audit is real: markup with faults is reported by rule, impact and selector.
    const faults = await builder.pool.audit(
      '<html><body><img src="/x.png"><input id="q"><p style="color:#eee">faint</p></body></html>',
    );
    expect(faults).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ rule: 'image-alt', impact: 'critical', selectors: ['img'] }),
        expect.objectContaining({ rule: 'label', impact: 'critical', selectors: ['#q'] }),
        expect.objectContaining({ rule: 'html-has-lang', impact: 'serious' }),
      ]),
    );
  });
});

describe('screenshots and PDF', CHROMIUM_TESTS, () => {
  it('renders full-page PNGs at 1280 and 390 and a PDF', async () => {
    const site = await createSite({
      name: 'Sea Point Yoga',
      description: 'Classes by the sea.',
      businessType: 'yoga studio',
      features: ['pricing', 'contact form'],
    });
    for (const width of [1280, 390]) {
      const res = await binary(get(`/sites/${site.id}/screenshot?width=${width}`));
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('image/png');
      const png = res.body as Buffer;
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      const size = pngSize(png);
      expect(size.width).toBe(width);
      expect(size.height).toBeGreaterThan(900); // the full page, not the viewport
    }
    const pdf = await binary(get(`/sites/${site.id}/pdf`));
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect((pdf.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
  });
});

describe('isolation: a render fetches nothing', CHROMIUM_TESTS, () => {
  it('renders a site whose blocks point at the metadata address, a local listener and a redirect: the listener sees nothing', async () => {
    const site = await createSite({ name: 'Probe', description: 'Testing.', businessType: 'consultancy' });
    const section = site.content.pages[0].sections[0].id;
    let version = 1;
    for (const src of [
      'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
      `http://127.0.0.1:${port}/image.png`,
      `http://127.0.0.1:${port}/redirect`,
      `https://127.0.0.1:${port}/tls.png`,
    ]) {
      const res = await post(`/sites/${site.id}/blocks`, {
        baseVersion: version,
        sectionId: section,
        block: { type: 'image', props: { src, alt: 'probe' } },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      version += 1;
    }
    const text = `<link rel="stylesheet" href="http://127.0.0.1:${port}/css"><style>@import url(http://127.0.0.1:${port}/import)</style><img src="file:///etc/passwd">`;
    expect(
      (
        await post(`/sites/${site.id}/blocks`, {
          baseVersion: version,
          sectionId: section,
          block: { type: 'text', props: { text } },
        })
      ).status,
    ).toBe(200);
    const blockedBefore = builder.pool.blockedRequests;
    for (const width of [1280, 390])
      expect((await get(`/sites/${site.id}/screenshot?width=${width}`)).status).toBe(200);
    expect((await get(`/sites/${site.id}/pdf`)).status).toBe(200);
    expect((await post(`/sites/${site.id}/audits`)).status).toBe(201);
    expect(hits).toEqual([]);
    // The page's own CSP refuses those images before any request is made; the raw-HTML test below
    // shows what interception does when a page has no CSP.
    expect(builder.pool.blockedRequests).toBe(blockedBefore);
  });

  it('aborts every request of hostile raw HTML: img, css, @import, iframe, script, fetch, meta refresh, file:, data:', async () => {
    const base = `http://127.0.0.1:${port}`;
    const html = `<!doctype html><html lang="en"><head><title>x</title>
      <link rel="stylesheet" href="${base}/link.css"><link rel="prefetch" href="${base}/prefetch">
      <style>@import url(${base}/import.css); body { background: url(${base}/bg.png) }</style>
      <meta http-equiv="refresh" content="0;url=${base}/refresh">
      <script src="${base}/script.js"></script></head>
      <body><main><h1>x</h1><img src="${base}/img.png" alt="a"><img src="${base}/redirect" alt="b">
      <img src="http://169.254.169.254/latest/meta-data/" alt="c"><img src="file:///etc/passwd" alt="d">
      <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="e"><iframe src="${base}/frame" title="f"></iframe>
      <video poster="${base}/poster.png"></video><object data="${base}/object"></object>
      <script>fetch('${base}/fetch').catch(() => {}); new Image().src = '${base}/js-image';</script></main></body></html>`;
    const blockedBefore = builder.pool.blockedRequests;
    const png = await builder.pool.render(html, 1280, async (page) => {
      // Let the refresh and the script try (as soon as a loaded machine lets them).
      await waitFor(
        'ten blocked requests',
        async () => (builder.pool.blockedRequests - blockedBefore >= 10 ? true : undefined),
        40_000,
        50,
      );
      return page.screenshot({ type: 'png' });
    });
    expect(Buffer.from(png).subarray(1, 4).toString()).toBe('PNG');
    expect(hits).toEqual([]);
    // Each of those was intercepted and refused, the data: image included.
    expect(builder.pool.blockedRequests - blockedBefore).toBeGreaterThanOrEqual(10);
  });
  it('keeps the page in place when it navigates itself (meta refresh, script), and still renders it', async () => {
    const target = `http://127.0.0.1:${port}/navigate`;
    for (const navigation of [
      `<meta http-equiv="refresh" content="0;url=${target}">`,
      `<script>setTimeout(() => location.assign('${target}'), 0);</script>`,
    ]) {
      const html = `<!doctype html><html lang="en"><head><title>x</title>${navigation}</head><body><h1>still here</h1></body></html>`;
      const blockedBefore = builder.pool.blockedRequests;
      const seen = await builder.pool.render(html, 390, async (page) => {
        await waitFor(
          'the navigation refused',
          async () => (builder.pool.blockedRequests > blockedBefore ? true : undefined),
          40_000,
          50,
        );
        const png = await page.screenshot({ type: 'png' });
        return { url: page.url(), heading: await page.$eval('h1', (h1) => h1.textContent), png };
      });
      expect(seen, navigation).toMatchObject({ url: 'about:blank', heading: 'still here' });
      expect(Buffer.from(seen.png).subarray(1, 4).toString()).toBe('PNG');
    }
    expect(hits).toEqual([]);
  });
});

describe('XSS: hostile briefs render as inert text', CHROMIUM_TESTS, () => {
  const PAYLOADS = [
    '<script>alert(1)</script>',
    '"><img src=x onerror=alert(1)>',
    "'><svg/onload=alert(1)>",
    'javascript:alert(1)',
    '</style><script>alert(1)</script>',
    '</script><script>alert(1)</script>',
    '<a href="javascript:alert(1)">x</a>',
    '\u2028\u2029 ünïcödé 🎉',
  ].join(' ');

  it('fires no dialog and leaves no handler or script in Chromium, for every field', async () => {
    const site = await createSite({
      name: PAYLOADS.slice(0, 100),
      description: PAYLOADS,
      businessType: `restaurant ${PAYLOADS}`.slice(0, 100),
      audience: PAYLOADS.slice(0, 200),
      colours: { primary: '#123456' },
      features: [PAYLOADS.slice(0, 60), 'menu', 'contact form', 'gallery', 'blog'],
      pages: [PAYLOADS.slice(0, 40), 'About'],
    });
    // And in block props set by edits.
    const block = site.content.pages[0].sections[0].blocks[1];
    expect(
      (
        await request(builder.app)
          .patch(`${API}/sites/${site.id}/blocks/${block.id}`)
          .set('x-api-key', KEY)
          .send({ baseVersion: 1, props: { text: PAYLOADS } })
      ).status,
    ).toBe(200);

    const dialogsBefore = builder.pool.dialogs;
    for (const page of site.content.pages) {
      const preview = await get(`/sites/${site.id}/preview?page=${page.slug}`);
      expect(preview.status).toBe(200);
      const found = await builder.pool.render(preview.text, 1280, async (p) => {
        await new Promise((resolve) => setTimeout(resolve, 200));
        return p.evaluate(() => {
          const doc = (
            globalThis as unknown as {
              document: {
                querySelectorAll: (s: string) => ArrayLike<{
                  attributes: ArrayLike<{ name: string; value: string }>;
                  getAttribute: (n: string) => string | null;
                  tagName: string;
                  type?: string;
                }>;
              };
            }
          ).document;
          const all = Array.from(doc.querySelectorAll('*'));
          return {
            handlers: all.flatMap((el) =>
              Array.from(el.attributes)
                .filter((a) => /^on/i.test(a.name))
                .map((a) => `${el.tagName} ${a.name}`),
            ),
            scripts: Array.from(doc.querySelectorAll('script')).map((s) => s.getAttribute('type')),
            jsUrls: all.flatMap((el) =>
              Array.from(el.attributes)
                .filter((a) => /^\s*javascript:/i.test(a.value))
                .map((a) => a.name),
            ),
            imgs: doc.querySelectorAll('img').length,
            text: (doc as unknown as { body: { textContent: string } }).body.textContent,
          };
        });
      });
      expect(found.handlers).toEqual([]);
      expect(found.scripts).toEqual(['application/ld+json']);
      expect(found.jsUrls).toEqual([]);
      expect(found.imgs).toBe(0);
      expect(found.text).toContain('<script>alert(1)</script>'); // shown as the text it is
    }
    expect(builder.pool.dialogs).toBe(dialogsBefore);
    // The detector works: a page that really runs script is seen opening a dialog.
    await builder.pool.render('<html><body><script>alert(1)</script></body></html>', 390, async () => undefined);
    expect(builder.pool.dialogs).toBe(dialogsBefore + 1);
  });
});

describe('the browser pool', CHROMIUM_TESTS, () => {
  it('times a stuck page out, bounds the queue, and recovers from a Chromium crash (not ready meanwhile)', async () => {
    // One page, one place in the queue. The stuck page waits out a 10 s timeout; the queued
    // renders get the 50 s a loaded machine may need (a queued render's clock runs while it
    // waits, so a short timeout would fail it for the machine's slowness, not the pool's).
    const pool = (timeoutMs: number) =>
      new BrowserPool({
        executablePath: DEFAULTS.PUPPETEER_EXECUTABLE_PATH,
        size: 1,
        pagesPerBrowser: 1,
        timeoutMs,
        maxQueue: 1,
      });
    const stuck = pool(10_000);
    await stuck.start();
    try {
      await expect(stuck.render('<script>for(;;){}</script>', 390, async () => 1)).rejects.toBeInstanceOf(
        RenderTimeoutError,
      );
      expect(await stuck.render('<p>x</p>', 390, async () => 1)).toBe(1); // still serving after the timeout
    } finally {
      await stuck.close();
    }
    const bounded = pool(50_000);
    await bounded.start();
    try {
      const slow = (ms: number) =>
        bounded.render('<p>x</p>', 390, () => new Promise((resolve) => setTimeout(() => resolve(ms), ms)));
      const results = await Promise.allSettled([slow(600), slow(10), slow(10)]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
      expect((results[2] as PromiseRejectedResult).reason).toBeInstanceOf(PoolBusyError);
      expect(await slow(1)).toBe(1); // still serving after the refusal
    } finally {
      await bounded.close();
    }

    expect((await request(builder.app).get('/health/ready')).status).toBe(200);
    expect(builder.pool.killOne()).toBe(true);
    // Not ready from the moment the pool sees the browser gone until the relaunched one is up.
    const readiness = async (status: number) => {
      const res = await request(builder.app).get('/health/ready');
      return res.status === status ? res : undefined;
    };
    const down = await waitFor('not ready after the crash', () => readiness(503), 30_000, 20);
    expect(down.body.checks.browser).toMatchObject({ status: 'fail' });
    await waitFor('ready again after the relaunch', () => readiness(200), 60_000);
    expect(builder.pool.status().restarts).toBe(1);
    const shot = await builder.pool.screenshot('<html lang="en"><body><p>after the crash</p></body></html>', 390);
    expect(Buffer.from(shot).subarray(1, 4).toString()).toBe('PNG');
  });
});
