import { describe, expect, it } from 'vitest';
import { buildModel, type CatalogItem } from './model.ts';
import { recommend, recommendPopular, similar, similarToNew } from './recommend.ts';
import { generateSynthetic } from './synthetic.ts';
import { itemTerms, words } from './text.ts';

const item = (id: string, category: string, tags: string[], title: string, text = ''): CatalogItem => ({
  id,
  title,
  tags,
  category,
  text,
});

const ITEMS = [
  item('tent', 'Outdoors', ['camping', 'waterproof'], 'Storm Tent', 'A waterproof tent for wild camping'),
  item('bag', 'Outdoors', ['camping', 'warm'], 'Down Sleeping Bag', 'Warm sleeping bag for camping trips'),
  item('stove', 'Outdoors', ['camping'], 'Camp Stove', 'Compact stove for camping'),
  item('novel', 'Books', ['mystery'], 'The Quiet Harbour', 'A mystery novel with a twist'),
  item('thriller', 'Books', ['mystery', 'thriller'], 'Night Train', 'A thriller and mystery on a night train'),
  item('skillet', 'Kitchen', ['cast-iron'], 'Cast-Iron Skillet', 'Heavy skillet for even heating'),
];

/** Users who camp, users who read mysteries, and one who does both. */
const HISTORIES = new Map([
  [
    'u1',
    new Map([
      ['tent', 1],
      ['bag', 8],
      ['stove', 2],
    ]),
  ],
  [
    'u2',
    new Map([
      ['tent', 2],
      ['bag', 1],
    ]),
  ],
  [
    'u3',
    new Map([
      ['tent', 1],
      ['stove', 4],
    ]),
  ],
  [
    'u4',
    new Map([
      ['novel', 4],
      ['thriller', 1],
    ]),
  ],
  [
    'u5',
    new Map([
      ['novel', 1],
      ['thriller', 2],
      ['ghost-item', 8],
    ]),
  ],
  ['u6', new Map([['tent', 1]])],
]);

const model = buildModel({ items: ITEMS, histories: HISTORIES });
const ids = (scored: { index: number }[]) => scored.map((s) => model.itemIds[s.index]);

describe('text', () => {
  it('tokenises any script, drops stopwords and one-letter words, namespaces tags and categories', () => {
    expect(words('The Ümlaut café — 東京 and a 4K TV')).toEqual(['ümlaut', 'café', '東京', '4k', 'tv']);
    const terms = itemTerms({ title: 'Trail Shoes', tags: ['Trail Running'], category: 'Fitness', text: 'trail' });
    expect(terms.get('trail')).toBe(3); // twice for the title, once for the text
    expect(terms.get('tag:trail running')).toBe(2);
    expect(terms.get('category:fitness')).toBe(2);
  });
});

describe('buildModel', () => {
  it('counts users and interactions with catalogue items only', () => {
    expect(model.stats).toEqual({ items: 6, users: 6, interactions: 12 });
  });

  it('finds collaborative neighbours among items the same users interacted with', () => {
    const tent = model.itemIndex.get('tent') as number;
    const neighbours = ids(Array.from(model.collaborative[tent]?.items ?? [], (index) => ({ index })));
    expect(neighbours.sort()).toEqual(['bag', 'stove']);
    const skillet = model.itemIndex.get('skillet') as number;
    expect(model.collaborative[skillet]?.items.length).toBe(0);
  });

  it('finds content neighbours through shared words, tags and category', () => {
    const novel = model.itemIndex.get('novel') as number;
    expect(model.itemIds[model.content[novel]?.items[0] as number]).toBe('thriller');
    const scores = Array.from(model.content[novel]?.scores ?? []);
    expect(scores.every((s) => s > 0 && s <= 1.0001)).toBe(true);
  });

  it('ranks popularity by distinct users', () => {
    expect(model.itemIds[model.popular[0] as number]).toBe('tent');
    expect(model.popularity[model.itemIndex.get('tent') as number]).toBe(1);
    expect(model.popularity[model.itemIndex.get('skillet') as number]).toBe(0);
  });

  it('is deterministic', () => {
    const again = buildModel({ items: ITEMS, histories: HISTORIES });
    expect(again.collaborative).toEqual(model.collaborative);
    expect(again.content).toEqual(model.content);
  });

  it('builds an empty model from an empty store', () => {
    const empty = buildModel({ items: [], histories: new Map() });
    expect(empty.stats).toEqual({ items: 0, users: 0, interactions: 0 });
    expect(recommend(empty, new Map(), 10)).toEqual([]);
  });
});

describe('recommend', () => {
  it('recommends what similar users chose, never what the user already has', () => {
    const result = recommend(model, new Map([['tent', 1]]), 3);
    expect(ids(result).slice(0, 2).sort()).toEqual(['bag', 'stove']);
    expect(ids(result)).not.toContain('tent');
    expect(result[0]?.reason).toBe('collaborative');
    expect(result.map((r) => r.score)).toEqual([...result.map((r) => r.score)].sort((a, b) => b - a));
  });

  it('gives cold-start users (unknown, or only unknown items) the popular items', () => {
    for (const history of [new Map(), new Map([['not-in-catalogue', 3]])]) {
      const result = recommend(model, history, 2);
      expect(ids(result)).toEqual(['tent', 'bag']);
      expect(result.every((r) => r.reason === 'popular')).toBe(true);
    }
  });

  it('fills with popular items when the other signals run out, and honours k', () => {
    const result = recommend(model, new Map([['novel', 1]]), 5);
    expect(result).toHaveLength(5);
    expect(ids(result)[0]).toBe('thriller');
    expect(ids(result)).not.toContain('novel');
    expect(result.some((r) => r.reason === 'popular')).toBe(true);
    expect(recommend(model, new Map(), 100)).toHaveLength(6);
  });

  it('popularity baseline excludes consumed items', () => {
    expect(ids(recommendPopular(model, new Map([['tent', 1]]), 2))).toEqual(['bag', 'stove']);
  });
});

describe('similar', () => {
  it('combines collaborative and content neighbours', () => {
    const result = similar(model, model.itemIndex.get('thriller') as number, 3);
    expect(ids(result)[0]).toBe('novel');
    expect(ids(result)).not.toContain('thriller');
  });

  it('places an item the model has not seen by its content', () => {
    const fresh = item('lantern', 'Outdoors', ['camping'], 'Camping Lantern', 'Bright lantern for camping');
    const result = similarToNew(model, fresh, 4);
    expect(ids(result).slice(0, 3).sort()).toEqual(['bag', 'stove', 'tent']);
    expect(result[0]?.reason).toBe('content');
  });
});

describe('synthetic data', () => {
  it('is reproducible from its seed and has structure', () => {
    const a = generateSynthetic({ seed: 7, items: 100, users: 20 });
    expect(generateSynthetic({ seed: 7, items: 100, users: 20 })).toEqual(a);
    expect(generateSynthetic({ seed: 8, items: 100, users: 20 }).events).not.toEqual(a.events);
    expect(new Set(a.items.map((i) => i.category)).size).toBe(10);
    expect(a.items.every((i) => i.title && i.text && i.tags.length > 0)).toBe(true);
    expect(new Set(a.events.map((e) => e.id)).size).toBe(a.events.length);
  });
});
