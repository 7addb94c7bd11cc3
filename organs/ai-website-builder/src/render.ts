/**
 * Renders a site's content to static HTML and CSS. The pages need no script: semantic
 * landmarks (skip link, header with nav, one main with one h1, footer), labelled form
 * fields, alt text, `lang`. Every piece of user text is escaped for the context it lands
 * in: element text and (always double-quoted) attributes by HTML escaping, URLs by an
 * allow-list of schemes (others become `#`), CSS values only from validated hex colours
 * and the font allow-list, JSON-LD with `<`, `>`, `&`, U+2028 and U+2029 escaped.
 */
import { blackOrWhite, contrast, isHex, mix, readableOn } from './colour.ts';
import { type Block, type Content, FONTS, type FontName, isSafeHref, isSafeImageSrc, type Page } from './model.ts';

/** The policy of a rendered page: no script, no network but the site's own styles and images. */
export const PAGE_CSP =
  "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; base-uri 'none'";
/** The same over HTTP, where frame-ancestors applies (the console frames previews from its own origin). */
export const SITE_CSP = `${PAGE_CSP}; frame-ancestors 'self'`;

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A link target for an href attribute: allowed schemes only, anything else becomes `#`. */
export function safeHref(value: string): string {
  return isSafeHref(value) ? escapeHtml(value.trim()) : '#';
}

/** JSON for inside `<script type="application/ld+json">`: nothing in it can end the element. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const fontStack = (name: string) => FONTS[(name in FONTS ? name : 'system-ui') as FontName];
const hexOr = (value: unknown, fallback: string) => (isHex(value) ? value : fallback);

/** The theme as CSS custom properties, with text colours adjusted until they read at 4.5:1. */
export function themeVariables(theme: Content['theme']): Record<string, string> {
  const background = hexOr(theme.colours.background, '#ffffff');
  const primary = hexOr(theme.colours.primary, '#1a56db');
  const accent = hexOr(theme.colours.accent, '#f3f4f6');
  const surface = mix(background, contrast(background, '#000000') > 10 ? '#000000' : '#ffffff', 0.05);
  const textColour = readableOn(hexOr(theme.colours.text, '#111111'), [background, surface]);
  const onAccent = readableOn(textColour, [accent]);
  const spacing = { compact: '0.75', normal: '1', relaxed: '1.35' }[theme.spacing] ?? '1';
  return {
    '--colour-background': background,
    '--colour-surface': surface,
    '--colour-text': textColour,
    '--colour-primary': primary,
    '--colour-on-primary': blackOrWhite(primary),
    '--colour-link': readableOn(primary, [background, surface]),
    '--colour-accent': accent,
    '--colour-on-accent': onAccent,
    '--colour-accent-link': readableOn(primary, [accent]),
    '--font-heading': fontStack(theme.fonts.heading),
    '--font-body': fontStack(theme.fonts.body),
    '--space': spacing,
  };
}

export function renderCss(theme: Content['theme']): string {
  const variables = Object.entries(themeVariables(theme))
    .map(([name, value]) => `  ${name}: ${value};`)
    .join('\n');
  return `:root {\n${variables}\n}\n${BASE_CSS}`;
}

