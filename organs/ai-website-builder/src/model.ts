/**
 * A site's content: a JSON component tree (pages → sections → blocks, each block a typed
 * component with props) plus its theme and SEO. Every shape is a strict zod schema: an
 * unknown block type, an unknown prop or a bad value is refused with the field's path.
 */
import { z } from '@azora/service-kit';

const NO_CONTROLS = /[\p{Cc}]/u;

/** For z.strictObject: "must be a JSON object" for a wrong type, zod's own message (naming the field) otherwise. */
export const objectError = {
  error: (issue: { code?: string }) => (issue.code === 'invalid_type' ? 'must be a JSON object' : undefined),
};

/** Plain text of at most `max` characters, no control characters (newlines only where `multiline`). */
export const text = (max: number, options: { min?: number; multiline?: boolean } = {}) =>
  z
    .string({ error: 'must be a string' })
    .min(options.min ?? 0, options.min ? 'must not be empty' : undefined)
    .max(max, `must be at most ${max} characters`)
    .refine(
      (value) => !NO_CONTROLS.test(options.multiline ? value.replace(/\r?\n/g, '') : value),
      'must not contain control characters',
    );

/**
 * Where a link may point: http(s), mailto, tel, a relative path or a #anchor. Anything
 * with another scheme (`javascript:`, `data:`, `vbscript:`, `file:` …) is refused.
 */
export function isSafeHref(value: string): boolean {
  // Browsers drop tabs and newlines inside URLs and ignore leading spaces/controls: test what they would see.
  const seen = value.replace(/[\p{Cc}\s]/gu, '');
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(seen)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    // Relative: a path, query or fragment; not protocol-relative (//host), not a backslash trick.
    return !seen.startsWith('//') && !seen.startsWith('\\') && !seen.includes('\\');
  }
  return ['http', 'https', 'mailto', 'tel'].includes(scheme);
}

/** Where an image may come from: http(s) or a relative path (no data:, file:, javascript: …). */
export function isSafeImageSrc(value: string): boolean {
  if (!isSafeHref(value)) return false;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value.trim())?.[1]?.toLowerCase();
  return scheme === undefined || scheme === 'http' || scheme === 'https';
}

export const Href = text(2000, { min: 1 }).refine(
  isSafeHref,
  'must be an http(s), mailto or tel URL, a relative path or a #anchor',
);
const ImageSrc = text(2000).refine(
  (value) => value === '' || isSafeImageSrc(value),
  'must be an http(s) URL or a relative path (empty for a generated illustration)',
);

