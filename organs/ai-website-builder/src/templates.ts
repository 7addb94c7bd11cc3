/**
 * The seeded templates, as data: each is a kind of site with its own theme, the sections
 * its home page starts with, and the schema.org type its pages declare. `chooseTemplate`
 * picks one from a brief's business type.
 */
import type { SectionType, Theme } from './model.ts';

export const TEMPLATE_KINDS = ['business', 'portfolio', 'e-commerce', 'restaurant', 'blog'] as const;
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];

export interface Template {
  id: string;
  name: string;
  kind: TemplateKind;
  description: string;
  schemaType: string;
  theme: Theme;
  /** The home page's sections, in order (features from the brief add more). */
  sections: SectionType[];
}

export const TEMPLATES: readonly Template[] = [
  {
    id: 'business-classic',
    name: 'Classic business',
    kind: 'business',
    description: 'A clear services site for a local business or consultancy: services, testimonials, contact.',
    schemaType: 'LocalBusiness',
    theme: {
      colours: { primary: '#1d4ed8', accent: '#e0ecff', background: '#ffffff', text: '#1f2937' },
      fonts: { heading: 'system-ui', body: 'system-ui' },
      spacing: 'normal',
    },
    sections: ['hero', 'features', 'about', 'testimonials', 'cta', 'contact'],
  },
  {
    id: 'portfolio-studio',
    name: 'Studio portfolio',
    kind: 'portfolio',
    description: 'A gallery-first portfolio for photographers, designers and makers.',
    schemaType: 'ProfessionalService',
    theme: {
      colours: { primary: '#7c3aed', accent: '#f1ebff', background: '#fcfcfd', text: '#18181b' },
      fonts: { heading: 'geometric', body: 'humanist' },
      spacing: 'relaxed',
    },
    sections: ['hero', 'gallery', 'about', 'testimonials', 'contact'],
  },
  {
    id: 'ecommerce-shopfront',
    name: 'Shopfront',
    kind: 'e-commerce',
    description: 'A small online shop: featured products, why buy here, reviews and questions.',
    schemaType: 'Store',
    theme: {
      colours: { primary: '#047857', accent: '#e3f6ee', background: '#ffffff', text: '#111827' },
      fonts: { heading: 'geometric', body: 'system-ui' },
      spacing: 'normal',
    },
    sections: ['hero', 'shop', 'features', 'testimonials', 'faq', 'contact'],
  },
  {
    id: 'restaurant-bistro',
    name: 'Bistro',
    kind: 'restaurant',
    description: 'A warm restaurant or café site: the menu, opening hours, the room and bookings.',
    schemaType: 'Restaurant',
    theme: {
      colours: { primary: '#b45309', accent: '#fdf0dc', background: '#fffdf8', text: '#292524' },
      fonts: { heading: 'old-style', body: 'serif' },
      spacing: 'normal',
    },
    sections: ['hero', 'menu', 'about', 'hours', 'gallery', 'contact'],
  },
  {
    id: 'blog-journal',
    name: 'Journal',
    kind: 'blog',
    description: 'A reading-first blog: latest posts, an about note and a way to get in touch.',
    schemaType: 'Blog',
    theme: {
      colours: { primary: '#be123c', accent: '#fdeef1', background: '#ffffff', text: '#1c1917' },
      fonts: { heading: 'serif', body: 'old-style' },
      spacing: 'relaxed',
    },
    sections: ['hero', 'blog', 'about', 'contact'],
  },
];

const KIND_WORDS: Record<TemplateKind, RegExp> = {
  restaurant: /restaurant|caf[eé]|coffee|bistro|bakery|bar\b|pub\b|diner|pizz|kitchen|food|catering|brewery|tea ?room/i,
  'e-commerce': /shop|store|e-?commerce|retail|boutique|market|merch|sell|products?\b/i,
  portfolio: /portfolio|photograph|designer|artist|illustrat|studio|architect|freelanc|maker|creative|agency/i,
  blog: /blog|writer|journal|magazine|news|author|podcast|newsletter/i,
  business: /./,
};

export function templateFor(kind: TemplateKind): Template {
  return TEMPLATES.find((template) => template.kind === kind) as Template;
}

export function findTemplate(id: string): Template | undefined {
  return TEMPLATES.find((template) => template.id === id);
}

/** The template whose kind the business type names; a plain business site otherwise. */
export function chooseTemplate(businessType: string): Template {
  const kind = (['restaurant', 'e-commerce', 'portfolio', 'blog'] as const).find((k) =>
    KIND_WORDS[k].test(businessType),
  );
  return templateFor(kind ?? 'business');
}