const BASE_CSS = `*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--colour-background); color: var(--colour-text); font-family: var(--font-body); font-size: 1.0625rem; line-height: 1.6; }
h1, h2, h3 { font-family: var(--font-heading); line-height: 1.2; margin: 0 0 calc(0.75rem * var(--space)); }
h1 { font-size: clamp(2rem, 5vw, 3.25rem); }
h2 { font-size: clamp(1.5rem, 3.5vw, 2.25rem); }
h3 { font-size: 1.25rem; }
p { margin: 0 0 calc(1rem * var(--space)); }
a { color: var(--colour-link); text-decoration-thickness: 0.08em; text-underline-offset: 0.15em; }
a:focus-visible, button:focus-visible, input:focus-visible, textarea:focus-visible { outline: 3px solid var(--colour-link); outline-offset: 2px; }
img, svg.illustration { display: block; max-width: 100%; height: auto; border-radius: 0.5rem; }
svg.illustration { width: 100%; aspect-ratio: 16 / 10; }
.section--about img, .section--about svg.illustration { max-width: 36rem; margin-top: 1.5rem; }
.skip-link { position: absolute; left: 0.5rem; top: -3rem; padding: 0.5rem 1rem; background: var(--colour-background); color: var(--colour-link); z-index: 10; }
.skip-link:focus { top: 0.5rem; }
.wrap { width: min(72rem, 100% - 2.5rem); margin-inline: auto; }
.site-header { border-bottom: 1px solid var(--colour-surface); }
.site-header .wrap { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 0.75rem 2rem; padding-block: 1rem; }
.brand { font-family: var(--font-heading); font-weight: 700; font-size: 1.25rem; text-decoration: none; color: var(--colour-text); }
.site-nav ul { display: flex; flex-wrap: wrap; gap: 0.5rem 1.25rem; list-style: none; margin: 0; padding: 0; }
.site-nav a[aria-current="page"] { font-weight: 700; text-decoration: none; }
.section { padding-block: calc(3.5rem * var(--space)); }
.section:nth-of-type(even) { background: var(--colour-surface); }
.section.section--hero { background: var(--colour-accent); color: var(--colour-on-accent); padding-block: calc(5rem * var(--space)); }
.section.section--hero a:not(.button) { color: var(--colour-accent-link); }
.section--hero p { font-size: 1.2rem; max-width: 40rem; }
.button { display: inline-block; margin: 0.25rem 0.75rem 0.25rem 0; padding: 0.75rem 1.4rem; border-radius: 0.4rem; background: var(--colour-primary); color: var(--colour-on-primary); border: 2px solid var(--colour-on-primary); font-weight: 700; text-decoration: none; font: inherit; font-weight: 700; cursor: pointer; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(15rem, 1fr)); gap: calc(1.5rem * var(--space)); list-style: none; margin: 0 0 1.5rem; padding: 0; }
.card { background: var(--colour-background); border: 1px solid var(--colour-surface); border-radius: 0.6rem; padding: 1.25rem; box-shadow: 0 1px 3px rgb(0 0 0 / 0.08); }
.card img, .card svg.illustration { margin-bottom: 1rem; }
.price { font-weight: 700; }
figure, blockquote { margin: 0; }
blockquote { font-size: 1.1rem; }
blockquote footer { margin-top: 0.5rem; font-style: italic; }
.post time { display: block; margin-bottom: 0.25rem; }
.contact-form { display: grid; gap: 1rem; max-width: 36rem; }
.field { display: grid; gap: 0.35rem; }
.field label { font-weight: 600; }
.field input, .field textarea { font: inherit; padding: 0.65rem 0.75rem; border: 2px solid var(--colour-text); border-radius: 0.35rem; background: var(--colour-background); color: var(--colour-text); width: 100%; }
.field textarea { min-height: 8rem; }
.site-footer { background: var(--colour-text); color: var(--colour-background); padding-block: 2rem; }
.site-footer a { color: var(--colour-background); }
.site-footer p { margin: 0; }
@media (max-width: 40rem) {
  body { font-size: 1rem; }
  .section { padding-block: calc(2.5rem * var(--space)); }
  .section--hero { padding-block: calc(3rem * var(--space)); }
  .site-header .wrap { flex-direction: column; align-items: flex-start; }
}
@media print {
  .skip-link, .site-nav { display: none; }
  .section { break-inside: avoid; }
}
`;

export interface RenderOptions {
  siteName: string;
  /** The schema.org type for the JSON-LD (LocalBusiness, Restaurant, Store, Blog…). */
  schemaType?: string;
  /**
   * `inline`: one self-contained document (styles in a `<style>` element, nav links as
   * `?page=` for the preview). `files`: the published layout — `index.html` for the
   * first page, `<slug>/index.html` for the others, one `styles.css`.
   */
  mode: 'inline' | 'files';
  /** inline mode: extra query parameters kept on nav links (the preview's version). */
  query?: Record<string, string>;
}

export interface RenderedFile {
  path: string;
  body: string;
}

