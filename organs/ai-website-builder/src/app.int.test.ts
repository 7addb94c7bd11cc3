// The builder's HTTP API against the embedded MongoDB-wire server: sites, versions and
// edits, auth, bad input, publishing and serving, export. (Chromium: browser.int.test.ts.)
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mongoose } from '@azora/mongo';
import { createAuth, createLogger, parseApiKeys, signToken } from '@azora/service-kit';
import { type EmbeddedMongo, startEmbeddedMongo } from '@azora/testing';
import { unzipSync } from 'fflate';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebsiteBuilderService, type WebsiteBuilderService } from './app.ts';
import { versionId } from './sites.ts';

const KEYS = {
  alice: `alice-${'a'.repeat(24)}`,
  bob: `bob-${'b'.repeat(24)}`,
  admin: `admin-${'x'.repeat(24)}`,
  viewer: `viewer-${'v'.repeat(24)}`,
};
const API_KEYS = [
  `alice:editor:${KEYS.alice}`,
  `bob:editor:${KEYS.bob}`,
  `admin:admin:${KEYS.admin}`,
  `viewer:viewer:${KEYS.viewer}`,
].join(',');
const JWT_SECRET = 's'.repeat(40);
const API = '/api/ai-website-builder';

let mongo: EmbeddedMongo;
let builder: WebsiteBuilderService;
let deployments: string;

const brief = {
  name: 'Harbour Bakery',
  description: 'Sourdough and pastries baked every morning by the harbour.',
  businessType: 'bakery',
  features: ['contact form', 'gallery'],
  pages: ['About'],
};

beforeAll(async () => {
  mongo = await startEmbeddedMongo();
  deployments = await mkdtemp(join(tmpdir(), 'awb-deployments-'));
  builder = createWebsiteBuilderService({
    mongodbUri: mongo.uriFor('awb_app_test'),
    auth: createAuth({ apiKeys: parseApiKeys(API_KEYS), jwtSecret: JWT_SECRET }),
    logger: createLogger('ai-website-builder', 'silent'),
    deploymentsDir: deployments,
    browserPoolSize: 1,
    pagesPerBrowser: 1,
    contactRateLimit: { limit: 4, windowMs: 3_600_000 },
  });
  await builder.start();
  await builder.ready(); // start() serves not ready after a few seconds without MongoDB; a loaded machine may need longer
});

afterAll(async () => {
  for (const resource of [...builder.resources].reverse()) await resource.close();
  await mongo.stop();
  await rm(deployments, { recursive: true, force: true });
});

const as = (who: keyof typeof KEYS) => ({
  post: (path: string, body?: unknown) => {
    const req = request(builder.app).post(`${API}${path}`).set('x-api-key', KEYS[who]);
    return body === undefined ? req : req.send(body as object);
  },
  patch: (path: string, body: unknown) =>
    request(builder.app)
      .patch(`${API}${path}`)
      .set('x-api-key', KEYS[who])
      .send(body as object),
  delete: (path: string) => request(builder.app).delete(`${API}${path}`).set('x-api-key', KEYS[who]),
  get: (path: string) => request(builder.app).get(`${API}${path}`).set('x-api-key', KEYS[who]),
});

async function newSite(who: 'alice' | 'bob' = 'alice', body: object = brief) {
  const res = await as(who).post('/sites', body);
  expect(res.status).toBe(201);
  return res.body;
}

const siteCount = () => builder.sites.store.sites.countDocuments();
const versionCount = () => builder.sites.store.versions.countDocuments();

