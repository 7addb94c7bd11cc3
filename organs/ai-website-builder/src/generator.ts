/**
 * Turns a brief into a site's content, deterministically: the brief's canonical JSON is
 * hashed and the hash seeds every choice of phrasing, so the same brief always gives the
 * same site. An optional copy provider (an LLM, see llm.ts) may rewrite the headline,
 * tagline, about text, call to action and SEO copy; the structure stays the generator's.
 */
import { createHash } from 'node:crypto';
import type { Block, BlockProps, BlockType, Brief, Content, Page, Section, SectionType } from './model.ts';
import { chooseTemplate, type Template, type TemplateKind } from './templates.ts';

/** The copy a provider may replace. */
export interface Copy {
  headline: string;
  tagline: string;
  about: string;
  ctaLabel: string;
  seoTitle: string;
  seoDescription: string;
}

export interface GeneratedSite {
  template: Template;
  content: Content;
  copy: Copy;
}

/** Feature words (lower case) → the section that delivers them. */
const FEATURE_SECTIONS: [RegExp, SectionType][] = [
  [/contact|enquir|booking|reservation|get in touch|form/, 'contact'],
  [/menu|dishes|drinks|food/, 'menu'],
  [/galler|photo|portfolio|project|our work|showcase/, 'gallery'],
  [/blog|news|article|journal|posts?\b/, 'blog'],
  [/shop|store|product|e-?commerce|catalog|buy/, 'shop'],
  [/testimonial|review|feedback/, 'testimonials'],
  [/team|staff|people/, 'team'],
  [/faq|question/, 'faq'],
  [/pric|plans?\b|packages?\b|rates?\b/, 'pricing'],
  [/hours|opening|location|find us|map/, 'hours'],
  [/about|story|history/, 'about'],
  [/services?\b|features?\b|offer/, 'features'],
];

export function sectionForFeature(feature: string): SectionType | undefined {
  const lower = feature.toLowerCase();
  return FEATURE_SECTIONS.find(([pattern]) => pattern.test(lower))?.[1];
}

/** The brief as canonical JSON (sorted keys, trimmed strings): equal briefs hash the same. */
export function briefHash(brief: Brief): string {
  const canonical = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(canonical);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.keys(value)
          .sort()
          .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
      );
    }
    return typeof value === 'string' ? value.trim() : value;
  };
  return createHash('sha256')
    .update(JSON.stringify(canonical(brief)))
    .digest('hex');
}