/** The file a page is published as: the first page is the site's index. */
export function pagePath(content: Content, page: Page): string {
  return content.pages[0] === page ? 'index.html' : `${page.slug}/index.html`;
}

/** Every file of the published site: each page's HTML and the shared stylesheet. */
export function renderFiles(content: Content, options: Omit<RenderOptions, 'mode'>): RenderedFile[] {
  return [
    ...content.pages.map((page) => ({
      path: pagePath(content, page),
      body: renderPage(content, page, { ...options, mode: 'files' }),
    })),
    { path: 'styles.css', body: renderCss(content.theme) },
  ];
}

export function renderPage(content: Content, page: Page, options: RenderOptions): string {
  const isIndex = content.pages[0] === page;
  const up = options.mode === 'files' && !isIndex ? '../' : '';
  const linkTo = (target: Page): string => {
    if (options.mode === 'inline') {
      const params = new URLSearchParams({ ...options.query, page: target.slug });
      return escapeHtml(`?${params}`);
    }
    return escapeHtml(`${up}${pagePath(content, target)}`);
  };
  const title = isIndex ? content.seo.title : `${page.title} | ${options.siteName}`;
  const styles =
    options.mode === 'inline'
      ? `<style>${renderCss(content.theme).replace(/<\//g, '<\\/')}</style>`
      : `<link rel="stylesheet" href="${up}styles.css">`;
  const jsonLd = {
    '@context': 'https://schema.org',
    '@type': options.schemaType ?? 'LocalBusiness',
    name: options.siteName,
    description: content.seo.description,
  };
  const context: BlockContext = { h1Done: false, formAction: options.mode === 'inline' ? '#' : `${up}contact` };
  const sections = page.sections.map((section) => renderSection(section, context)).join('\n');
  // One h1 per page: the page's own title when no heading block asked to be one.
  const pageHeading = pageHasH1(page) ? '' : `<h1 class="wrap page-title">${escapeHtml(page.title)}</h1>\n`;
  const nav = content.pages
    .map(
      (target) =>
        `<li><a href="${linkTo(target)}"${target === page ? ' aria-current="page"' : ''}>${escapeHtml(target.title)}</a></li>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${PAGE_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<meta name="description" content="${escapeHtml(content.seo.description)}">
${styles}
<script type="application/ld+json">${jsonForScript(jsonLd)}</script>
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="site-header">
<div class="wrap">
<a class="brand" href="${linkTo(content.pages[0] as Page)}">${escapeHtml(options.siteName)}</a>
<nav class="site-nav" aria-label="Main"><ul>${nav}</ul></nav>
</div>
</header>
<main id="main" tabindex="-1">
${pageHeading}${sections}
</main>
<footer class="site-footer">
<div class="wrap"><p>&copy; ${escapeHtml(options.siteName)}</p></div>
</footer>
</body>
</html>
`;
}

function pageHasH1(page: Page): boolean {
  return page.sections.some((section) =>
    section.blocks.some((block) => block.type === 'heading' && block.props.level === 1),
  );
}

interface BlockContext {
  h1Done: boolean;
  formAction: string;
}

/** Block types shown side by side as a list of cards. */
const GRID_TYPES = new Set(['card', 'menu-item', 'product', 'post', 'quote']);

function renderSection(section: Content['pages'][number]['sections'][number], context: BlockContext): string {
  const parts: string[] = [];
  let grid: string[] = [];
  const flush = () => {
    if (grid.length) parts.push(`<ul class="grid" role="list">${grid.join('')}</ul>`);
    grid = [];
  };
  for (const block of section.blocks) {
    const html = renderBlock(block, context);
    if (GRID_TYPES.has(block.type)) grid.push(`<li>${html}</li>`);
    else {
      flush();
      parts.push(html);
    }
  }
  flush();
  return `<section id="section-${escapeHtml(section.id)}" class="section section--${escapeHtml(section.type)}"><div class="wrap">\n${parts.join('\n')}\n</div></section>`;
}

function paragraphs(text: string): string {
  return text
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.trim())
    .filter(Boolean)
    .map((paragraph) => `<p>${escapeHtml(paragraph).replace(/\n/g, '<br>')}</p>`)
    .join('');
}

