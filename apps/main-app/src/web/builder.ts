// The Website builder page's rules, apart from React: what the brief form sends, which
// block holds the headline, subdomain checks as the service applies them, and how a
// refusal reads to the person who made it.
import type { ApiError, Site, SiteBlock } from './api.ts';

/** The features a brief may ask for (the service's templates know these). */
export const FEATURES = ['contact form', 'menu', 'gallery', 'blog', 'shop'] as const;
export const COLOUR_ROLES = ['primary', 'accent', 'background', 'text'] as const;
export type ColourRole = (typeof COLOUR_ROLES)[number];

const HEX = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;

export interface BriefForm {
  name: string;
  description: string;
  businessType: string;
  audience: string;
  colours: Partial<Record<ColourRole, string>>;
  features: readonly string[];
  /** Page names, comma-separated. */
  pages: string;
}

export interface Brief {
  name: string;
  description: string;
  businessType: string;
  audience?: string;
  colours?: Partial<Record<ColourRole, string>>;
  features?: string[];
  pages?: string[];
}

export type BriefErrors = Partial<Record<'name' | 'description' | 'businessType' | ColourRole | 'pages', string>>;

/** The brief the form describes, or what to fix in it (field by field). */
export function briefFrom(form: BriefForm): { ok: true; brief: Brief } | { ok: false; errors: BriefErrors } {
  const errors: BriefErrors = {};
  const name = form.name.trim();
  const description = form.description.trim();
  const businessType = form.businessType.trim();
  if (!name) errors.name = 'Give the site a name (your business, say).';
  else if (name.length > 100) errors.name = 'At most 100 characters.';
  if (!description) errors.description = 'Describe the business in a sentence or two.';
  else if (description.length > 2000) errors.description = 'At most 2000 characters.';
  if (!businessType) errors.businessType = 'Say what kind of business it is (restaurant, portfolio, shop…).';
  else if (businessType.length > 100) errors.businessType = 'At most 100 characters.';
  const colours: Partial<Record<ColourRole, string>> = {};
  for (const role of COLOUR_ROLES) {
    const value = form.colours[role]?.trim() ?? '';
    if (!value) continue;
    if (!HEX.test(value)) errors[role] = 'A hex colour such as #1f6feb.';
    else colours[role] = value.toLowerCase();
  }
  const pages = form.pages
    .split(',')
    .map((page) => page.trim())
    .filter(Boolean);
  if (pages.length > 8) errors.pages = 'At most 8 pages.';
  else if (pages.some((page) => page.length > 40)) errors.pages = 'Each page name has at most 40 characters.';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const audience = form.audience.trim();
  return {
    ok: true,
    brief: {
      name,
      description,
      businessType,
      ...(audience ? { audience } : {}),
      ...(Object.keys(colours).length > 0 ? { colours } : {}),
      ...(form.features.length > 0 ? { features: [...form.features] } : {}),
      ...(pages.length > 0 ? { pages } : {}),
    },
  };
}

/**
 * The site's main headline: the level-1 heading of the first page's hero section (the
 * generator puts it there), else the first level-1 heading anywhere; its text is the
 * block's `text` prop.
 */
export function headlineBlock(site: Site): SiteBlock | undefined {
  const isHeadline = (block: SiteBlock) =>
    block.type === 'heading' && block.props.level === 1 && typeof block.props.text === 'string';
  const sections = site.content.pages.flatMap((page) => page.sections);
  const hero = sections.find((section) => section.type === 'hero')?.blocks.find(isHeadline);
  return hero ?? sections.flatMap((section) => section.blocks).find(isHeadline);
}

/**
 * Why `value` cannot be a subdomain (DNS label rules: 1–63 of a–z, 0–9 and inner hyphens),
 * or undefined. The service decides for real (its reserved names, the taken ones); this
 * catches typing mistakes before the request.
 */
export function subdomainError(value: string): string | undefined {
  const label = value.trim();
  if (!label) return 'Choose a subdomain, e.g. acme-bakery.';
  if (label.length > 63) return `At most 63 characters; this one has ${label.length}.`;
  if (/[A-Z]/.test(label)) return 'Use lowercase letters only.';
  if (!/^[a-z0-9-]+$/.test(label)) return 'Only letters a–z, digits and hyphens.';
  if (label.startsWith('-') || label.endsWith('-')) return 'It cannot start or end with a hyphen.';
  return undefined;
}

/** A publishing refusal in words: taken, invalid, or the generic message. */
export function publishProblem(error: Pick<ApiError, 'status'>): { title: string; advice: string } | null {
  if (error.status === 409) {
    return { title: 'Subdomain taken:', advice: 'Another site is published there; choose another subdomain.' };
  }
  if (error.status === 400 || error.status === 422) {
    return {
      title: 'Not a valid subdomain:',
      advice: 'Use 1–63 lowercase letters, digits and inner hyphens, and not a reserved name.',
    };
  }
  return null;
}

/** An edit refused because the site changed meanwhile (the base version is no longer the latest). */
export function isStaleEdit(error: Pick<ApiError, 'status'>): boolean {
  return error.status === 409;
}
