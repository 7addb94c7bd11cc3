import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import {
  type ApiError,
  type Audit,
  api,
  asApiError,
  fetchWithCredential,
  type Impact,
  type Publication,
  type Site,
  type SiteTemplate,
  type SiteVersion,
} from '../api.ts';
import {
  type BriefErrors,
  briefFrom,
  COLOUR_ROLES,
  type ColourRole,
  FEATURES,
  headlineBlock,
  isStaleEdit,
  publishProblem,
  subdomainError,
} from '../builder.ts';
import { ErrorMessage, Field, focusFirstInvalid, ServiceBanner, SignIn, Spinner } from '../components.tsx';
import { useCredential } from '../credentials.ts';

const BASE = '/api/ai-website-builder';
const IMPACTS: readonly Impact[] = ['critical', 'serious', 'moderate', 'minor'];
const WIDTHS = [
  { width: 1280, label: 'Desktop, 1280 px wide' },
  { width: 390, label: 'Mobile, 390 px wide' },
] as const;
const WHEN = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'short' });

const sentence = (text: string) => (/[.!?]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`);

function BriefForm({ templates, onCreated }: { templates: SiteTemplate[]; onCreated: (site: Site) => void }) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [businessType, setBusinessType] = useState('');
  const [audience, setAudience] = useState('');
  const [colours, setColours] = useState<Partial<Record<ColourRole, string>>>({});
  const [features, setFeatures] = useState<string[]>([]);
  const [pages, setPages] = useState('');
  const [errors, setErrors] = useState<BriefErrors>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const result = briefFrom({ name, description, businessType, audience, colours, features, pages });
    if (!result.ok) {
      setErrors(result.errors);
      focusFirstInvalid(form.current);
      return;
    }
    setErrors({});
    setError(null);
    setBusy(true);
    try {
      onCreated(await api<Site>(`${BASE}/sites`, { method: 'POST', auth: true, json: result.brief }));
    } catch (caught) {
      setError(asApiError(caught));
    } finally {
      setBusy(false);
    }
  };

  const toggle = (feature: string) =>
    setFeatures((current) =>
      current.includes(feature) ? current.filter((f) => f !== feature) : [...current, feature],
    );

  return (
    <form
      ref={form}
      className="card stack"
      onSubmit={submit}
      noValidate
      aria-labelledby="brief-heading"
      data-testid="brief-form"
    >
      <h2 id="brief-heading">Describe your business</h2>
      <p className="muted small">
        The builder picks a template and writes the copy from this brief; the same brief gives the same site.
      </p>
      <Field id="brief-name" label="Site name" error={errors.name}>
        {(aria) => (
          <input id="brief-name" value={name} onChange={(e) => setName(e.target.value)} maxLength={120} {...aria} />
        )}
      </Field>
      <Field id="brief-description" label="What the business does" error={errors.description}>
        {(aria) => (
          <textarea
            id="brief-description"
            value={description}
            onChange={(e) => setDescription(e.target.value)}
            rows={3}
            maxLength={2000}
            {...aria}
          />
        )}
      </Field>
      <Field
        id="brief-type"
        label="Kind of business"
        error={errors.businessType}
        hint={templates.length > 0 ? `Templates: ${templates.map((t) => t.kind).join(', ')}.` : undefined}
      >
        {(aria) => (
          <>
            <input
              id="brief-type"
              value={businessType}
              onChange={(e) => setBusinessType(e.target.value)}
              list="brief-type-kinds"
              autoComplete="off"
              maxLength={100}
              {...aria}
            />
            <datalist id="brief-type-kinds">
              {templates.map((template) => (
                <option key={template.id} value={template.kind}>
                  {template.name}
                </option>
              ))}
            </datalist>
          </>
        )}
      </Field>
      <Field id="brief-audience" label="Audience (optional)">
        {(aria) => (
          <input
            id="brief-audience"
            value={audience}
            onChange={(e) => setAudience(e.target.value)}
            maxLength={200}
            {...aria}
          />
        )}
      </Field>
      <fieldset className="stack builder-fieldset">
        <legend>Features (optional)</legend>
        <div className="row">
          {FEATURES.map((feature) => (
            <label key={feature} className="choice">
              <input type="checkbox" checked={features.includes(feature)} onChange={() => toggle(feature)} /> {feature}
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset className="stack builder-fieldset">
        <legend>Colours (optional, hex)</legend>
        <div className="row">
          {COLOUR_ROLES.map((role) => (
            <Field
              key={role}
              id={`brief-colour-${role}`}
              label={`${role[0]?.toUpperCase()}${role.slice(1)}`}
              error={errors[role]}
            >
              {(aria) => (
                <input
                  id={`brief-colour-${role}`}
                  value={colours[role] ?? ''}
                  onChange={(e) => setColours((current) => ({ ...current, [role]: e.target.value }))}
                  placeholder="#1f6feb"
                  size={9}
                  maxLength={7}
                  autoComplete="off"
                  spellCheck={false}
                  {...aria}
                />
              )}
            </Field>
          ))}
        </div>
      </fieldset>
      <Field
        id="brief-pages"
        label="Pages (optional)"
        error={errors.pages}
        hint="Comma-separated, e.g. Home, Menu, Contact."
      >
        {(aria) => (
          <input id="brief-pages" value={pages} onChange={(e) => setPages(e.target.value)} maxLength={400} {...aria} />
        )}
      </Field>
      <div className="row">
        <button type="submit" disabled={busy}>
          Create site
        </button>
        {busy ? <Spinner label="Generating…" /> : null}
      </div>
      <ErrorMessage error={error} />
    </form>
  );
}

/**
 * The preview HTML made inert for a srcdoc frame. A document the console builds inherits
 * the console's Content-Security-Policy, which refuses inline styles and scripts: the
 * page's `<style>` elements are taken out here, to be applied through CSSOM once the frame
 * has loaded (`applyStyles`), and its scripts are dropped (none may run; the frame is
 * sandboxed anyway). Parsed as a <template>'s content, where nothing is applied or run;
 * the renderer writes no style attributes.
 */
function inertPreview(html: string): { markup: string; sheets: string[] } {
  const template = document.createElement('template');
  template.innerHTML = html;
  const content = template.content;
  const sheets = [...content.querySelectorAll('style')].map((style) => {
    style.remove();
    return style.textContent ?? '';
  });
  for (const script of content.querySelectorAll('script:not([type="application/ld+json"])')) script.remove();
  const lang = /<html[^>]*\slang="([A-Za-z-]{1,35})"/.exec(html)?.[1] ?? 'en';
  return { markup: `<!doctype html><html lang="${lang}">${template.innerHTML}</html>`, sheets };
}

/**
 * Applies the page's styles to the loaded frame, and keeps its links inside the preview:
 * a link to another page of the site (`?page=<slug>`) shows that page, anchors scroll, and
 * nothing else navigates the frame.
 */
function applyStyles(frame: HTMLIFrameElement, sheets: readonly string[], showPage: (slug: string) => void) {
  const doc = frame.contentDocument;
  const view = doc?.defaultView;
  if (!doc || !view) return;
  doc.adoptedStyleSheets = sheets.map((text) => {
    const sheet = new view.CSSStyleSheet();
    sheet.replaceSync(text);
    return sheet;
  });
  doc.addEventListener('click', (event) => {
    const link = (event.target as Element | null)?.closest?.('a[href]');
    const href = link?.getAttribute('href') ?? '';
    if (!link || href.startsWith('#')) return;
    event.preventDefault();
    const slug = new URLSearchParams(href.split('?')[1] ?? '').get('page');
    if (slug) showPage(slug);
  });
}

function Preview({ site }: { site: Site }) {
  const [slug, setSlug] = useState(site.content.pages[0]?.slug ?? '');
  const [preview, setPreview] = useState<{ markup: string; sheets: string[] } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const frame = useRef<HTMLIFrameElement>(null);

  useEffect(() => {
    let cancelled = false;
    const query = new URLSearchParams({ version: String(site.version), ...(slug ? { page: slug } : {}) });
    fetchWithCredential(`${BASE}/sites/${encodeURIComponent(site.id)}/preview?${query}`, 'text/html')
      .then((blob) => blob.text())
      .then((html) => {
        if (!cancelled) {
          setPreview(inertPreview(html));
          setError(null);
        }
      })
      .catch((caught) => {
        if (!cancelled) setError(asApiError(caught));
      });
    return () => {
      cancelled = true;
    };
  }, [site.id, site.version, slug]);

  return (
    <section className="card stack" aria-labelledby="preview-heading">
      <div className="row spread">
        <h3 id="preview-heading">Preview (version {site.version})</h3>
        {site.content.pages.length > 1 ? (
          <div className="row small">
            <label htmlFor="preview-page">Page</label>
            <select id="preview-page" value={slug} onChange={(e) => setSlug(e.target.value)}>
              {site.content.pages.map((page) => (
                <option key={page.id} value={page.slug}>
                  {page.title}
                </option>
              ))}
            </select>
          </div>
        ) : null}
      </div>
      {preview ? (
        <iframe
          ref={frame}
          className="site-preview"
          title={`Preview of ${site.name}`}
          // No scripts, forms, pop-ups or navigation of the console; same origin only so the
          // console can apply the page's styles to the frame.
          sandbox="allow-same-origin"
          srcDoc={preview.markup}
          onLoad={() => frame.current && applyStyles(frame.current, preview.sheets, setSlug)}
          data-testid="site-preview"
        />
      ) : error ? null : (
        <Spinner label="Rendering the preview…" />
      )}
      <ErrorMessage error={error} />
    </section>
  );
}

function Screenshots({ site }: { site: Site }) {
  const [shots, setShots] = useState<{ width: number; url: string }[]>([]);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(
    () => () => {
      for (const shot of shots) URL.revokeObjectURL(shot.url);
    },
    [shots],
  );

  const take = async () => {
    setBusy(true);
    setError(null);
    try {
      const taken = await Promise.all(
        WIDTHS.map(async ({ width }) => {
          const blob = await fetchWithCredential(
            `${BASE}/sites/${encodeURIComponent(site.id)}/screenshot?width=${width}&version=${site.version}`,
            'image/png',
          );
          return { width, url: URL.createObjectURL(blob) };
        }),
      );
      setShots(taken);
    } catch (caught) {
      setError(asApiError(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card stack" aria-labelledby="shots-heading" data-testid="screenshots">
      <h3 id="shots-heading">Screenshots</h3>
      <div className="row">
        <button type="button" className="secondary" onClick={() => void take()} disabled={busy}>
          Take screenshots
        </button>
        {busy ? <Spinner label="Chromium is rendering both widths…" /> : null}
      </div>
      {shots.length > 0 ? (
        <div className="row shots">
          {shots.map((shot) => {
            const label = WIDTHS.find((w) => w.width === shot.width)?.label ?? `${shot.width} px`;
            return (
              <figure key={shot.width} className={`shot shot-${shot.width}`}>
                <img src={shot.url} alt={`${site.name}, version ${site.version}: ${label}`} data-width={shot.width} />
                <figcaption className="muted small">{label}</figcaption>
              </figure>
            );
          })}
        </div>
      ) : null}
      <ErrorMessage error={error} />
    </section>
  );
}

function HeadlineEditor({
  site,
  onSaved,
  onReload,
}: {
  site: Site;
  onSaved: (site: Site) => void;
  onReload: () => void;
}) {
  const block = headlineBlock(site);
  const current = typeof block?.props.text === 'string' ? block.props.text : '';
  const [headline, setHeadline] = useState(current);
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [error, setError] = useState<ApiError | null>(null);
  const [result, setResult] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => setHeadline(current), [current]);

  if (!block) return null;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const text = headline.trim();
    setResult('');
    if (!text) {
      setFieldError('The headline cannot be empty.');
      return;
    }
    setFieldError(undefined);
    setError(null);
    setBusy(true);
    try {
      const saved = await api<Site>(
        `${BASE}/sites/${encodeURIComponent(site.id)}/blocks/${encodeURIComponent(block.id)}`,
        {
          method: 'PATCH',
          auth: true,
          json: { baseVersion: site.version, props: { text } },
        },
      );
      setResult(`Saved as version ${saved.version}.`);
      onSaved(saved);
    } catch (caught) {
      setError(asApiError(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="card stack"
      onSubmit={submit}
      noValidate
      aria-labelledby="headline-heading"
      data-testid="headline-form"
    >
      <h3 id="headline-heading">Edit the headline</h3>
      <Field id="headline" label="Headline" error={fieldError} hint="The main heading of the home page's hero section.">
        {(aria) => (
          <input
            id="headline"
            value={headline}
            onChange={(e) => setHeadline(e.target.value)}
            maxLength={200}
            {...aria}
          />
        )}
      </Field>
      <div className="row">
        <button type="submit" disabled={busy}>
          Save headline
        </button>
        {busy ? <Spinner label="Saving…" /> : null}
      </div>
      <p className="result" aria-live="polite" data-testid="headline-result">
        {result}
      </p>
      {error && isStaleEdit(error) ? (
        <div className="banner banner-error" role="alert" data-testid="headline-conflict">
          <strong>The site changed meanwhile:</strong> {sentence(error.message)} Someone saved a newer version since
          this page loaded it; reload it and make your edit again.{' '}
          <button
            type="button"
            className="secondary small-button"
            onClick={() => {
              setError(null);
              setResult('');
              onReload();
            }}
          >
            Reload the site
          </button>
        </div>
      ) : (
        <ErrorMessage error={error} />
      )}
    </form>
  );
}

function AuditCard({ site }: { site: Site }) {
  const [audit, setAudit] = useState<Audit | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let cancelled = false;
    setAudit(null);
    // The stored audit of this version, if one was run; 404 means none yet.
    api<Audit>(`${BASE}/sites/${encodeURIComponent(site.id)}/audits?version=${site.version}`, { auth: true })
      .then((found) => !cancelled && setAudit(found))
      .catch(() => {});
    return () => {
      cancelled = true;
    };
  }, [site.id, site.version]);

  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      setAudit(
        await api<Audit>(`${BASE}/sites/${encodeURIComponent(site.id)}/audits`, {
          method: 'POST',
          auth: true,
          json: { version: site.version },
        }),
      );
    } catch (caught) {
      setError(asApiError(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card stack" aria-labelledby="audit-heading" data-testid="audit">
      <h3 id="audit-heading">Accessibility audit</h3>
      <div className="row">
        <button type="button" className="secondary" onClick={() => void run()} disabled={busy}>
          Run the audit
        </button>
        {busy ? <Spinner label="axe-core is checking the page…" /> : null}
      </div>
      {audit ? (
        <>
          <p aria-live="polite" data-testid="audit-summary">
            Version {audit.version}, checked {WHEN.format(new Date(audit.createdAt))}:{' '}
            {audit.violations.length === 0
              ? 'no violations found.'
              : `${audit.violations.length} rule${audit.violations.length === 1 ? '' : 's'} violated.`}
          </p>
          <dl className="supply audit-counts">
            {IMPACTS.map((impact) => (
              <div key={impact} data-impact={impact}>
                <dt>{impact[0]?.toUpperCase() + impact.slice(1)}</dt>
                <dd data-testid={`audit-count-${impact}`}>{audit.counts[impact] ?? 0}</dd>
              </div>
            ))}
          </dl>
          {audit.violations.length > 0 ? (
            <ul className="plain stack" data-testid="audit-violations">
              {audit.violations.map((violation) => (
                <li key={violation.rule} data-impact={violation.impact}>
                  <strong>{violation.rule}</strong>{' '}
                  <span className={`badge impact-${violation.impact}`}>{violation.impact}</span> {violation.help}
                  <span className="muted small"> — {violation.selectors.join(', ')}</span>
                </li>
              ))}
            </ul>
          ) : null}
        </>
      ) : null}
      <ErrorMessage error={error} />
    </section>
  );
}

function PublishForm({ site, onPublished }: { site: Site; onPublished: (publication: Publication) => void }) {
  const [subdomain, setSubdomain] = useState(site.published?.subdomain ?? site.subdomain ?? '');
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const problem = subdomainError(subdomain);
    setFieldError(problem);
    if (problem) {
      input.current?.focus();
      return;
    }
    setError(null);
    setBusy(true);
    try {
      onPublished(
        await api<Publication>(`${BASE}/sites/${encodeURIComponent(site.id)}/publish`, {
          method: 'POST',
          auth: true,
          json: { subdomain: subdomain.trim(), version: site.version },
        }),
      );
    } catch (caught) {
      setError(asApiError(caught));
    } finally {
      setBusy(false);
    }
  };

  const refusal = error ? publishProblem(error) : null;
  return (
    <form
      className="card stack"
      onSubmit={submit}
      noValidate
      aria-labelledby="publish-heading"
      data-testid="publish-form"
    >
      <h3 id="publish-heading">Publish</h3>
      <Field
        id="publish-subdomain"
        label="Subdomain"
        error={fieldError}
        hint="Served at /sites/<subdomain>/ on this console's address."
      >
        {(aria) => (
          <input
            id="publish-subdomain"
            ref={input}
            value={subdomain}
            onChange={(e) => setSubdomain(e.target.value)}
            autoComplete="off"
            spellCheck={false}
            maxLength={80}
            {...aria}
          />
        )}
      </Field>
      <div className="row">
        <button type="submit" disabled={busy}>
          Publish version {site.version}
        </button>
        {busy ? <Spinner label="Publishing…" /> : null}
      </div>
      <div aria-live="polite" data-testid="publish-result">
        {site.published ? (
          <p className="result">
            Version {site.published.version} is live at{' '}
            <a href={site.published.url} target="_blank" rel="noopener" data-testid="published-link">
              {site.published.url}
            </a>{' '}
            <span className="muted small">(since {WHEN.format(new Date(site.published.publishedAt))})</span>
          </p>
        ) : null}
      </div>
      {error && refusal ? (
        <div className="banner banner-error" role="alert" data-testid="publish-error" data-status={error.status}>
          <strong>{refusal.title}</strong> {sentence(error.message)} {refusal.advice}
        </div>
      ) : (
        <ErrorMessage error={error} />
      )}
    </form>
  );
}

function Versions({ site }: { site: Site }) {
  const [versions, setVersions] = useState<SiteVersion[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    let cancelled = false;
    api<{ items: SiteVersion[] }>(`${BASE}/sites/${encodeURIComponent(site.id)}/versions`, { auth: true })
      .then(({ items }) => !cancelled && setVersions(items))
      .catch((caught) => !cancelled && setError(asApiError(caught)));
    return () => {
      cancelled = true;
    };
  }, [site.id]);

  return (
    <section className="card stack" aria-labelledby="versions-heading" data-testid="versions">
      <h3 id="versions-heading">Versions</h3>
      {versions ? (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col" className="num">
                  Version
                </th>
                <th scope="col">Change</th>
                <th scope="col" className="col-optional">
                  By
                </th>
                <th scope="col">When</th>
              </tr>
            </thead>
            <tbody>
              {[...versions]
                .sort((a, b) => b.version - a.version)
                .map((version) => (
                  <tr key={version.version}>
                    <td className="num">{version.version}</td>
                    <td>{version.summary}</td>
                    <td className="col-optional">{version.author}</td>
                    <td>{WHEN.format(new Date(version.createdAt))}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <ErrorMessage error={error} />
    </section>
  );
}

function SiteWorkspace({ site, onChange }: { site: Site; onChange: (site: Site) => void }) {
  const reload = useCallback(async () => {
    onChange(await api<Site>(`${BASE}/sites/${encodeURIComponent(site.id)}`, { auth: true }));
  }, [site.id, onChange]);

  return (
    <section
      className="stack"
      aria-labelledby="site-heading"
      data-testid="site"
      data-site={site.id}
      data-version={site.version}
    >
      <div className="card stack">
        <h2 id="site-heading">{site.name}</h2>
        <p className="muted small">
          Template <strong data-testid="site-template">{site.template}</strong> · version{' '}
          <strong data-testid="site-version">{site.version}</strong> · {site.content.pages.length} page
          {site.content.pages.length === 1 ? '' : 's'} · SEO title “{site.content.seo.title}”
        </p>
      </div>
      <Preview site={site} />
      <HeadlineEditor site={site} onSaved={onChange} onReload={() => void reload()} />
      <Screenshots key={`${site.id}@${site.version}`} site={site} />
      <AuditCard site={site} />
      <PublishForm
        key={site.id}
        site={site}
        onPublished={(published) => onChange({ ...site, subdomain: published.subdomain, published })}
      />
      {/* A new version: the list is asked for again. */}
      <Versions key={site.version} site={site} />
    </section>
  );
}

function Builder() {
  const [templates, setTemplates] = useState<SiteTemplate[]>([]);
  const [sites, setSites] = useState<Site[] | null>(null);
  const [selected, setSelected] = useState<Site | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [created, setCreated] = useState('');

  useEffect(() => {
    api<SiteTemplate[]>(`${BASE}/templates`)
      .then(setTemplates)
      .catch((caught) => setError(asApiError(caught)));
    api<{ items: Site[] }>(`${BASE}/sites`, { auth: true })
      .then(({ items }) => setSites(items))
      .catch((caught) => setError(asApiError(caught)));
  }, []);

  const change = useCallback((site: Site) => {
    setSelected(site);
    setSites((current) => (current ?? []).map((s) => (s.id === site.id ? site : s)));
  }, []);

  return (
    <div className="stack">
      <BriefForm
        templates={templates}
        onCreated={(site) => {
          setCreated(`Created ${site.name} from the ${site.template} template.`);
          setSites((current) => [site, ...(current ?? []).filter((s) => s.id !== site.id)]);
          setSelected(site);
        }}
      />
      <p className="result" aria-live="polite" data-testid="create-result">
        {created}
      </p>
      <ErrorMessage error={error} />
      {sites && sites.length > 0 ? (
        <section className="card stack" aria-labelledby="sites-heading" data-testid="sites">
          <h2 id="sites-heading">Your sites</h2>
          <ul className="site-list row">
            {sites.map((site) => (
              <li key={site.id}>
                <button
                  type="button"
                  className={site.id === selected?.id ? '' : 'secondary'}
                  aria-pressed={site.id === selected?.id}
                  onClick={() => setSelected(site)}
                >
                  {site.name}
                </button>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {selected ? <SiteWorkspace key={selected.id} site={selected} onChange={change} /> : null}
    </div>
  );
}

export function WebsiteBuilderPage() {
  const credential = useCredential();
  return (
    <div className="stack">
      <ServiceBanner service="ai-website-builder" />
      <SignIn hint="Sites belong to the editor who creates them: use an editor's key or token." />
      {credential ? (
        <Builder key={credential.value} />
      ) : (
        <p className="muted">Sign in to write a brief, edit your sites, audit them and publish them.</p>
      )}
    </div>
  );
}