/** An image from the site's author, or a generated illustration (inline SVG, nothing fetched). */
function image(props: { src: string; alt: string }, seed: string): string {
  if (props.src && isSafeImageSrc(props.src)) {
    return `<img src="${escapeHtml(props.src.trim())}" alt="${escapeHtml(props.alt)}" loading="lazy" width="800" height="500">`;
  }
  const label = props.alt ? `role="img" aria-label="${escapeHtml(props.alt)}"` : 'aria-hidden="true"';
  let hash = 0;
  for (const c of seed) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  const x = 60 + (hash % 260);
  const y = 60 + ((hash >> 9) % 120);
  return `<svg class="illustration" ${label} viewBox="0 0 400 250" focusable="false"><rect width="400" height="250" fill="var(--colour-accent)"/><circle cx="${x}" cy="${y}" r="48" fill="var(--colour-primary)" opacity="0.85"/><path d="M0 250 L140 120 L240 200 L300 150 L400 230 L400 250 Z" fill="var(--colour-text)" opacity="0.35"/></svg>`;
}

const FIELD_MARKUP = {
  name: (id: string) =>
    `<label for="${id}-name">Your name</label><input id="${id}-name" name="name" type="text" autocomplete="name" required>`,
  email: (id: string) =>
    `<label for="${id}-email">Email address</label><input id="${id}-email" name="email" type="email" autocomplete="email" required>`,
  phone: (id: string) =>
    `<label for="${id}-phone">Phone number</label><input id="${id}-phone" name="phone" type="tel" autocomplete="tel">`,
  message: (id: string) =>
    `<label for="${id}-message">Message</label><textarea id="${id}-message" name="message" required></textarea>`,
} as const;

function renderBlock(block: Block, context: BlockContext): string {
  switch (block.type) {
    case 'heading': {
      let level = block.props.level;
      if (level === 1 && context.h1Done) level = 2;
      if (level === 1) context.h1Done = true;
      return `<h${level}>${escapeHtml(block.props.text)}</h${level}>`;
    }
    case 'text':
      return paragraphs(block.props.text);
    case 'image':
      return image(block.props, block.id);
    case 'button':
      return `<a class="button" href="${safeHref(block.props.href)}">${escapeHtml(block.props.label)}</a>`;
    case 'quote':
      return `<figure class="card"><blockquote>${paragraphs(block.props.text)}</blockquote>${
        block.props.author ? `<figcaption>${escapeHtml(block.props.author)}</figcaption>` : ''
      }</figure>`;
    case 'card':
      return `<article class="card">${block.props.image ? image(block.props.image, block.id) : ''}<h3>${escapeHtml(block.props.title)}</h3>${paragraphs(block.props.text)}</article>`;
    case 'menu-item':
      return `<article class="card"><h3>${escapeHtml(block.props.name)}</h3>${paragraphs(block.props.description)}${
        block.props.price ? `<p class="price">${escapeHtml(block.props.price)}</p>` : ''
      }</article>`;
    case 'product':
      return `<article class="card">${image(block.props.image, block.id)}<h3>${escapeHtml(block.props.name)}</h3>${paragraphs(block.props.description)}${
        block.props.price ? `<p class="price">${escapeHtml(block.props.price)}</p>` : ''
      }</article>`;
    case 'post':
      return `<article class="card post"><h3>${escapeHtml(block.props.title)}</h3><time datetime="${escapeHtml(block.props.date)}">${escapeHtml(block.props.date)}</time>${paragraphs(block.props.excerpt)}</article>`;
    case 'list':
      return `<ul>${block.props.items.map((item) => `<li>${escapeHtml(item)}</li>`).join('')}</ul>`;
    case 'contact-form': {
      const id = `form-${escapeHtml(block.id)}`;
      const fields = block.props.fields.map((field) => `<div class="field">${FIELD_MARKUP[field](id)}</div>`).join('');
      return `<form class="contact-form" action="${escapeHtml(context.formAction)}" method="post">${fields}<div><button class="button" type="submit">${escapeHtml(block.props.submitLabel)}</button></div></form>`;
    }
  }
}
