/**
 * Edits to a site's content, as pure functions from one version's content to the next:
 * block props, inserting / moving / deleting sections and blocks, theme tokens and SEO.
 * Each result is validated against the full Content schema, so no edit can produce a
 * tree the renderer does not know. `diffContent` compares two versions structurally.
 */
import { randomBytes } from 'node:crypto';
import { HttpProblem, z } from '@azora/service-kit';
import {
  BLOCK_PROPS,
  BLOCK_TYPES,
  type Block,
  Content,
  Id,
  objectError,
  type Page,
  SECTION_TYPES,
  Section,
  type Section as SectionT,
  Seo,
  ThemePatch,
} from './model.ts';

/** A fresh id for an inserted section or block (existing ids never change). */
export function newId(prefix: string): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

const position = z
  .number({ error: 'must be a whole number (0 is first)' })
  .int('must be a whole number (0 is first)')
  .min(0, 'must be 0 or more');
const baseVersion = z
  .number({ error: 'must be the version number the edit is based on' })
  .int('must be a whole number')
  .min(1, 'must be 1 or more');

export const PatchBlockBody = z.strictObject(
  { baseVersion, props: z.record(z.string(), z.unknown(), { error: 'must be an object of props' }) },
  objectError,
);
export const InsertBlockBody = z.strictObject(
  {
    baseVersion,
    sectionId: Id,
    index: position.optional(),
    block: z.strictObject(
      { type: z.enum(BLOCK_TYPES, { error: `must be one of: ${BLOCK_TYPES.join(', ')}` }), props: z.unknown() },
      { error: 'must be an object {type, props}' },
    ),
  },
  objectError,
);
export const MoveBody = z.strictObject(
  { baseVersion, sectionId: Id.optional(), pageId: Id.optional(), index: position },
  objectError,
);
export const InsertSectionBody = z.strictObject(
  {
    baseVersion,
    pageId: Id,
    index: position.optional(),
    section: z.strictObject(
      {
        type: z.enum(SECTION_TYPES, { error: `must be one of: ${SECTION_TYPES.join(', ')}` }),
        blocks: z
          .array(z.strictObject({ type: z.string(), props: z.unknown() }))
          .max(100)
          .default([]),
      },
      { error: 'must be an object {type, blocks?}' },
    ),
  },
  objectError,
);
export const DeleteBody = z.strictObject({ baseVersion }, objectError);
export const ThemeBody = z.strictObject({ baseVersion, theme: ThemePatch }, objectError);
export const SeoBody = z.strictObject({ baseVersion, seo: Seo.partial() }, objectError);

/** Validates with zod and answers 400 naming the field, prefixed with where it sits. */
export function validate<T extends z.ZodType>(schema: T, value: unknown, where: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = [where, ...(issue?.path ?? []).map(String)].filter(Boolean).join('.');
  throw new HttpProblem(400, `invalid ${path}: ${issue?.message ?? 'invalid'}`, {
    extensions: {
      errors: result.error.issues.map((i) => ({
        path: [where, ...i.path.map(String)].filter(Boolean).join('.'),
        message: i.message,
      })),
    },
  });
}

export interface Edit {
  content: Content;
  summary: string;
}

const clone = (content: Content): Content => structuredClone(content);

function locateBlock(content: Content, blockId: string) {
  for (const page of content.pages) {
    for (const section of page.sections) {
      const index = section.blocks.findIndex((block) => block.id === blockId);
      if (index >= 0) return { page, section, index, block: section.blocks[index] as Block };
    }
  }
  throw new HttpProblem(404, `no block "${blockId}" in this version`);
}

function locateSection(content: Content, sectionId: string) {
  for (const page of content.pages) {
    const index = page.sections.findIndex((section) => section.id === sectionId);
    if (index >= 0) return { page, index, section: page.sections[index] as SectionT };
  }
  throw new HttpProblem(404, `no section "${sectionId}" in this version`);
}

function locatePage(content: Content, pageId: string): Page {
  const page = content.pages.find((candidate) => candidate.id === pageId);
  if (!page) throw new HttpProblem(404, `no page "${pageId}" in this version`);
  return page;
}

function checked(content: Content, summary: string): Edit {
  return { content: validate(Content, content, 'content') as Content, summary };
}

function placeAt<T>(items: T[], item: T, index: number | undefined): void {
  items.splice(index === undefined ? items.length : Math.min(index, items.length), 0, item);
}

export function updateBlockProps(content: Content, blockId: string, patch: Record<string, unknown>): Edit {
  const next = clone(content);
  const { block } = locateBlock(next, blockId);
  const schema = BLOCK_PROPS[block.type] as z.ZodType;
  const props = validate(schema, { ...block.props, ...patch }, 'props');
  (block as { props: unknown }).props = props;
  return checked(next, `updated ${block.type} block ${blockId} (${Object.keys(patch).join(', ') || 'no props'})`);
}

export function insertBlock(
  content: Content,
  sectionId: string,
  input: { type: (typeof BLOCK_TYPES)[number]; props: unknown },
  index?: number,
): Edit {
  const next = clone(content);
  const { section } = locateSection(next, sectionId);
  const props = validate(BLOCK_PROPS[input.type] as z.ZodType, input.props, 'block.props');
  const block = { id: newId(section.id.slice(0, 40)), type: input.type, props } as Block;
  placeAt(section.blocks, block, index);
  return checked(next, `inserted ${input.type} block ${block.id} into section ${sectionId}`);
}

