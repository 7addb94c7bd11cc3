import { resolve } from 'node:path';
import {
  isMongoUnavailable,
  type MongoBootstrap,
  MongoConnection,
  mongoBootstrap,
  mongoose,
  naturalId,
  type ObjectId,
  parseObjectId,
} from '@azora/mongo';
import {
  type Auth,
  createAuth,
  createLogger,
  createMetrics,
  createService,
  HttpProblem,
  type Logger,
  parseBody,
  parseParams,
  parseQuery,
  type RateLimitOptions,
  rateLimit,
  requireStarted,
  type Service,
  serviceVersion,
  z,
} from '@azora/service-kit';
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import {
  type AuditViolation,
  BrowserPool,
  BrowserUnavailableError,
  PoolBusyError,
  RenderTimeoutError,
} from './browser.ts';
import { DEFAULTS } from './config.ts';
import {
  DeleteBody,
  deleteBlock,
  deleteSection,
  diffContent,
  InsertBlockBody,
  InsertSectionBody,
  insertBlock,
  insertSection,
  MoveBody,
  moveBlock,
  moveSection,
  PatchBlockBody,
  SeoBody,
  ThemeBody,
  updateBlockProps,
  updateSeo,
  updateTheme,
  validate,
} from './edits.ts';
import { generateSite } from './generator.ts';
import { type CopyProvider, writeCopy } from './llm.ts';
import { Brief, type Content, Id, objectError, Slug } from './model.ts';
import { Publisher, subdomainProblem, zipFiles } from './publish.ts';
import { renderFiles, renderPage, SITE_CSP } from './render.ts';
import { type Caller, Sites } from './sites.ts';
import { type AuditDoc, createStore, ensureIndexes, type SiteDoc, type VersionDoc } from './store.ts';
import { findTemplate, TEMPLATES } from './templates.ts';

export const SERVICE_NAME = 'ai-website-builder';
export const VERSION = serviceVersion(new URL('../package.json', import.meta.url));
const API = '/api/ai-website-builder';
export const SCREENSHOT_WIDTHS = [1280, 390] as const;
const IMPACTS = ['minor', 'moderate', 'serious', 'critical'] as const;

export interface WebsiteBuilderOptions {
  mongodbUri: string;
  logger?: Logger;
  /** Roles editor and admin. Default: none accepted (every route but templates and published sites is 401). */
  auth?: Auth;
  executablePath?: string;
  deploymentsDir?: string;
  browserPoolSize?: number;
  pagesPerBrowser?: number;
  renderTimeoutMs?: number;
  /** Optional LLM copy writer; the deterministic generator when absent. */
  copyProvider?: CopyProvider;
  /** The published contact forms' limit per client (default 10 a minute, counted in this process). */
  contactRateLimit?: Pick<RateLimitOptions, 'limit' | 'windowMs' | 'trustProxy'>;
  bodyLimit?: string;
  otlpEndpoint?: string;
}

export type WebsiteBuilderService = Service & {
  readonly sites: Sites;
  readonly pool: BrowserPool;
  readonly publisher: Publisher;
  readonly mongo: MongoConnection;
  /** Resolves once MongoDB is connected and prepared (or the service stopped), after start(). */
  readonly ready: () => Promise<void>;
};

const SiteParams = z.object({
  id: z.string().transform((value, ctx) => {
    const id = parseObjectId(value);
    if (!id) ctx.addIssue({ code: 'custom', message: 'must be a site id (24 hexadecimal digits)' });
    return id as ObjectId;
  }),
});
const versionNumber = z
  .string({ error: 'must be a version number' })
  .regex(/^[1-9]\d{0,8}$/, 'must be a version number (1 or more)')
  .transform(Number);