export const HexColour = z
  .string({ error: 'must be a hex colour like #1a73e8' })
  .regex(/^#([0-9a-f]{3}|[0-9a-f]{6})$/i, 'must be a hex colour like #1a73e8')
  .transform((value) => normaliseHex(value));

export function normaliseHex(value: string): string {
  const hex = value.toLowerCase().slice(1);
  return `#${hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex}`;
}

/** The font allow-list: a name in the theme → the CSS font stack it renders as (no web fonts, nothing fetched). */
export const FONTS = {
  'system-ui': 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  humanist: '"Gill Sans", "Gill Sans MT", Calibri, "Trebuchet MS", sans-serif',
  geometric: 'Futura, "Century Gothic", "Avenir Next", Avenir, "DejaVu Sans", sans-serif',
  serif: 'Georgia, Cambria, "Times New Roman", Times, serif',
  'old-style': '"Palatino Linotype", Palatino, "Book Antiqua", "URW Palladio L", Georgia, serif',
  slab: 'Rockwell, "Roboto Slab", "DejaVu Serif", Georgia, serif',
  monospace: 'ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace',
} as const;
export type FontName = keyof typeof FONTS;
export const FONT_NAMES = Object.keys(FONTS) as [FontName, ...FontName[]];
export const SPACINGS = ['compact', 'normal', 'relaxed'] as const;

export const Colours = z.strictObject({
  primary: HexColour,
  accent: HexColour,
  background: HexColour,
  text: HexColour,
});
export type Colours = z.infer<typeof Colours>;

export const Theme = z.strictObject({
  colours: Colours,
  fonts: z.strictObject({
    heading: z.enum(FONT_NAMES, { error: `must be one of: ${FONT_NAMES.join(', ')}` }),
    body: z.enum(FONT_NAMES, { error: `must be one of: ${FONT_NAMES.join(', ')}` }),
  }),
  spacing: z.enum(SPACINGS, { error: `must be one of: ${SPACINGS.join(', ')}` }),
});
export type Theme = z.infer<typeof Theme>;

/** A partial theme for PATCH theme: any colour, font or the spacing. */
export const ThemePatch = z.strictObject({
  colours: Colours.partial().optional(),
  fonts: Theme.shape.fonts.partial().optional(),
  spacing: Theme.shape.spacing.optional(),
});

const Image = z.strictObject({ src: ImageSrc, alt: text(300) });

/** Every block type and its props. */
export const BLOCK_PROPS = {
  heading: z.strictObject({ text: text(200, { min: 1 }), level: z.union([z.literal(1), z.literal(2), z.literal(3)]) }),
  text: z.strictObject({ text: text(5000, { multiline: true }) }),
  image: Image,
  button: z.strictObject({ label: text(80, { min: 1 }), href: Href }),
  quote: z.strictObject({ text: text(1000, { min: 1, multiline: true }), author: text(120) }),
  /** A card: a feature, a gallery piece, a team member, a FAQ entry, a pricing tier. */
  card: z.strictObject({
    title: text(160, { min: 1 }),
    text: text(2000, { multiline: true }),
    image: Image.optional(),
  }),
  'menu-item': z.strictObject({ name: text(120, { min: 1 }), description: text(500), price: text(30) }),
  product: z.strictObject({
    name: text(120, { min: 1 }),
    description: text(1000, { multiline: true }),
    price: text(30),
    image: Image,
  }),
  post: z.strictObject({
    title: text(200, { min: 1 }),
    excerpt: text(2000, { multiline: true }),
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD'),
  }),
  list: z.strictObject({ items: z.array(text(300, { min: 1 })).max(50, 'must have at most 50 items') }),
  'contact-form': z.strictObject({
    fields: z
      .array(z.enum(['name', 'email', 'phone', 'message'], { error: 'must be name, email, phone or message' }))
      .min(1, 'must list at least one field')
      .max(4)
      .refine((fields) => new Set(fields).size === fields.length, 'must not repeat a field'),
    submitLabel: text(60, { min: 1 }),
  }),
} as const;
export type BlockType = keyof typeof BLOCK_PROPS;
export const BLOCK_TYPES = Object.keys(BLOCK_PROPS) as [BlockType, ...BlockType[]];
export type BlockProps<T extends BlockType> = z.infer<(typeof BLOCK_PROPS)[T]>;

export const SECTION_TYPES = [
  'hero',
  'about',
  'features',
  'gallery',
  'menu',
  'shop',
  'blog',
  'testimonials',
  'team',
  'faq',
  'pricing',
  'hours',
  'contact',
  'cta',
  'content',
] as const;
export type SectionType = (typeof SECTION_TYPES)[number];

export const Id = z
  .string({ error: 'must be an id' })
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be 1-64 lower-case letters, digits and hyphens');
export const Slug = z
  .string({ error: 'must be a slug' })
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/, 'must be 1-40 lower-case letters, digits and hyphens');

export const Block = z.discriminatedUnion(
  'type',
  BLOCK_TYPES.map((type) => z.strictObject({ id: Id, type: z.literal(type), props: BLOCK_PROPS[type] })) as never,
  { error: `type must be one of: ${BLOCK_TYPES.join(', ')}` },
) as unknown as z.ZodType<Block>;
export type Block = { [T in BlockType]: { id: string; type: T; props: BlockProps<T> } }[BlockType];

const SectionType = z.enum(SECTION_TYPES, { error: `must be one of: ${SECTION_TYPES.join(', ')}` });
export const Section = z.strictObject({
  id: Id,
  type: SectionType,
  blocks: z.array(Block).max(100, 'must have at most 100 blocks'),
});
export type Section = { id: string; type: SectionType; blocks: Block[] };

export const Page = z.strictObject({
  id: Id,
  slug: Slug,
  title: text(120, { min: 1 }),
  sections: z.array(Section).max(50, 'must have at most 50 sections'),
});
export type Page = { id: string; slug: string; title: string; sections: Section[] };

export const Seo = z.strictObject({ title: text(70, { min: 1 }), description: text(200) });

export const Content = z.strictObject({
  theme: Theme,
  seo: Seo,
  pages: z.array(Page).min(1, 'must have at least one page').max(12, 'must have at most 12 pages'),
});
export type Content = { theme: Theme; seo: z.infer<typeof Seo>; pages: Page[] };

/** The brief a site is generated from (POST sites). */
export const FEATURE_MAX = 20;
export const Brief = z.strictObject(
  {
    name: text(100, { min: 1 }),
    description: text(2000, { min: 1, multiline: true }),
    businessType: text(100, { min: 1 }),
    audience: text(200).optional(),
    colours: Colours.partial().optional(),
    features: z
      .array(text(60, { min: 1 }))
      .max(FEATURE_MAX, `must have at most ${FEATURE_MAX} features`)
      .optional(),
    pages: z
      .array(text(40, { min: 1 }))
      .max(8, 'must have at most 8 pages')
      .optional(),
  },
  objectError,
);
export type Brief = z.infer<typeof Brief>;