/** mulberry32: a small seeded PRNG. */
function random(seedHex: string): () => number {
  let state = Number.parseInt(seedHex.slice(0, 8), 16) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Pick = <T>(options: readonly T[]) => T;

const clean = (value: string) => value.replace(/\s+/g, ' ').trim();

/** At most `max` characters, cut at a word boundary with an ellipsis. */
export function clip(value: string, max: number): string {
  const text = clean(value);
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,.;:]+$/, '')}…`;
}

function firstSentence(text: string): string {
  const match = /^(.+?[.!?])(\s|$)/.exec(clean(text));
  return match?.[1] ?? clean(text);
}

const HEADLINES: Record<TemplateKind, string[]> = {
  business: [
    '{name}: {type} you can rely on',
    'Welcome to {name}',
    '{name}, {type} done properly',
    'Better {type} starts at {name}',
  ],
  portfolio: [
    '{name}: selected work',
    'Work by {name}',
    '{name}: {type} with a point of view',
    'Hello, this is {name}',
  ],
  'e-commerce': ['Shop {name}', '{name}: {type}, delivered', 'New at {name}', 'Find something good at {name}'],
  restaurant: [
    'Welcome to {name}',
    '{name}: good food, warm welcome',
    'Eat well at {name}',
    'A table for you at {name}',
  ],
  blog: ['{name}', 'Notes from {name}', '{name}: writing on {type}', 'Read {name}'],
};
const CTAS: Record<TemplateKind, string[]> = {
  business: ['Get in touch', 'Book a call', 'Ask for a quote'],
  portfolio: ['Start a project', 'Get in touch', 'See the work'],
  'e-commerce': ['Shop now', 'Browse the shop', 'See what is new'],
  restaurant: ['Book a table', 'See the menu', 'Reserve now'],
  blog: ['Read the latest', 'Start reading', 'Say hello'],
};
const ITEM_WORDS: Record<TemplateKind, string[]> = {
  business: ['Consultation', 'Planning', 'Delivery', 'Support', 'Review', 'Training'],
  portfolio: ['Commission', 'Series', 'Study', 'Project', 'Collection', 'Edition'],
  'e-commerce': ['Classic', 'Everyday', 'Signature', 'Limited', 'Essential', 'Gift set'],
  restaurant: ['House salad', 'Soup of the day', 'Slow-cooked stew', 'Grilled fish', 'Seasonal tart', 'Chef’s special'],
  blog: ['First steps', 'Lessons learned', 'A closer look', 'Field notes', 'What changed', 'Looking ahead'],
};
const PRAISE = [
  'Friendly, quick and exactly what we needed.',
  'We keep coming back: the quality never slips.',
  'Clear from the first conversation to the last detail.',
  'Thoughtful work and a real pleasure to deal with.',
  'I recommend them to everyone who asks.',
];
const NAMES = ['Sam K.', 'Priya N.', 'Jordan M.', 'Lerato D.', 'Alex R.', 'Mei L.', 'Tomás G.', 'Amara O.'];

export function generateCopy(brief: Brief, template: Template, pick: Pick): Copy {
  const fill = (phrase: string) =>
    phrase.replace('{name}', clean(brief.name)).replace('{type}', clean(brief.businessType).toLowerCase());
  const audience = brief.audience ? ` Made for ${clean(brief.audience)}.` : '';
  return {
    headline: clip(fill(pick(HEADLINES[template.kind])), 200),
    tagline: clip(`${firstSentence(brief.description)}${audience}`, 300),
    about: clip(`${clean(brief.description)}${audience}`, 2000),
    ctaLabel: pick(CTAS[template.kind]),
    seoTitle: clip(`${clean(brief.name)} | ${clean(brief.businessType)}`, 70),
    seoDescription: clip(`${firstSentence(brief.description)}${audience}`, 200),
  };
}

export function slugify(value: string): string {
  return value
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
}

/** Builds sections with stable, readable ids (`<page>-<section type>[-n]`, blocks `<section>-<n>`). */
class Builder {
  readonly #used = new Set<string>();
  readonly brief: Brief;
  readonly template: Template;
  readonly copy: Copy;
  readonly pick: Pick;
  readonly extraFeatures: string[];

  constructor(brief: Brief, template: Template, copy: Copy, pick: Pick, extraFeatures: string[]) {
    this.brief = brief;
    this.template = template;
    this.copy = copy;
    this.pick = pick;
    this.extraFeatures = extraFeatures;
  }

  id(base: string): string {
    let id = base.slice(0, 60);
    for (let n = 2; this.#used.has(id); n++) id = `${base.slice(0, 56)}-${n}`;
    this.#used.add(id);
    return id;
  }

  section(pageSlug: string, type: SectionType, title?: string): Section {
    const id = this.id(`${pageSlug}-${type}`);
    const blocks: Block[] = [];
    let n = 0;
    const add = <T extends BlockType>(blockType: T, props: BlockProps<T>) => {
      n += 1;
      blocks.push({ id: `${id}-${n}`, type: blockType, props } as Block);
    };
    this.fill(type, add, title);
    return { id, type, blocks };
  }

  fill(type: SectionType, add: <T extends BlockType>(type: T, props: BlockProps<T>) => void, title?: string) {
    const { brief, copy, pick, template } = this;
    const name = clean(brief.name);
    const kind = template.kind;
    const words = ITEM_WORDS[kind];
    const heading = (text: string) => add('heading', { text: clip(text, 200), level: 2 });
    switch (type) {
      case 'hero':
        add('heading', { text: copy.headline, level: 1 });
        add('text', { text: copy.tagline });
        add('button', { label: copy.ctaLabel, href: '#main' });
        return;
      case 'about':
        heading(title ?? `About ${name}`);
        add('text', { text: copy.about });
        add('image', { src: '', alt: clip(`${name}: ${clean(brief.businessType).toLowerCase()}`, 300) });
        return;
      case 'features': {
        heading(title ?? pick(['What we offer', 'How we can help', 'Why choose us']));
        const extras = this.extraFeatures.map((feature) => ({
          title: clip(feature, 160),
          text: `${name} offers ${clean(feature).toLowerCase()}.`,
        }));
        const defaults = words.slice(0, Math.max(0, 3 - extras.length)).map((word) => ({
          title: word,
          text: `${word} from ${name}, ${pick(['planned around you', 'done with care', 'without the fuss', 'on time'])}.`,
        }));
        for (const card of [...extras, ...defaults]) add('card', card);
        return;
      }
      case 'gallery':
        heading(title ?? pick(['Gallery', 'Selected work', 'A look around']));
        for (let i = 1; i <= 6; i++) {
          const piece = `${words[i - 1]}`;
          add('card', {
            title: piece,
            text: '',
            image: { src: '', alt: clip(`${piece}: ${name}, ${clean(brief.businessType).toLowerCase()}`, 300) },
          });
        }
        return;
      case 'menu':
        heading(title ?? 'Menu');
        for (const [i, dish] of words.entries()) {
          add('menu-item', {
            name: kind === 'restaurant' ? dish : `${dish} plate`,
            description: pick([
              'Made fresh every day.',
              'With seasonal vegetables.',
              'A house favourite.',
              'Ask us about today’s version.',
            ]),
            price: `$${8 + ((i * 3 + Math.floor(pick([0, 1, 2, 3]))) % 14)}`,
          });
        }
        return;
      case 'shop':
        heading(title ?? pick(['Featured products', 'New in', 'Best sellers']));
        for (const [i, product] of words.slice(0, 4).entries()) {
          add('product', {
            name: `${product} ${pick(['edition', 'pack', 'set', 'one'])}`,
            description: `${product} from ${name}. ${pick(['Ships in two days.', 'Made to last.', 'Loved by regulars.'])}`,
            price: `$${19 + i * 10}`,
            image: { src: '', alt: clip(`${product} from ${name}`, 300) },
          });
        }
        return;
      case 'blog': {
        heading(title ?? 'Latest posts');
        const dates = ['2026-03-02', '2026-02-09', '2026-01-19'];
        for (const [i, date] of dates.entries()) {
          add('post', {
            title: `${words[i]}: ${clip(clean(brief.businessType), 60)}`,
            excerpt: `${pick(['What we learned', 'A short note', 'Thoughts'])} from ${name}.`,
            date,
          });
        }
        return;
      }
      case 'testimonials': {
        heading(title ?? pick(['What people say', 'Kind words', 'Reviews']));
        const offset = pick([0, 1, 2, 3, 4]);
        for (const i of [0, 1, 2]) {
          add('quote', {
            text: PRAISE[(offset + i * 2) % PRAISE.length] as string,
            author: NAMES[(offset + i * 3) % NAMES.length] as string,
          });
        }
        return;
      }
      case 'team':
        heading(title ?? 'The team');
        for (const member of NAMES.slice(0, 3)) add('card', { title: member, text: `Part of the ${name} team.` });
        return;
      case 'faq':
        heading(title ?? 'Questions');
        add('card', {
          title: 'How do I get in touch?',
          text: `Use the contact form and ${name} answers within a working day.`,
        });
        add('card', {
          title: `Who is ${name} for?`,
          text: brief.audience ? clip(clean(brief.audience), 2000) : 'Everyone.',
        });
        add('card', { title: 'Where can I learn more?', text: clip(clean(brief.description), 2000) });
        return;
      case 'pricing':
        heading(title ?? 'Pricing');
        for (const [i, tier] of ['Starter', 'Standard', 'Complete'].entries()) {
          add('card', {
            title: `${tier}: $${(i + 1) * 49}`,
            text: `${words[i]} ${pick(['included', 'and more', 'as standard'])}.`,
          });
        }
        return;
      case 'hours':
        heading(title ?? 'Opening hours');
        add('list', { items: ['Monday–Friday: 9:00–18:00', 'Saturday: 10:00–16:00', 'Sunday: closed'] });
        return;
      case 'contact':
        heading(title ?? pick(['Get in touch', 'Contact us', 'Say hello']));
        add('text', { text: `Send ${name} a message and we will reply soon.` });
        add('contact-form', { fields: ['name', 'email', 'message'], submitLabel: 'Send message' });
        return;
      case 'cta':
        heading(title ?? pick(['Ready when you are', 'Let’s talk', 'Start today']));
        add('text', { text: copy.tagline });
        add('button', { label: copy.ctaLabel, href: '#main' });
        return;
      case 'content':
        heading(title ?? name);
        add('text', { text: copy.about });
        return;
    }
  }
}

/** The site for a brief: template, theme (the brief's colours over the template's), pages, copy. */
export function generateSite(brief: Brief, copyOverride?: Copy): GeneratedSite {
  const hash = briefHash(brief);
  const rng = random(hash);
  const pick: Pick = (options) => options[Math.floor(rng() * options.length)] as (typeof options)[number];
  const template = chooseTemplate(brief.businessType);
  const copy = copyOverride ?? generateCopy(brief, template, pick);

  const featureSections: SectionType[] = [];
  const extraFeatures: string[] = [];
  for (const feature of brief.features ?? []) {
    const section = sectionForFeature(feature);
    if (section) featureSections.push(section);
    else extraFeatures.push(feature);
  }
  const builder = new Builder(brief, template, copy, pick, extraFeatures);

  // Extra pages from the brief: a page named like a section (Menu, Contact…) takes that
  // section from the home page; any other page gets a heading and the about text.
  const extraPages: { title: string; slug: string; section: SectionType; named: boolean }[] = [];
  const slugs = new Set(['home']);
  for (const [i, title] of (brief.pages ?? []).entries()) {
    let slug = slugify(title) || `page-${i + 2}`;
    if (slug === 'home' || slug === 'index') continue;
    for (let n = 2; slugs.has(slug); n++) slug = `${slugify(title).slice(0, 36) || 'page'}-${n}`;
    slugs.add(slug);
    const section = sectionForFeature(title);
    extraPages.push({ title: clip(title, 120), slug, section: section ?? 'content', named: section !== undefined });
  }
  const onOtherPage = new Set(extraPages.filter((page) => page.named).map((page) => page.section));
  const homeTypes: SectionType[] = [];
  for (const type of [...template.sections, ...featureSections]) {
    if (!homeTypes.includes(type) && !onOtherPage.has(type)) homeTypes.push(type);
  }
  if (extraFeatures.length && !homeTypes.includes('features') && !onOtherPage.has('features')) {
    homeTypes.splice(1, 0, 'features');
  }

  const home: Page = {
    id: builder.id('page-home'),
    slug: 'home',
    title: 'Home',
    sections: homeTypes.map((type) => builder.section('home', type)),
  };
  const pages: Page[] = [
    home,
    ...extraPages.map((page) => ({
      id: builder.id(`page-${page.slug}`),
      slug: page.slug,
      title: page.title,
      sections: [builder.section(page.slug, page.section, page.title)],
    })),
  ];
  // Calls to action lead to the contact form when the home page has one, else to what follows.
  const target = home.sections.find((section) => section.type === 'contact') ?? home.sections[1];
  for (const section of home.sections) {
    for (const block of section.blocks) {
      if (block.type === 'button' && target) block.props.href = `#section-${target.id}`;
    }
  }

  const colours = { ...template.theme.colours, ...brief.colours };
  return {
    template,
    copy,
    content: {
      theme: { ...template.theme, colours },
      seo: { title: copy.seoTitle, description: copy.seoDescription },
      pages,
    },
  };
}