const VersionQuery = z.strictObject({ version: versionNumber.optional() });
const PreviewQuery = z.strictObject({ version: versionNumber.optional(), page: Slug.optional() });
const ScreenshotQuery = z.strictObject({
  version: versionNumber.optional(),
  page: Slug.optional(),
  width: z.enum(['1280', '390'], { error: 'must be 1280 or 390' }).default('1280').transform(Number),
});
const DiffQuery = z.strictObject({ from: versionNumber, to: versionNumber.optional() });
const AuditBody = z.strictObject({ version: z.number().int().min(1).optional() }, objectError);
const PublishBody = z.strictObject(
  {
    subdomain: z.string({ error: 'must be a string (a DNS label)' }).max(253, 'must be at most 63 characters'),
    version: z.number({ error: 'must be a version number' }).int().min(1).optional(),
  },
  objectError,
);
const RestoreBody = z.strictObject(
  { baseVersion: z.number({ error: 'must be the latest version number' }).int().min(1) },
  objectError,
);
const BaseVersionQuery = z.strictObject({ baseVersion: versionNumber });

function caller(req: Request): Caller {
  const principal = req.principal;
  if (!principal) throw new HttpProblem(401, 'authentication required');
  return { subject: principal.subject, isAdmin: principal.roles.includes('admin') };
}

function presentVersionInfo(version: Omit<VersionDoc, 'content'>) {
  return {
    version: version.version,
    createdAt: version.createdAt.toISOString(),
    author: version.author,
    summary: version.summary,
  };
}

function presentSite(site: SiteDoc, content: Content) {
  return {
    id: site._id.toHexString(),
    owner: site.owner,
    name: site.name,
    template: site.template,
    subdomain: site.subdomain,
    version: site.version,
    createdAt: site.createdAt.toISOString(),
    updatedAt: site.updatedAt.toISOString(),
    content,
    published: site.published
      ? {
          subdomain: site.published.subdomain,
          version: site.published.version,
          url: `/sites/${site.published.subdomain}/`,
          publishedAt: new Date(site.published.publishedAt).toISOString(),
        }
      : null,
  };
}

function presentAudit(audit: AuditDoc) {
  return {
    site: audit.site.toHexString(),
    version: audit.version,
    createdAt: audit.createdAt.toISOString(),
    violations: audit.violations,
    counts: audit.counts,
  };
}

/** Headers for a page meant to be shown (preview, published site): its own CSP, framable by the same origin. */
function pageHeaders(res: Response): void {
  res.set('content-security-policy', SITE_CSP);
  res.set('x-frame-options', 'SAMEORIGIN');
  res.set('x-content-type-options', 'nosniff');
  res.set('cross-origin-resource-policy', 'same-origin');
}