describe('templates and health', () => {
  it('lists the five seeded templates publicly, seeded in MongoDB once', async () => {
    const res = await request(builder.app).get(`${API}/templates`);
    expect(res.status).toBe(200);
    expect(res.body.map((t: { kind: string }) => t.kind)).toEqual([
      'business',
      'portfolio',
      'e-commerce',
      'restaurant',
      'blog',
    ]);
    for (const t of res.body) expect(Object.keys(t).sort()).toEqual(['description', 'id', 'kind', 'name']);
    await builder.sites.seedTemplates(); // idempotent: natural-key ids
    expect(await builder.sites.store.templates.countDocuments()).toBe(5);
  });

  it('answers health, readiness (MongoDB + browser) and the /api/v1/health alias', async () => {
    const health = await request(builder.app).get('/health');
    const alias = await request(builder.app).get('/api/v1/health');
    expect(alias.status).toBe(200);
    expect(Object.keys(alias.body).sort()).toEqual(Object.keys(health.body).sort());
    expect(alias.body).toMatchObject({ status: 'ok', service: 'ai-website-builder' });
    const ready = await request(builder.app).get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toMatchObject({
      mongodb: { status: 'pass' },
      browser: { status: 'pass', detail: { connected: 1 } },
    });
  });
});

describe('sites', () => {
  it('creates a site from a brief: version 1, a component tree, the same content for the same brief', async () => {
    const a = await newSite();
    expect(a).toMatchObject({
      owner: 'alice',
      name: 'Harbour Bakery',
      template: 'restaurant-bistro',
      version: 1,
      subdomain: null,
      published: null,
    });
    expect(a.id).toMatch(/^[0-9a-f]{24}$/);
    expect(a.content.pages[0].sections[0].blocks[0]).toMatchObject({ type: 'heading', props: { level: 1 } });
    expect(a.content.theme).toMatchObject({ colours: { primary: '#b45309' }, fonts: { heading: 'old-style' } });
    const b = await newSite();
    expect(b.id).not.toBe(a.id);
    expect(b.content).toEqual(a.content);
    const got = await as('alice').get(`/sites/${a.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(a);
    expect((await as('admin').get(`/sites/${a.id}`)).status).toBe(200);
  });

  it('lets only the owner and admins read and edit a site; writes need the editor role', async () => {
    const site = await newSite();
    expect((await as('bob').get(`/sites/${site.id}`)).status).toBe(403);
    expect(
      (await as('bob').patch(`/sites/${site.id}/theme`, { baseVersion: 1, theme: { spacing: 'compact' } })).status,
    ).toBe(403);
    expect((await request(builder.app).get(`${API}/sites/${site.id}`)).status).toBe(401);
    expect((await request(builder.app).post(`${API}/sites`).send(brief)).status).toBe(401);
    expect((await as('viewer').post('/sites', brief)).status).toBe(403);
    const bobs = await as('bob').get('/sites');
    expect(bobs.body.items.every((s: { owner: string }) => s.owner === 'bob')).toBe(true);
    const all = await as('admin').get('/sites');
    expect(all.body.items.some((s: { id: string }) => s.id === site.id)).toBe(true);
    // A bearer JWT with the editor role is the same principal as its subject.
    const token = await signToken(JWT_SECRET, { subject: 'alice', roles: ['editor'] });
    const viaJwt = await request(builder.app).get(`${API}/sites/${site.id}`).set('authorization', `Bearer ${token}`);
    expect(viaJwt.status).toBe(200);
  });

  it('saves every edit as a new version; a stale baseVersion is a 409', async () => {
    const site = await newSite();
    const headline = site.content.pages[0].sections[0].blocks[0];
    const edited = await as('alice').patch(`/sites/${site.id}/blocks/${headline.id}`, {
      baseVersion: 1,
      props: { text: 'Fresh bread, every morning' },
    });
    expect(edited.status).toBe(200);
    expect(edited.body.version).toBe(2);
    expect(edited.body.content.pages[0].sections[0].blocks[0]).toEqual({
      ...headline,
      props: { ...headline.props, text: 'Fresh bread, every morning' },
    });
    const stale = await as('alice').patch(`/sites/${site.id}/blocks/${headline.id}`, {
      baseVersion: 1,
      props: { text: 'x' },
    });
    expect(stale.status).toBe(409);
    expect(stale.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(stale.body.latest).toBe(2);

    // Of concurrent saves on the same base exactly one wins.
    const racing = await Promise.all(
      [1, 2, 3, 4].map((n) =>
        as('alice').patch(`/sites/${site.id}/blocks/${headline.id}`, { baseVersion: 2, props: { text: `try ${n}` } }),
      ),
    );
    expect(racing.map((r) => r.status).sort()).toEqual([200, 409, 409, 409]);
    expect((await as('alice').get(`/sites/${site.id}`)).body.version).toBe(3);
  });

  it('inserts, moves and deletes sections and blocks, sets theme and SEO, lists, diffs and restores versions', async () => {
    const site = await newSite();
    const home = site.content.pages[0];
    const hero = home.sections[0];
    let v = 1;
    const step = async (res: request.Response) => {
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      v += 1;
      expect(res.body.version).toBe(v);
      return res.body;
    };
    const inserted = await step(
      await as('alice').post(`/sites/${site.id}/blocks`, {
        baseVersion: v,
        sectionId: hero.id,
        index: 1,
        block: { type: 'list', props: { items: ['Open 7 days'] } },
      }),
    );
    const newBlock = inserted.content.pages[0].sections[0].blocks[1];
    expect(newBlock).toMatchObject({ type: 'list', props: { items: ['Open 7 days'] } });
    await step(await as('alice').post(`/sites/${site.id}/blocks/${newBlock.id}/move`, { baseVersion: v, index: 0 }));
    const withSection = await step(
      await as('alice').post(`/sites/${site.id}/sections`, {
        baseVersion: v,
        pageId: home.id,
        index: 1,
        section: {
          type: 'cta',
          blocks: [{ type: 'button', props: { label: 'Order', href: 'https://example.com/order' } }],
        },
      }),
    );
    const cta = withSection.content.pages[0].sections[1];
    expect(cta).toMatchObject({ type: 'cta', blocks: [{ type: 'button' }] });
    await step(await as('alice').post(`/sites/${site.id}/sections/${cta.id}/move`, { baseVersion: v, index: 5 }));
    await step(await as('alice').delete(`/sites/${site.id}/sections/${cta.id}?baseVersion=${v}`));
    await step(await as('alice').delete(`/sites/${site.id}/blocks/${newBlock.id}`).send({ baseVersion: v }));
    const themed = await step(
      await as('alice').patch(`/sites/${site.id}/theme`, {
        baseVersion: v,
        theme: { colours: { primary: '#123' }, fonts: { body: 'slab' }, spacing: 'compact' },
      }),
    );
    expect(themed.content.theme).toMatchObject({
      colours: { primary: '#112233' },
      fonts: { body: 'slab' },
      spacing: 'compact',
    });
    await step(
      await as('alice').patch(`/sites/${site.id}/seo`, { baseVersion: v, seo: { title: 'Harbour Bakery, Kalk Bay' } }),
    );

    const versions = await as('alice').get(`/sites/${site.id}/versions`);
    expect(versions.body.items.map((i: { version: number }) => i.version)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(versions.body.items[0]).toMatchObject({ author: 'alice', summary: 'seo: title' });
    expect(versions.body.items[8].summary).toMatch(/generated from the brief/);

    const diff = await as('alice').get(`/sites/${site.id}/diff?from=1&to=9`);
    expect(diff.status).toBe(200);
    expect(diff.body).toMatchObject({ from: 1, to: 9, added: [], removed: [] });
    expect(diff.body.changed.map((c: { path: string }) => c.path).sort()).toEqual(
      ['seo.title', 'theme.colours.primary', 'theme.fonts.body', 'theme.spacing'].sort(),
    );
    const diff2 = await as('alice').get(`/sites/${site.id}/diff?from=1&to=2`);
    expect(diff2.body.added).toEqual([`blocks.${newBlock.id}`]);

    const restored = await as('alice').post(`/sites/${site.id}/versions/1/restore`, { baseVersion: 9 });
    expect(restored.status).toBe(200);
    expect(restored.body.version).toBe(10);
    expect(restored.body.content).toEqual(site.content);
    const one = await as('alice').get(`/sites/${site.id}/versions/1`);
    expect(one.body).toMatchObject({ version: 1, content: site.content });
    expect((await as('alice').get(`/sites/${site.id}/versions/99`)).status).toBe(404);
  });
});

describe('crash between the version insert and the site update', () => {
  it('rolls the site forward to the stored version on the next read, and the next edit builds on it', async () => {
    const site = await newSite();
    const id = new mongoose.Types.ObjectId(site.id);
    // Version 2 stored, the site's compare-and-set never ran (the process died in between).
    await builder.sites.store.versions.collection.insertOne({
      _id: versionId(id, 2),
      key: `version:${site.id}:2`,
      site: id,
      version: 2,
      content: { ...site.content, seo: { ...site.content.seo, title: 'Saved before the crash' } },
      author: 'alice',
      summary: 'seo: title',
      createdAt: new Date(),
    } as never);
    const got = await as('alice').get(`/sites/${site.id}`);
    expect(got.body.version).toBe(2);
    expect(got.body.content.seo.title).toBe('Saved before the crash');
    expect((await builder.sites.store.sites.findById(id).lean())?.version).toBe(2);
    const stale = await as('alice').patch(`/sites/${site.id}/seo`, { baseVersion: 1, seo: { title: 'x' } });
    expect(stale.status).toBe(409);
    expect(
      (await as('alice').patch(`/sites/${site.id}/seo`, { baseVersion: 2, seo: { title: 'After' } })).body.version,
    ).toBe(3);
  });
});

describe('bad input: a clear 4xx and nothing written', () => {
  it('refuses bad briefs', async () => {
    const sites = await siteCount();
    const versions = await versionCount();
    const cases: [unknown, number, RegExp][] = [
      [undefined, 415, /JSON body/],
      [{}, 400, /name/],
      [{ ...brief, name: { $gt: '' } }, 400, /name: must be a string/],
      [{ ...brief, businessType: 42 }, 400, /businessType/],
      [{ ...brief, colours: { primary: 'red' } }, 400, /colours\.primary: must be a hex colour/],
      [{ ...brief, colours: { primary: 'url(http://x)' } }, 400, /hex colour/],
      [{ ...brief, features: 'menu' }, 400, /features/],
      [{ ...brief, features: Array(21).fill('menu') }, 400, /at most 20/],
      [{ ...brief, owner: 'mallory' }, 400, /owner/],
      [{ ...brief, $where: 'sleep(1000)' }, 400, /\$where/],
      [{ ...brief, name: 'x'.repeat(101) }, 400, /at most 100/],
      [{ ...brief, name: 'bad\u0000name' }, 400, /control characters/],
      [[brief], 400, /JSON object/],
    ];
    for (const [body, status, detail] of cases) {
      const req = as('alice').post('/sites');
      const res = body === undefined ? await req : await req.send(body as object);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.detail).toMatch(detail);
    }
    const malformed = await as('alice').post('/sites').set('content-type', 'application/json').send('{"name": ');
    expect(malformed.status).toBe(400);
    const huge = await as('alice')
      .post('/sites')
      .send({ ...brief, description: 'x'.repeat(300_000) });
    expect(huge.status).toBe(413);
    expect(await siteCount()).toBe(sites);
    expect(await versionCount()).toBe(versions);
  });

  it('refuses bad edits, ids and queries, naming the field', async () => {
    const site = await newSite();
    const block = site.content.pages[0].sections[0].blocks[0];
    const button = site.content.pages[0].sections[0].blocks[2];
    const versions = await versionCount();
    const cases: [() => request.Test, number, RegExp][] = [
      [() => as('alice').get('/sites/not-an-id'), 400, /site id/],
      [() => as('alice').get(`/sites/${'0'.repeat(24)}`), 404, /no site/],
      [() => as('alice').get(`/sites/${site.id}?version[$gt]=0`), 200, /./],
      [() => as('alice').patch(`/sites/${site.id}/blocks/${block.id}`, { props: { text: 'x' } }), 400, /baseVersion/],
      [
        () => as('alice').patch(`/sites/${site.id}/blocks/${block.id}`, { baseVersion: '1', props: {} }),
        400,
        /baseVersion/,
      ],
      [
        () =>
          as('alice').patch(`/sites/${site.id}/blocks/${block.id}`, { baseVersion: 1, props: { text: { $gt: '' } } }),
        400,
        /props\.text: must be a string/,
      ],
      [
        () =>
          as('alice').patch(`/sites/${site.id}/blocks/${block.id}`, { baseVersion: 1, props: { onclick: 'alert(1)' } }),
        400,
        /onclick/,
      ],
      [
        () =>
          as('alice').patch(`/sites/${site.id}/blocks/${button.id}`, {
            baseVersion: 1,
            props: { href: 'javascript:alert(1)' },
          }),
        400,
        /props\.href/,
      ],
      [
        () =>
          as('alice').patch(`/sites/${site.id}/blocks/${button.id}`, {
            baseVersion: 1,
            props: { href: 'data:text/html,x' },
          }),
        400,
        /props\.href/,
      ],
      [() => as('alice').patch(`/sites/${site.id}/blocks/nope`, { baseVersion: 1, props: {} }), 404, /no block/],
      [
        () => as('alice').patch(`/sites/${site.id}/blocks/${block.id}`, { baseVersion: 1, props: {}, extra: 1 }),
        400,
        /extra/,
      ],
      [
        () =>
          as('alice').post(`/sites/${site.id}/blocks`, {
            baseVersion: 1,
            sectionId: site.content.pages[0].sections[0].id,
            block: { type: 'iframe', props: {} },
          }),
        400,
        /block\.type: must be one of/,
      ],
      [
        () =>
          as('alice').post(`/sites/${site.id}/blocks`, {
            baseVersion: 1,
            sectionId: site.content.pages[0].sections[0].id,
            block: { type: 'image', props: { src: 'file:///etc/passwd', alt: 'x' } },
          }),
        400,
        /block\.props\.src/,
      ],
      [
        () =>
          as('alice').post(`/sites/${site.id}/sections`, {
            baseVersion: 1,
            pageId: site.content.pages[0].id,
            section: { type: 'marquee' },
          }),
        400,
        /section\.type/,
      ],
      [
        () =>
          as('alice').patch(`/sites/${site.id}/theme`, {
            baseVersion: 1,
            theme: { fonts: { body: 'Comic Sans; background:url(x)' } },
          }),
        400,
        /theme\.fonts\.body: must be one of/,
      ],
      [
        () => as('alice').patch(`/sites/${site.id}/theme`, { baseVersion: 1, theme: { colours: { text: '#12345g' } } }),
        400,
        /theme\.colours\.text/,
      ],
      [() => as('alice').delete(`/sites/${site.id}/sections/x`), 400, /baseVersion/],
      [() => as('alice').get(`/sites/${site.id}/preview?version=abc`), 400, /version/],
      [() => as('alice').get(`/sites/${site.id}/preview?page=../../etc`), 400, /page/],
      [() => as('alice').get(`/sites/${site.id}/screenshot?width=800`), 400, /width: must be 1280 or 390/],
      [() => as('alice').get(`/sites/${site.id}/diff`), 400, /from/],
    ];
    for (const [i, [send, status, detail]] of cases.entries()) {
      const res = await send();
      expect(res.status, `case ${i}: ${JSON.stringify(res.body)}`).toBe(status);
      if (status !== 200) expect(res.body.detail).toMatch(detail);
    }
    expect(await versionCount()).toBe(versions);
  });
});

describe('preview, publishing and export', () => {
  it('serves the preview as HTML with a strict CSP, any version, any page', async () => {
    const site = await newSite();
    const res = await as('alice').get(`/sites/${site.id}/preview`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-security-policy']).toMatch(/default-src 'none'/);
    expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'self'/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.text).toContain('<h1>');
    expect(res.text).toContain('<style>');
    const about = await as('alice').get(`/sites/${site.id}/preview?page=about&version=1`);
    expect(about.text).toContain('<title>About | Harbour Bakery</title>');
    expect((await as('alice').get(`/sites/${site.id}/preview?page=nope`)).status).toBe(404);
    expect((await as('bob').get(`/sites/${site.id}/preview`)).status).toBe(403);
  });

  it('publishes a version to its subdomain atomically and serves it with a strict CSP', async () => {
    const site = await newSite();
    const published = await as('alice').post(`/sites/${site.id}/publish`, { subdomain: 'harbour-bakery' });
    expect(published.status).toBe(201);
    expect(published.body).toMatchObject({ subdomain: 'harbour-bakery', version: 1, url: '/sites/harbour-bakery/' });
    expect(Date.parse(published.body.publishedAt)).toBeGreaterThan(0);
    expect((await readdir(deployments)).filter((name) => name.startsWith('.'))).toEqual([]); // no temp dirs left
    expect(await readdir(join(deployments, 'harbour-bakery'))).toEqual(
      expect.arrayContaining(['index.html', 'about', 'styles.css']),
    );

    const page = await request(builder.app).get('/sites/harbour-bakery/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const csp = page.headers['content-security-policy'];
    for (const directive of [
      "default-src 'none'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data:",
      "form-action 'self'",
      "frame-ancestors 'self'",
      "base-uri 'none'",
    ]) {
      expect(csp).toContain(directive);
    }
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.text).toContain('<link rel="stylesheet" href="styles.css">');
    const about = await request(builder.app).get('/sites/harbour-bakery/about/');
    expect(about.status).toBe(200);
    expect(about.text).toContain('<link rel="stylesheet" href="../styles.css">');
    expect((await request(builder.app).get('/sites/harbour-bakery/styles.css')).headers['content-type']).toMatch(
      /text\/css/,
    );
    expect((await request(builder.app).get('/sites/harbour-bakery')).status).toBe(301);
    expect((await request(builder.app).get('/sites/harbour-bakery/about')).headers.location).toBe(
      '/sites/harbour-bakery/about/',
    );

    // No traversal, nothing but the rendered files.
    for (const path of [
      '/sites/harbour-bakery/../../package.json',
      '/sites/harbour-bakery/%2e%2e/%2e%2e/package.json',
      '/sites/harbour-bakery/..%2f..%2fpackage.json',
      '/sites/..%2f..%2fetc/passwd',
      '/sites/harbour-bakery/about/../../../etc/passwd',
      '/sites/harbour-bakery/nope/',
      '/sites/harbour-bakery/.staging-x/index.html',
      '/sites/no-such-site/',
    ]) {
      const res = await request(builder.app).get(path);
      expect(res.status, path).toBe(404);
    }

    // The site now shows where it is published; an edit and a re-publish move it to version 2.
    const got = await as('alice').get(`/sites/${site.id}`);
    expect(got.body).toMatchObject({
      subdomain: 'harbour-bakery',
      published: { subdomain: 'harbour-bakery', version: 1, url: '/sites/harbour-bakery/' },
    });
    const headline = site.content.pages[0].sections[0].blocks[0];
    await as('alice').patch(`/sites/${site.id}/blocks/${headline.id}`, {
      baseVersion: 1,
      props: { text: 'Now with rye' },
    });
    const again = await as('alice').post(`/sites/${site.id}/publish`, { subdomain: 'harbour-bakery' });
    expect(again.status).toBe(201);
    expect(again.body.version).toBe(2);
    expect((await request(builder.app).get('/sites/harbour-bakery/')).text).toContain('Now with rye');

    // Another site cannot take it.
    const other = await newSite('bob');
    const taken = await as('bob').post(`/sites/${other.id}/publish`, { subdomain: 'harbour-bakery' });
    expect(taken.status).toBe(409);
    expect((await request(builder.app).get('/sites/harbour-bakery/')).text).toContain('Now with rye');
    const moved = await as('alice').post(`/sites/${site.id}/publish`, { subdomain: 'kalk-bay-bakery', version: 1 });
    expect(moved.status).toBe(201);
    expect((await request(builder.app).get('/sites/harbour-bakery/')).status).toBe(404); // released
    expect((await as('bob').post(`/sites/${other.id}/publish`, { subdomain: 'harbour-bakery' })).status).toBe(201);
  });

  it('validates subdomains: DNS label rules, reserved names; only one site wins a race', async () => {
    const site = await newSite();
    for (const [subdomain, status] of [
      ['', 400],
      ['-bakery', 400],
      ['bakery-', 400],
      ['Bakery', 400],
      ['bak ery', 400],
      ['bäckerei', 400],
      ['a'.repeat(64), 400],
      ['../etc', 400],
      ['www', 400],
      ['api', 400],
      ['admin', 400],
      ['sites', 400],
      [{ $gt: '' }, 400],
    ] as const) {
      const res = await as('alice').post(`/sites/${site.id}/publish`, { subdomain });
      expect(res.status, JSON.stringify(subdomain)).toBe(status);
    }
    expect((await as('alice').post(`/sites/${site.id}/publish`, { subdomain: 'a'.repeat(63) })).status).toBe(201);
    const rivals = await Promise.all([newSite('alice'), newSite('bob'), newSite('alice')]);
    const results = await Promise.all(
      rivals.map((rival) => as(rival.owner).post(`/sites/${rival.id}/publish`, { subdomain: 'contested' })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
  });

  it('exports a version as a zip of the static site', async () => {
    const site = await newSite();
    const res = await as('alice')
      .get(`/sites/${site.id}/export?version=1`)
      .buffer(true)
      .parse((response, done) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    const files = unzipSync(new Uint8Array(res.body as Buffer));
    expect(Object.keys(files).sort()).toEqual(['about/index.html', 'index.html', 'styles.css']);
    expect(new TextDecoder().decode(files['index.html'])).toContain('<h1>');
  });

  it('stores messages from a published contact form for the owner', async () => {
    const site = await newSite();
    await as('alice').post(`/sites/${site.id}/publish`, { subdomain: 'form-test' });
    const html = (await request(builder.app).get('/sites/form-test/')).text;
    expect(html).toContain('<form class="contact-form" action="contact" method="post">');
    const sent = await request(builder.app)
      .post('/sites/form-test/contact')
      .type('form')
      .send({ name: 'Ann', email: 'ann@example.com', message: 'Do you bake rye? <script>' });
    expect(sent.status).toBe(200);
    expect(sent.text).toContain('Thank you');
    const messages = await as('alice').get(`/sites/${site.id}/messages`);
    expect(messages.body.items[0]).toMatchObject({ fields: { name: 'Ann', message: 'Do you bake rye? <script>' } });
    expect((await as('bob').get(`/sites/${site.id}/messages`)).status).toBe(403);
    expect(
      (await request(builder.app).post('/sites/nobody-here/contact').type('form').send({ name: 'x' })).status,
    ).toBe(404);
    // Two posts so far from this client (the 404 counts too); the test's limit is four an hour.
    const post = () => request(builder.app).post('/sites/form-test/contact').type('form').send({ name: 'again' });
    expect((await post()).status).toBe(200);
    expect((await post()).status).toBe(200);
    const refused = await post();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('counts publishes and reports pool gauges in /metrics', async () => {
    const metrics = (await request(builder.app).get('/metrics')).text;
    expect(metrics).toMatch(/website_builder_publishes_total\{[^}]*outcome="ok"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/website_builder_publishes_total\{[^}]*outcome="conflict"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/website_builder_browser_pool_size\{[^}]*\} 1/);
    expect(metrics).toMatch(/website_builder_browser_pool_in_use\{[^}]*\} 0/);
    expect(metrics).toMatch(/website_builder_renders_total\{[^}]*kind="export"[^}]*outcome="ok"[^}]*\} [1-9]/);
  });
});

it('keeps the export readable from the deployments folder as plain files', async () => {
  const index = await readFile(join(deployments, 'kalk-bay-bakery', 'index.html'), 'utf8');
  expect(index).toMatch(/^<!doctype html>/);
});