export function moveBlock(content: Content, blockId: string, target: { sectionId?: string; index: number }): Edit {
  const next = clone(content);
  const from = locateBlock(next, blockId);
  from.section.blocks.splice(from.index, 1);
  const to = target.sectionId ? locateSection(next, target.sectionId).section : from.section;
  placeAt(to.blocks, from.block, target.index);
  return checked(next, `moved block ${blockId} to ${to.id}[${Math.min(target.index, to.blocks.length - 1)}]`);
}

export function deleteBlock(content: Content, blockId: string): Edit {
  const next = clone(content);
  const { section, index } = locateBlock(next, blockId);
  section.blocks.splice(index, 1);
  return checked(next, `deleted block ${blockId}`);
}

export function insertSection(
  content: Content,
  pageId: string,
  input: { type: (typeof SECTION_TYPES)[number]; blocks: { type: string; props: unknown }[] },
  index?: number,
): Edit {
  const next = clone(content);
  const page = locatePage(next, pageId);
  const id = newId(`${page.slug.slice(0, 30)}-${input.type}`);
  const blocks = input.blocks.map((block, i) => ({ id: `${id}-${i + 1}`, type: block.type, props: block.props }));
  const section = validate(Section, { id, type: input.type, blocks }, 'section') as SectionT;
  placeAt(page.sections, section, index);
  return checked(next, `inserted ${input.type} section ${id} into page ${page.slug}`);
}

export function moveSection(content: Content, sectionId: string, target: { pageId?: string; index: number }): Edit {
  const next = clone(content);
  const from = locateSection(next, sectionId);
  from.page.sections.splice(from.index, 1);
  const to = target.pageId ? locatePage(next, target.pageId) : from.page;
  placeAt(to.sections, from.section, target.index);
  return checked(next, `moved section ${sectionId} to ${to.slug}[${Math.min(target.index, to.sections.length - 1)}]`);
}

export function deleteSection(content: Content, sectionId: string): Edit {
  const next = clone(content);
  const { page, index } = locateSection(next, sectionId);
  page.sections.splice(index, 1);
  return checked(next, `deleted section ${sectionId}`);
}

export function updateTheme(content: Content, patch: z.infer<typeof ThemePatch>): Edit {
  const next = clone(content);
  next.theme = {
    colours: { ...next.theme.colours, ...patch.colours },
    fonts: { ...next.theme.fonts, ...patch.fonts },
    spacing: patch.spacing ?? next.theme.spacing,
  };
  const changed = [
    ...Object.keys(patch.colours ?? {}).map((k) => `colours.${k}`),
    ...Object.keys(patch.fonts ?? {}).map((k) => `fonts.${k}`),
    ...(patch.spacing ? ['spacing'] : []),
  ];
  return checked(next, `theme: ${changed.join(', ') || 'no change'}`);
}

export function updateSeo(content: Content, patch: Partial<Content['seo']>): Edit {
  const next = clone(content);
  next.seo = { ...next.seo, ...patch };
  return checked(next, `seo: ${Object.keys(patch).join(', ') || 'no change'}`);
}

export interface Diff {
  added: string[];
  removed: string[];
  changed: { path: string; from: unknown; to: unknown }[];
}

/**
 * Structural diff. Pages, sections and blocks are matched by id (so a move is a change of
 * position, not a removal and an addition); paths name them: `pages.<id>.sections.<id>`,
 * `blocks.<id>.props.title`, `theme.colours.primary`, `seo.title`.
 */
export function diffContent(from: Content, to: Content): Diff {
  const diff: Diff = { added: [], removed: [], changed: [] };
  const compare = (path: string, a: unknown, b: unknown) => {
    if (isPlainObject(a) && isPlainObject(b)) {
      for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
        const sub = `${path}.${key}`;
        if (!(key in a)) diff.added.push(sub);
        else if (!(key in b)) diff.removed.push(sub);
        else compare(sub, a[key], b[key]);
      }
    } else if (JSON.stringify(a) !== JSON.stringify(b)) diff.changed.push({ path, from: a, to: b });
  };
  compare('theme', from.theme, to.theme);
  compare('seo', from.seo, to.seo);

  const index = (content: Content) => {
    const pages = new Map<string, { slug: string; title: string; position: number }>();
    const sections = new Map<string, { page: string; type: string; position: number }>();
    const blocks = new Map<string, { section: string; type: string; position: number; props: unknown }>();
    content.pages.forEach((page, p) => {
      pages.set(page.id, { slug: page.slug, title: page.title, position: p });
      page.sections.forEach((section, s) => {
        sections.set(section.id, { page: page.id, type: section.type, position: s });
        section.blocks.forEach((block, b) => {
          blocks.set(block.id, { section: section.id, type: block.type, position: b, props: block.props });
        });
      });
    });
    return { pages, sections, blocks };
  };
  const a = index(from);
  const b = index(to);
  for (const kind of ['pages', 'sections', 'blocks'] as const) {
    const left = a[kind] as Map<string, Record<string, unknown>>;
    const right = b[kind] as Map<string, Record<string, unknown>>;
    for (const [id, value] of left) {
      if (!right.has(id)) diff.removed.push(`${kind}.${id}`);
      else compare(`${kind}.${id}`, value, right.get(id));
    }
    for (const id of right.keys()) if (!left.has(id)) diff.added.push(`${kind}.${id}`);
  }
  return diff;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