export function createWebsiteBuilderService(options: WebsiteBuilderOptions): WebsiteBuilderService {
  const logger = options.logger ?? createLogger(SERVICE_NAME);
  const auth = options.auth ?? createAuth({});
  const metrics = createMetrics({ service: SERVICE_NAME });

  const renders = metrics.counter({
    name: 'website_builder_renders_total',
    help: 'Renders, by kind (html, screenshot, pdf, audit, publish, export) and outcome (ok, error, timeout, busy)',
    labelNames: ['kind', 'outcome'] as const,
  });
  const renderDuration = metrics.histogram({
    name: 'website_builder_render_duration_seconds',
    help: 'Time to render, by kind',
    labelNames: ['kind'] as const,
    buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
  });
  const violationsTotal = metrics.counter({
    name: 'website_builder_audit_violations_total',
    help: 'axe-core rule violations found by audits, by impact',
    labelNames: ['impact'] as const,
  });
  const publishes = metrics.counter({
    name: 'website_builder_publishes_total',
    help: 'Publish requests, by outcome (ok, invalid, conflict, error)',
    labelNames: ['outcome'] as const,
  });
  const kinds = ['html', 'screenshot', 'pdf', 'audit', 'publish', 'export'];
  for (const kind of kinds) for (const outcome of ['ok', 'error', 'timeout', 'busy']) renders.inc({ kind, outcome }, 0);
  for (const impact of IMPACTS) violationsTotal.inc({ impact }, 0);
  for (const outcome of ['ok', 'invalid', 'conflict', 'error']) publishes.inc({ outcome }, 0);

  const pool = new BrowserPool({
    executablePath: options.executablePath ?? DEFAULTS.PUPPETEER_EXECUTABLE_PATH,
    size: options.browserPoolSize ?? DEFAULTS.BROWSER_POOL_SIZE,
    pagesPerBrowser: options.pagesPerBrowser ?? DEFAULTS.PAGES_PER_BROWSER,
    timeoutMs: options.renderTimeoutMs ?? DEFAULTS.RENDER_TIMEOUT_MS,
    logger,
  });
  metrics.gauge({
    name: 'website_builder_browser_pool_in_use',
    help: 'Browser pages rendering now',
    collect() {
      this.set(pool.status().inUse);
    },
  });
  metrics.gauge({
    name: 'website_builder_browser_pool_size',
    help: 'Browser pages the pool can render at once (browsers × pages per browser)',
    collect() {
      this.set(pool.capacity);
    },
  });
  metrics.gauge({
    name: 'website_builder_browsers_connected',
    help: 'Chromium browsers running and connected',
    collect() {
      this.set(pool.status().connected);
    },
  });
  metrics.gauge({
    name: 'website_builder_browser_pool_queued',
    help: 'Renders waiting for a free browser page',
    collect() {
      this.set(pool.status().queued);
    },
  });
  metrics.gauge({
    name: 'website_builder_browser_restarts',
    help: 'Browsers relaunched after a crash since the service started',
    collect() {
      this.set(pool.status().restarts);
    },
  });

  const mongo = new MongoConnection({
    uri: options.mongodbUri,
    onRetry: (error) => logger.warn({ err: error }, 'MongoDB is not reachable yet; retrying'),
  });
  const store = createStore(mongo.connection);
  const sites = new Sites(store);
  const publisher = new Publisher(store, resolve(options.deploymentsDir ?? DEFAULTS.DEPLOYMENTS_DIR));
  const bootstrap = bootstrapResource({ mongo, sites, logger });
  const editors = auth.requireRole('editor', 'admin');
  const ready = requireStarted(bootstrap, 'the website builder is starting (connecting to MongoDB); try again shortly');

  /** Times a render and counts its outcome. */
  async function timed<T>(kind: string, work: () => Promise<T>): Promise<T> {
    const stop = renderDuration.startTimer({ kind });
    try {
      const result = await work();
      renders.inc({ kind, outcome: 'ok' });
      return result;
    } catch (error) {
      const outcome =
        error instanceof RenderTimeoutError ? 'timeout' : error instanceof PoolBusyError ? 'busy' : 'error';
      renders.inc({ kind, outcome });
      throw error;
    } finally {
      stop();
    }
  }

  const schemaTypeOf = (site: SiteDoc) => findTemplate(site.template)?.schemaType ?? 'LocalBusiness';

  /** The site (owner or admin), the version asked for (default the latest) and its page. */
  async function loadVersion(req: Request, wanted?: number) {
    const { id } = parseParams(SiteParams, req);
    const site = await sites.readable(id, caller(req));
    const version = await sites.version(site, wanted);
    return { site, version };
  }

  function pageOf(content: Content, slug: string | undefined) {
    const page = slug === undefined ? content.pages[0] : content.pages.find((candidate) => candidate.slug === slug);
    if (!page) throw new HttpProblem(404, `no page "${slug}" in this version`);
    return page;
  }

  function htmlFor(site: SiteDoc, version: VersionDoc, slug?: string): string {
    const page = pageOf(version.content, slug);
    return renderPage(version.content, page, {
      siteName: site.name,
      schemaType: schemaTypeOf(site),
      mode: 'inline',
      query: { version: String(version.version) },
    });
  }

  async function respondSite(res: Response, site: SiteDoc, status = 200) {
    const latest = await sites.version(site);
    res.status(status).json(presentSite(site, latest.content));
  }

  const service = createService({
    name: SERVICE_NAME,
    version: VERSION,
    logger,
    metrics,
    bodyLimit: options.bodyLimit ?? '256kb',
    otlpEndpoint: options.otlpEndpoint,
    checks: [
      { name: 'mongodb', check: () => mongo.ping() },
      { name: 'browser', check: async () => pool.check() },
    ],
    resources: [
      { name: 'mongodb', close: () => mongo.close() },
      bootstrap,
      { name: 'browser pool', start: () => pool.start(), close: () => pool.close() },
    ],
    routes: (app) => {
      // The original platform's health path, answering exactly as /health.
      const startedAt = Date.now();
      app.get('/api/v1/health', (_req, res) => {
        res.set('cache-control', 'no-store');
        res.json({
          status: 'ok',
          service: SERVICE_NAME,
          version: VERSION,
          uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
        });
      });

      app.get(`${API}/templates`, ready, (_req, res) => {
        res.json(
          TEMPLATES.map((template) => ({
            id: template.id,
            name: template.name,
            kind: template.kind,
            description: template.description,
          })),
        );
      });

      app.post(`${API}/sites`, ...editors, ready, async (req, res) => {
        const brief = parseBody(Brief, req);
        const copy = options.copyProvider
          ? await writeCopy(options.copyProvider, brief, generateSite(brief).copy, logger)
          : undefined;
        const { site, version } = await sites.create(brief, caller(req).subject, copy);
        res.status(201).json(presentSite(site, version.content));
      });

      app.get(`${API}/sites`, ...editors, ready, async (req, res) => {
        const list = await sites.list(caller(req));
        const items = await Promise.all(
          list.map(async (site) =>
            presentSite(site, (await sites.version(site).catch(() => undefined))?.content as Content),
          ),
        );
        res.json({ items: items.filter((item) => item.content !== undefined) });
      });

      app.get(`${API}/sites/:id`, ...editors, ready, async (req, res) => {
        const { id } = parseParams(SiteParams, req);
        await respondSite(res, await sites.readable(id, caller(req)));
      });

      /** Runs an edit on the site's latest version and answers with the new version. */
      const edit = (
        run: (req: Request, content: Content) => ReturnType<typeof updateTheme>,
        base: (req: Request) => number,
      ) =>
        [
          ...editors,
          ready,
          (async (req, res) => {
            const { id } = parseParams(SiteParams, req);
            const who = caller(req);
            const site = await sites.readable(id, who);
            const saved = await sites.save(site, base(req), who.subject, (content) => run(req, content));
            await respondSite(res, saved);
          }) as RequestHandler,
        ] as RequestHandler[];
      const blockId = (req: Request) => validate(Id, req.params.blockId, 'blockId');
      const sectionId = (req: Request) => validate(Id, req.params.sectionId, 'sectionId');
      const bodyBase = (schema: z.ZodType<{ baseVersion: number }>) => (req: Request) =>
        parseBody(schema, req).baseVersion;
      const deleteBase = (req: Request) =>
        req.body !== undefined ? parseBody(DeleteBody, req).baseVersion : parseQuery(BaseVersionQuery, req).baseVersion;

      app.patch(
        `${API}/sites/:id/blocks/:blockId`,
        ...edit(
          (req, content) => updateBlockProps(content, blockId(req), parseBody(PatchBlockBody, req).props),
          bodyBase(PatchBlockBody),
        ),
      );
      app.post(
        `${API}/sites/:id/blocks`,
        ...edit((req, content) => {
          const body = parseBody(InsertBlockBody, req);
          return insertBlock(content, body.sectionId, body.block, body.index);
        }, bodyBase(InsertBlockBody)),
      );
      app.post(
        `${API}/sites/:id/blocks/:blockId/move`,
        ...edit((req, content) => {
          const body = parseBody(MoveBody, req);
          return moveBlock(content, blockId(req), { sectionId: body.sectionId, index: body.index });
        }, bodyBase(MoveBody)),
      );
      app.delete(
        `${API}/sites/:id/blocks/:blockId`,
        ...edit((req, content) => deleteBlock(content, blockId(req)), deleteBase),
      );
      app.post(
        `${API}/sites/:id/sections`,
        ...edit((req, content) => {
          const body = parseBody(InsertSectionBody, req);
          return insertSection(content, body.pageId, body.section, body.index);
        }, bodyBase(InsertSectionBody)),
      );
      app.post(
        `${API}/sites/:id/sections/:sectionId/move`,
        ...edit((req, content) => {
          const body = parseBody(MoveBody, req);
          return moveSection(content, sectionId(req), { pageId: body.pageId, index: body.index });
        }, bodyBase(MoveBody)),
      );
      app.delete(
        `${API}/sites/:id/sections/:sectionId`,
        ...edit((req, content) => deleteSection(content, sectionId(req)), deleteBase),
      );
      app.patch(
        `${API}/sites/:id/theme`,
        ...edit((req, content) => updateTheme(content, parseBody(ThemeBody, req).theme), bodyBase(ThemeBody)),
      );
      app.patch(
        `${API}/sites/:id/seo`,
        ...edit((req, content) => updateSeo(content, parseBody(SeoBody, req).seo), bodyBase(SeoBody)),
      );

      app.get(`${API}/sites/:id/versions`, ...editors, ready, async (req, res) => {
        const { id } = parseParams(SiteParams, req);
        const site = await sites.readable(id, caller(req));
        res.json({ items: (await sites.versions(site)).map(presentVersionInfo) });
      });

      app.get(`${API}/sites/:id/versions/:version`, ...editors, ready, async (req, res) => {
        const n = validate(versionNumber, req.params.version, 'version');
        const { version } = await loadVersion(req, n);
        res.json({ ...presentVersionInfo(version), content: version.content });
      });

      app.get(`${API}/sites/:id/diff`, ...editors, ready, async (req, res) => {
        const query = parseQuery(DiffQuery, req);
        const { site, version: from } = await loadVersion(req, query.from);
        const to = await sites.version(site, query.to);
        res.json({ from: from.version, to: to.version, ...diffContent(from.content, to.content) });
      });

      app.post(`${API}/sites/:id/versions/:version/restore`, ...editors, ready, async (req, res) => {
        const n = validate(versionNumber, req.params.version, 'version');
        const { baseVersion } = parseBody(RestoreBody, req);
        const { site, version } = await loadVersion(req, n);
        const saved = await sites.save(site, baseVersion, caller(req).subject, () => ({
          content: version.content,
          summary: `restored version ${n}`,
        }));
        await respondSite(res, saved);
      });

      app.get(`${API}/sites/:id/preview`, ...editors, ready, async (req, res) => {
        const query = parseQuery(PreviewQuery, req);
        const { site, version } = await loadVersion(req, query.version);
        const html = await timed('html', async () => htmlFor(site, version, query.page));
        pageHeaders(res);
        res.set('cache-control', 'private, no-store');
        res.type('html').send(html);
      });

      app.get(`${API}/sites/:id/screenshot`, ...editors, ready, async (req, res) => {
        const query = parseQuery(ScreenshotQuery, req);
        const { site, version } = await loadVersion(req, query.version);
        const html = htmlFor(site, version, query.page);
        const png = await timed('screenshot', () => pool.screenshot(html, query.width));
        res.set('cache-control', 'private, no-store');
        res.type('png').send(Buffer.from(png));
      });

      app.get(`${API}/sites/:id/pdf`, ...editors, ready, async (req, res) => {
        const query = parseQuery(VersionQuery, req);
        const { site, version } = await loadVersion(req, query.version);
        // Every page, one after another, in one document.
        const pages = version.content.pages.map((page) => htmlFor(site, version, page.slug));
        const html = pages.length === 1 ? (pages[0] as string) : joinPages(pages);
        const pdf = await timed('pdf', () => pool.pdf(html));
        res.set('cache-control', 'private, no-store');
        res.set('content-disposition', `inline; filename="site-v${version.version}.pdf"`);
        res.type('application/pdf').send(Buffer.from(pdf));
      });

      app.post(`${API}/sites/:id/audits`, ...editors, ready, async (req, res) => {
        const body = req.body === undefined ? {} : parseBody(AuditBody, req);
        const { site, version } = await loadVersion(req, body.version);
        const violations: AuditViolation[] = [];
        for (const page of version.content.pages) {
          const found = await timed('audit', () => pool.audit(htmlFor(site, version, page.slug)));
          for (const violation of found) {
            const same = violations.find((v) => v.rule === violation.rule);
            if (same) same.selectors.push(...violation.selectors.map((s) => `${page.slug}: ${s}`));
            else violations.push({ ...violation, selectors: violation.selectors.map((s) => `${page.slug}: ${s}`) });
          }
        }
        const counts = { minor: 0, moderate: 0, serious: 0, critical: 0 };
        for (const violation of violations) {
          counts[violation.impact] += 1;
          violationsTotal.inc({ impact: violation.impact });
        }
        const key = `audit:${site._id.toHexString()}:${version.version}`;
        const audit: AuditDoc = {
          _id: naturalId(key),
          key,
          site: site._id,
          version: version.version,
          violations,
          counts,
          createdAt: new Date(),
        };
        await sites.store.audits.replaceOne({ _id: audit._id }, audit, { upsert: true });
        res.status(201).json(presentAudit(audit));
      });

      app.get(`${API}/sites/:id/audits`, ...editors, ready, async (req, res) => {
        const query = parseQuery(VersionQuery, req);
        const { site, version } = await loadVersion(req, query.version);
        const audit = await sites.store.audits
          .findById(naturalId(`audit:${site._id.toHexString()}:${version.version}`))
          .lean<AuditDoc>();
        if (!audit) throw new HttpProblem(404, `version ${version.version} has not been audited yet (POST audits)`);
        res.json(presentAudit(audit));
      });

      app.post(`${API}/sites/:id/publish`, ...editors, ready, async (req, res) => {
        let outcome = 'error';
        try {
          const body = parseBody(PublishBody, req);
          const { site, version } = await loadVersion(req, body.version);
          const files = await timed('publish', async () =>
            renderFiles(version.content, { siteName: site.name, schemaType: schemaTypeOf(site) }),
          );
          const deployment = await publisher.publish(site, body.subdomain, version.version, files);
          outcome = 'ok';
          res.status(201).json({
            subdomain: deployment.subdomain,
            version: deployment.version,
            url: `/sites/${deployment.subdomain}/`,
            publishedAt: deployment.publishedAt.toISOString(),
          });
        } catch (error) {
          if (error instanceof HttpProblem) outcome = error.status === 409 ? 'conflict' : 'invalid';
          throw error;
        } finally {
          publishes.inc({ outcome });
        }
      });

      app.get(`${API}/sites/:id/export`, ...editors, ready, async (req, res) => {
        const query = parseQuery(VersionQuery, req);
        const { site, version } = await loadVersion(req, query.version);
        const zip = await timed('export', async () =>
          zipFiles(renderFiles(version.content, { siteName: site.name, schemaType: schemaTypeOf(site) })),
        );
        res.set('content-disposition', `attachment; filename="site-${site._id.toHexString()}-v${version.version}.zip"`);
        res.type('application/zip').send(Buffer.from(zip));
      });

      app.get(`${API}/sites/:id/messages`, ...editors, ready, async (req, res) => {
        const { id } = parseParams(SiteParams, req);
        const site = await sites.readable(id, caller(req));
        const messages = await sites.store.messages.find({ site: site._id }).sort({ createdAt: -1 }).limit(200).lean();
        res.json({
          items: messages.map((m) => ({
            subdomain: m.subdomain,
            fields: m.fields,
            createdAt: m.createdAt.toISOString(),
          })),
        });
      });

      // Published sites: only the names the renderer writes, from the subdomain's own folder.
      app.get('/sites/:subdomain{/*rest}', async (req, res) => {
        const match = /^\/sites\/([^/]+)(\/.*)?$/.exec(req.path);
        const subdomain = match?.[1] ?? '';
        const rest = match?.[2];
        if (subdomainProblem(subdomain)) throw new HttpProblem(404, 'no such site');
        if (rest === undefined) return res.redirect(301, `/sites/${encodeURIComponent(subdomain)}/`);
        let path: string;
        if (rest === '/' || rest === '/index.html') path = 'index.html';
        else if (rest === '/styles.css') path = 'styles.css';
        else if (/^\/[a-z0-9-]{1,40}\/(index\.html)?$/.test(rest)) path = `${rest.split('/')[1]}/index.html`;
        else if (/^\/[a-z0-9-]{1,40}$/.test(rest)) return res.redirect(301, `/sites/${subdomain}${rest}/`);
        else throw new HttpProblem(404, 'no such page on this site');
        const file = await publisher.read(subdomain, path);
        if (!file) throw new HttpProblem(404, 'no such page on this site');
        pageHeaders(res);
        res.set('cache-control', 'public, max-age=60');
        res.type(path.endsWith('.css') ? 'css' : 'html').send(file);
      });

      // The published sites' contact forms post here (form-action 'self'); messages are kept for the site's owner.
      const contactLimit = rateLimit({ limit: 10, windowMs: 60_000, ...options.contactRateLimit, name: 'contact' });
      app.post('/sites/:subdomain/contact', contactLimit, ready, async (req, res) => {
        const subdomain = String(req.params.subdomain);
        const deployment = await sites.store.deployments.findOne({ subdomain }).lean();
        if (!deployment) throw new HttpProblem(404, 'no such site');
        if (!req.is('application/x-www-form-urlencoded')) {
          throw new HttpProblem(415, 'expected a form (application/x-www-form-urlencoded)');
        }
        const raw = await readSmallBody(req, 16 * 1024);
        const params = new URLSearchParams(raw);
        const fields: Record<string, string> = {};
        for (const name of ['name', 'email', 'phone', 'message']) {
          const value = params.get(name);
          if (value !== null) fields[name] = value.slice(0, 5000);
        }
        if (Object.keys(fields).length === 0)
          throw new HttpProblem(400, 'the form sent none of name, email, phone, message');
        await sites.store.messages.create({
          _id: new mongoose.Types.ObjectId(),
          subdomain,
          site: deployment.site,
          fields,
          createdAt: new Date(),
        });
        pageHeaders(res);
        res
          .status(200)
          .type('html')
          .send(
            `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Message sent</title></head><body><main><h1>Thank you</h1><p>Your message was sent.</p><p><a href="./">Back to the site</a></p></main></body></html>`,
          );
      });

      app.use(builderErrors);
    },
  });

  return Object.assign(service, { sites, pool, publisher, mongo, ready: bootstrap.settled });
}

