// The generator, renderer and edits as plain functions (no browser, no database).
import { describe, expect, it } from 'vitest';
import { contrast } from './colour.ts';
import { deleteBlock, diffContent, insertBlock, moveSection, updateBlockProps, updateTheme } from './edits.ts';
import { briefHash, generateSite } from './generator.ts';
import { Brief, type Content } from './model.ts';
import { escapeHtml, jsonForScript, renderCss, renderFiles, renderPage, safeHref, themeVariables } from './render.ts';
import { TEMPLATE_KINDS, TEMPLATES } from './templates.ts';

const brief = Brief.parse({
  name: 'Harbour Bakery',
  description: 'Sourdough and pastries baked every morning by the harbour. Family run since 1987.',
  businessType: 'bakery',
  audience: 'locals and visitors',
  features: ['contact form', 'gallery', 'testimonials', 'free wifi'],
  pages: ['About', 'Menu'],
});

const XSS = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "'><svg onload=alert(1)>",
  'javascript:alert(1)',
  '</style><script>alert(1)</script>',
  '</script><script>alert(1)</script>',
  '\u2028\u2029 ünïcödé 🎉 &amp; &lt;',
].join(' ');

function allText(content: Content): string[] {
  const out: string[] = [];
  const walk = (value: unknown) => {
    if (typeof value === 'string') out.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(content.pages);
  walk(content.seo);
  return out;
}

describe('generator', () => {
  it('gives the same site for the same brief, a different one for a different brief', () => {
    const a = generateSite(brief);
    const b = generateSite(Brief.parse(JSON.parse(JSON.stringify(brief))));
    expect(b.content).toEqual(a.content);
    expect(briefHash({ ...brief, name: ' Harbour Bakery ' })).toBe(briefHash(brief));
    const other = generateSite({ ...brief, name: 'Quay Bakery' });
    expect(other.content).not.toEqual(a.content);
  });

  it('chooses a template from the business type, one for each of the five kinds', () => {
    const kinds = ['accountancy', 'wedding photographer', 'online tea shop', 'Italian restaurant', 'travel blog'].map(
      (businessType) => generateSite({ ...brief, businessType }).template.kind,
    );
    expect(kinds).toEqual(['business', 'portfolio', 'e-commerce', 'restaurant', 'blog']);
    expect(new Set(TEMPLATES.map((t) => t.kind))).toEqual(new Set(TEMPLATE_KINDS));
  });

  it('maps features to sections, named pages to their own pages, and fills the copy from the brief', () => {
    const { content, template } = generateSite(brief);
    expect(template.kind).toBe('restaurant');
    expect(content.pages.map((page) => page.slug)).toEqual(['home', 'about', 'menu']);
    const home = content.pages[0];
    const types = home?.sections.map((section) => section.type) ?? [];
    expect(types).toEqual(expect.arrayContaining(['hero', 'contact', 'gallery', 'testimonials', 'features']));
    expect(types).not.toContain('menu'); // it has its own page
    expect(content.pages[2]?.sections[0]?.type).toBe('menu');
    const texts = allText(content).join('\n');
    expect(texts).toContain('free wifi'); // an unknown feature becomes a highlighted card
    expect(texts).toContain('Sourdough and pastries baked every morning by the harbour.');
    expect(content.seo.title).toBe('Harbour Bakery | bakery');
    expect(content.seo.description).toContain('locals and visitors');
    const hero = home?.sections[0]?.blocks ?? [];
    expect(hero[0]).toMatchObject({ type: 'heading', props: { level: 1 } });
    // Every generated image has alt text; the call to action leads to the contact form.
    const images = home?.sections.flatMap((s) =>
      s.blocks.flatMap((b) =>
        b.type === 'image' ? [b.props] : b.type === 'card' && b.props.image ? [b.props.image] : [],
      ),
    );
    expect(images?.length).toBeGreaterThan(0);
    for (const image of images ?? []) expect(image.alt.length).toBeGreaterThan(5);
    const contact = home?.sections.find((s) => s.type === 'contact');
    expect(hero[2]).toMatchObject({ type: 'button', props: { href: `#section-${contact?.id}` } });
    // Block ids are unique, stable strings.
    const ids = content.pages.flatMap((p) => p.sections.flatMap((s) => s.blocks.map((b) => b.id)));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('overrides template colours with the brief and keeps every text colour readable', () => {
    const { content } = generateSite({
      ...brief,
      colours: { primary: '#ffff00', background: '#fffff0', text: '#eeeeee' },
    });
    expect(content.theme.colours.primary).toBe('#ffff00');
    const vars = themeVariables(content.theme);
    for (const [fg, bg] of [
      ['--colour-text', '--colour-background'],
      ['--colour-text', '--colour-surface'],
      ['--colour-link', '--colour-background'],
      ['--colour-link', '--colour-surface'],
      ['--colour-on-primary', '--colour-primary'],
      ['--colour-on-accent', '--colour-accent'],
      ['--colour-accent-link', '--colour-accent'],
    ] as const) {
      expect(contrast(vars[fg] as string, vars[bg] as string), `${fg} on ${bg}`).toBeGreaterThanOrEqual(4.5);
    }
  });
});

describe('renderer', () => {
  it('renders semantic, labelled pages: lang, skip link, landmarks, one h1, labels, alt text', () => {
    const { content } = generateSite(brief);
    for (const page of content.pages) {
      const html = renderPage(content, page, { siteName: brief.name, mode: 'files' });
      expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
      expect(html).toContain('<a class="skip-link" href="#main">');
      for (const tag of ['<header', '<nav class="site-nav" aria-label="Main">', '<main id="main"', '<footer']) {
        expect(html).toContain(tag);
      }
      expect(html.match(/<h1[ >]/g)).toHaveLength(1);
      for (const [, id] of html.matchAll(/<input id="([^"]+)"/g)) expect(html).toContain(`<label for="${id}">`);
      for (const img of html.match(/<img [^>]*>/g) ?? []) expect(img).toMatch(/ alt="[^"]+"/);
      expect(html).not.toMatch(/<script(?! type="application\/ld\+json")/);
    }
  });

  it('escapes every piece of brief text for its context, in every field', () => {
    const hostile = Brief.parse({
      name: XSS.slice(0, 100),
      description: XSS,
      businessType: `restaurant ${XSS}`.slice(0, 100),
      audience: XSS.slice(0, 200),
      features: [XSS.slice(0, 60), 'menu', 'contact form', 'gallery'],
      pages: [XSS.slice(0, 40), 'Blog'],
    });
    const { content } = generateSite(hostile);
    for (const file of renderFiles(content, { siteName: hostile.name })) {
      const html = file.body;
      if (file.path === 'styles.css') {
        expect(html).not.toMatch(/<|script|url\(/i);
        continue;
      }
      // The only script element is the JSON-LD data block, and nothing closes it early.
      expect(html.match(/<script/gi)).toHaveLength(1);
      expect(html.match(/<\/script/gi)).toHaveLength(1);
      // Real tags only (quoted attribute values blanked; escaped text has no "<"): no on* handler, no img but ours.
      const tags = html.replace(/"[^"]*"/g, '""').match(/<[^>]*>/g) ?? [];
      expect(tags.filter((tag) => /\son\w+\s*=/i.test(tag))).toEqual([]);
      expect(tags.filter((tag) => /^<img/i.test(tag))).toEqual([]);
      expect(html).not.toMatch(/(href|src|action)="\s*javascript:/i);
      expect(html).not.toContain('</style><script>');
      expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
      expect(html).toContain('ünïcödé 🎉 &#38;amp;');
      const jsonLd = /<script type="application\/ld\+json">(.*?)<\/script>/s.exec(html)?.[1] ?? '';
      expect(jsonLd).not.toMatch(/[<>&\u2028\u2029]/);
      expect(JSON.parse(jsonLd).name).toBe(hostile.name);
    }
  });

  it('refuses unsafe URLs and escapes the safe ones', () => {
    for (const bad of [
      'javascript:alert(1)',
      ' JaVaScRiPt:alert(1)',
      'java\nscript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox(1)',
      'file:///etc/passwd',
      '//evil.example/x',
      '\\\\evil.example\\x',
    ]) {
      expect(safeHref(bad), bad).toBe('#');
    }
    expect(safeHref('https://example.com/?a=1&b="2"')).toBe('https://example.com/?a=1&#38;b=&#34;2&#34;');
    for (const ok of ['mailto:hi@example.com', 'tel:+27123', '/about', 'about/index.html', '#contact', '?page=x']) {
      expect(safeHref(ok)).toBe(escapeHtml(ok));
    }
    expect(jsonForScript({ a: '</script><b>&\u2028' })).toBe(
      '{"a":"\\u003c/script\\u003e\\u003cb\\u003e\\u0026\\u2028"}',
    );
  });

  it('renders raw content with bad values inertly even if validation were bypassed', () => {
    const { content } = generateSite(brief);
    const raw = structuredClone(content) as Content;
    raw.theme.colours.primary = 'red;} body{background:url(http://127.0.0.1/x)}' as never;
    raw.theme.fonts.body = 'x;}</style><script>alert(1)</script>' as never;
    const hero = raw.pages[0]?.sections[0];
    hero?.blocks.push(
      { id: 'evil-1', type: 'button', props: { label: 'Go', href: 'javascript:alert(1)' } },
      { id: 'evil-2', type: 'image', props: { src: 'data:image/svg+xml,<svg onload=alert(1)>', alt: 'x' } },
    );
    const css = renderCss(raw.theme);
    expect(css).not.toMatch(/url\(|<|script/);
    const html = renderPage(raw, raw.pages[0] as never, { siteName: 'x', mode: 'inline' });
    expect(html).toContain('<a class="button" href="#">Go</a>');
    expect(html).not.toContain('data:image/svg');
    expect(html.replace(/"[^"]*"/g, '""')).not.toMatch(/<[^>]*\son\w+=/);
  });
});

describe('edits', () => {
  const { content } = generateSite(brief);
  const hero = content.pages[0]?.sections[0];
  const headline = hero?.blocks[0]?.id as string;

  it('updates block props, validates them and names the bad field', () => {
    const edit = updateBlockProps(content, headline, { text: 'Fresh bread daily' });
    expect(edit.content.pages[0]?.sections[0]?.blocks[0]).toMatchObject({
      id: headline,
      props: { text: 'Fresh bread daily', level: 1 },
    });
    expect(content.pages[0]?.sections[0]?.blocks[0]?.props).not.toMatchObject({ text: 'Fresh bread daily' }); // immutable
    expect(() => updateBlockProps(content, headline, { text: 42 })).toThrow(/props\.text: must be a string/);
    expect(() => updateBlockProps(content, headline, { colour: 'red' })).toThrow(/props: .*colour/);
    expect(() => updateBlockProps(content, headline, { level: 7 })).toThrow(/props\.level/);
    const button = hero?.blocks[2]?.id as string;
    expect(() => updateBlockProps(content, button, { href: 'javascript:alert(1)' })).toThrow(
      /props\.href: must be an http/,
    );
    expect(() => updateBlockProps(content, 'no-such-block', {})).toThrow(/no block/);
  });

  it('inserts, moves and deletes, and diffs by id', () => {
    const inserted = insertBlock(content, hero?.id as string, { type: 'text', props: { text: 'Open daily' } }, 1);
    const newBlock = inserted.content.pages[0]?.sections[0]?.blocks[1];
    expect(newBlock).toMatchObject({ type: 'text', props: { text: 'Open daily' } });
    expect(() => insertBlock(content, hero?.id as string, { type: 'text', props: { text: 5 } })).toThrow(
      /block\.props\.text/,
    );
    const moved = moveSection(inserted.content, hero?.id as string, { index: 2 });
    expect(moved.content.pages[0]?.sections[2]?.id).toBe(hero?.id);
    const deleted = deleteBlock(moved.content, headline);
    const themed = updateTheme(deleted.content, { colours: { primary: '#112233' }, fonts: { heading: 'slab' } });
    const diff = diffContent(content, themed.content);
    expect(diff.added).toEqual([`blocks.${newBlock?.id}`]);
    expect(diff.removed).toEqual([`blocks.${headline}`]);
    const changed = diff.changed.map((c) => c.path);
    expect(changed).toEqual(
      expect.arrayContaining(['theme.colours.primary', 'theme.fonts.heading', `sections.${hero?.id}.position`]),
    );
    expect(diff.changed.find((c) => c.path === 'theme.colours.primary')).toMatchObject({ to: '#112233' });
    expect(diffContent(content, content)).toEqual({ added: [], removed: [], changed: [] });
  });
});
