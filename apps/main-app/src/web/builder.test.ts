// The Website builder page's rules: the brief it sends, the headline it edits, the
// subdomains it lets through, and the words it uses for refusals.
import { describe, expect, it } from 'vitest';
import type { Site } from './api.ts';
import { briefFrom, headlineBlock, isStaleEdit, publishProblem, subdomainError } from './builder.ts';

const empty = { name: '', description: '', businessType: '', audience: '', colours: {}, features: [], pages: '' };

describe('briefFrom', () => {
  it('sends what the person filled in, trimmed, and leaves out what they did not', () => {
    const result = briefFrom({
      ...empty,
      name: '  Rosa’s Kitchen ',
      description: 'Family trattoria in Durban.',
      businessType: 'restaurant',
      colours: { primary: '#A0522D', accent: '' },
      features: ['menu', 'contact form'],
      pages: 'Home, Menu, , Contact',
    });
    expect(result).toEqual({
      ok: true,
      brief: {
        name: 'Rosa’s Kitchen',
        description: 'Family trattoria in Durban.',
        businessType: 'restaurant',
        colours: { primary: '#a0522d' },
        features: ['menu', 'contact form'],
        pages: ['Home', 'Menu', 'Contact'],
      },
    });
    const minimal = briefFrom({ ...empty, name: 'A', description: 'B', businessType: 'blog', audience: ' cooks ' });
    expect(minimal).toEqual({
      ok: true,
      brief: { name: 'A', description: 'B', businessType: 'blog', audience: 'cooks' },
    });
  });

  it('names each field to fix', () => {
    const result = briefFrom({ ...empty, colours: { primary: 'red', text: '#12345' }, pages: 'a,b,c,d,e,f,g,h,i' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.errors).sort()).toEqual([
      'businessType',
      'description',
      'name',
      'pages',
      'primary',
      'text',
    ]);
    expect(result.errors.primary).toContain('#1f6feb');
  });
});

describe('headlineBlock', () => {
  type Section = { id: string; type: string; blocks: { id: string; type: string; props: Record<string, unknown> }[] };
  const site = (pages: Section[][]) =>
    ({
      content: {
        pages: pages.map((sections, i) => ({ id: `p${i}`, slug: `p${i}`, title: `P${i}`, sections })),
      },
    }) as unknown as Site;
  const h1 = (id: string, text: string) => ({ id, type: 'heading', props: { text, level: 1 } });

  it('is the hero section’s level-1 heading, else the first level-1 heading', () => {
    const about = { id: 'about', type: 'about', blocks: [h1('about-1', 'About us')] };
    const hero = {
      id: 'hero',
      type: 'hero',
      blocks: [{ id: 'hero-0', type: 'heading', props: { text: 'Small', level: 2 } }, h1('hero-1', 'Welcome')],
    };
    expect(headlineBlock(site([[about, hero]]))?.id).toBe('hero-1');
    expect(headlineBlock(site([[about]]))?.id).toBe('about-1');
    const text = { id: 'content', type: 'content', blocks: [{ id: 't', type: 'text', props: { text: 'x' } }] };
    expect(headlineBlock(site([[text]]))).toBeUndefined();
  });
});

describe('subdomainError', () => {
  it('lets DNS labels through and says what is wrong with the rest', () => {
    for (const ok of ['acme', 'acme-bakery', 'a', '9lives', 'x'.repeat(63)])
      expect(subdomainError(ok), ok).toBeUndefined();
    expect(subdomainError('')).toContain('Choose a subdomain');
    expect(subdomainError('Acme')).toContain('lowercase');
    expect(subdomainError('acme_bakery')).toContain('hyphens');
    expect(subdomainError('acme.co')).toContain('hyphens');
    expect(subdomainError('-acme')).toContain('start or end');
    expect(subdomainError('acme-')).toContain('start or end');
    expect(subdomainError('x'.repeat(64))).toContain('63');
  });
});

describe('publishProblem', () => {
  it('tells a taken subdomain from an invalid one', () => {
    expect(publishProblem({ status: 409 })?.title).toBe('Subdomain taken:');
    expect(publishProblem({ status: 400 })?.title).toBe('Not a valid subdomain:');
    expect(publishProblem({ status: 502 })).toBeNull();
    expect(isStaleEdit({ status: 409 })).toBe(true);
    expect(isStaleEdit({ status: 400 })).toBe(false);
  });
});