/** Several rendered pages as one document for the PDF: each page's main content, page breaks between. */
function joinPages(pages: string[]): string {
  const first = pages[0] as string;
  const mains = pages.map((html) => /<main[^>]*>([\s\S]*)<\/main>/.exec(html)?.[1] ?? '');
  const body = mains.map((main, i) => `<div style="break-before:${i ? 'page' : 'auto'}">${main}</div>`).join('\n');
  return first.replace(/<main([^>]*)>[\s\S]*<\/main>/, () => `<main$1>${body}</main>`);
}

async function readSmallBody(req: Request, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new HttpProblem(413, `the form is larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Chromium busy or down and MongoDB away are 503s the client may retry; a render timeout is a 504. */
const builderErrors: ErrorRequestHandler = (error, _req, _res, next) => {
  if (error instanceof PoolBusyError || error instanceof BrowserUnavailableError) {
    next(
      new HttpProblem(503, `rendering is unavailable right now: ${error.message}`, {
        headers: { 'retry-after': '2' },
        cause: error,
      }),
    );
  } else if (error instanceof RenderTimeoutError) {
    next(new HttpProblem(504, error.message, { cause: error }));
  } else if (isMongoUnavailable(error)) {
    next(
      new HttpProblem(503, 'the database (MongoDB) is unavailable; try again', {
        headers: { 'retry-after': '2' },
        cause: error,
      }),
    );
  } else next(error);
};

/** Connects, creates indexes and seeds the templates; the service listens meanwhile (not ready). */
function bootstrapResource(parts: { mongo: MongoConnection; sites: Sites; logger: Logger }): MongoBootstrap {
  const { mongo, sites, logger } = parts;
  return mongoBootstrap({
    name: 'bootstrap',
    subject: 'the website builder',
    mongo,
    logger,
    prepare: async () => {
      await ensureIndexes(sites.store);
      await sites.seedTemplates();
    },
  });
}
