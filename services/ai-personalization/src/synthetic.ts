// A seeded generator of product-like items and users' interactions with structure a
// recommender can find: users have one or two taste clusters (a category and a style
// within it), item popularity is skewed (Zipf), and some events are off-taste noise.
// The demo data (DEMO_SEED), the evaluation, the benchmark and the tests all use it.
import type { CatalogItem, EventType } from './model.ts';

/** mulberry32: a small, fast, seedable PRNG (uniform in [0, 1)). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Style {
  tags: string[];
  nouns: string[];
  words: string[];
  uses: string[];
}

// category → two styles: [tags | nouns | descriptive words | uses]
const CATALOGUE: Record<string, [string, string][]> = {
  Electronics: [
    [
      'wireless,bluetooth,noise-cancelling,hi-fi',
      'Headphones,Earbuds,Speaker,Soundbar,Turntable|deep bass,long battery,clear vocals,foldable,low latency,studio sound|commuting,home listening,travel',
    ],
    [
      'usb-c,ergonomic,gaming,mechanical',
      'Keyboard,Mouse,Monitor,Laptop Stand,Webcam|backlit keys,high refresh,adjustable height,quiet switches,sharp picture,plug and play|home office,gaming nights,video calls',
    ],
  ],
  Books: [
    [
      'mystery,thriller,fantasy,bestseller',
      'Novel,Saga,Trilogy,Paperback,Anthology|gripping plot,unreliable narrator,dragons,plot twists,page-turner,dark secrets|long weekends,book clubs,beach reading',
    ],
    [
      'history,biography,science,business',
      'Biography,Memoir,Field Guide,Handbook,Essay Collection|deep research,vivid portraits,clear explanations,practical lessons,original sources,big ideas|curious minds,students,leaders',
    ],
  ],
  Kitchen: [
    [
      'cast-iron,non-stick,chef,baking',
      'Skillet,Dutch Oven,Knife Set,Baking Tray,Stock Pot|even heating,sharp edge,oven safe,easy cleaning,heavy base,lifetime build|family dinners,weekend baking,meal prep',
    ],
    [
      'espresso,pour-over,grinder,barista',
      'Espresso Machine,Coffee Grinder,Pour-Over Kettle,Milk Frother,French Press|fine grind,crema,precise temperature,gooseneck spout,burr grinder,rich aroma|morning coffee,latte art,slow brewing',
    ],
  ],
  Outdoors: [
    [
      'camping,backpacking,lightweight,waterproof',
      'Tent,Sleeping Bag,Backpack,Headlamp,Camp Stove|packs small,storm proof,warm down,rechargeable,quick pitch,ripstop fabric|multi-day hikes,festival camping,wild camping',
    ],
    [
      'cycling,mountain,helmet,commuter',
      'Bike Helmet,Bike Light,Cycling Gloves,Saddle Bag,Bike Lock|bright beam,mips protection,padded palms,hardened steel,reflective trim,clip-on mount|daily commutes,trail rides,night riding',
    ],
  ],
  Fitness: [
    [
      'strength,dumbbell,kettlebell,home-gym',
      'Dumbbell Set,Kettlebell,Resistance Bands,Pull-Up Bar,Weight Bench|adjustable weight,knurled grip,compact storage,heavy duty,non-slip,full body|home workouts,strength training,garage gyms',
    ],
    [
      'running,trail,marathon,breathable',
      'Running Shoes,Running Vest,Sports Watch,Compression Socks,Water Bottle|cushioned sole,gps tracking,breathable mesh,lightweight,heart rate,grippy outsole|trail running,marathon training,morning runs',
    ],
  ],
  Beauty: [
    [
      'skincare,vegan,spf,sensitive-skin',
      'Moisturiser,Serum,Sunscreen,Cleanser,Face Mask|hyaluronic acid,fragrance free,broad spectrum,gentle formula,vitamin c,dermatologist tested|daily routines,dry skin,sunny days',
    ],
    [
      'fragrance,floral,woody,citrus',
      'Eau de Parfum,Body Mist,Scented Candle,Perfume Oil,Gift Set|long lasting,jasmine notes,sandalwood,fresh bergamot,elegant bottle,warm amber|evenings out,gifts,everyday wear',
    ],
  ],
  Toys: [
    [
      'stem,puzzle,montessori,educational',
      'Puzzle,Coding Robot,Science Kit,Wooden Blocks,Board Game|problem solving,hands-on,fine motor,counting,logic,screen free|curious kids,rainy days,classrooms',
    ],
    [
      'plush,remote-control,outdoor-play,building',
      'Plush Toy,RC Car,Building Set,Kite,Water Blaster|super soft,rechargeable,hundreds of pieces,durable,fast,bright colours|birthdays,backyard fun,family play',
    ],
  ],
  Garden: [
    [
      'plants,succulent,indoor,organic',
      'Succulent Set,Herb Kit,Potting Mix,Plant Pot,Seed Collection|easy care,drainage holes,organic compost,heirloom seeds,low light,fast growing|windowsills,balconies,beginners',
    ],
    [
      'tools,pruning,watering,raised-bed',
      'Pruning Shears,Watering Can,Garden Hose,Raised Bed,Trowel|stainless blades,long reach,kink free,cedar wood,comfortable grip,rust proof|vegetable beds,hedges,summer watering',
    ],
  ],
  Music: [
    [
      'acoustic,guitar,ukulele,piano',
      'Acoustic Guitar,Ukulele,Digital Piano,Guitar Strings,Capo|warm tone,solid top,weighted keys,easy action,bright sound,gig bag|beginners,campfire songs,practice',
    ],
    [
      'studio,microphone,audio-interface,midi',
      'Condenser Microphone,Audio Interface,MIDI Keyboard,Studio Monitors,Pop Filter|low noise,phantom power,velocity sensitive,flat response,usb powered,crisp highs|home studios,podcasting,beat making',
    ],
  ],
  Fashion: [
    [
      'casual,cotton,denim,sneakers',
      'T-Shirt,Jeans,Sneakers,Hoodie,Denim Jacket|organic cotton,relaxed fit,stretch denim,cushioned insole,brushed fleece,everyday comfort|weekends,casual fridays,city walks',
    ],
    [
      'formal,wool,leather,tailored',
      'Blazer,Leather Belt,Wool Coat,Dress Shoes,Silk Tie|tailored fit,full grain leather,merino wool,hand stitched,classic cut,polished finish|the office,weddings,winter evenings',
    ],
  ],
};

const BRANDS = ['Azora', 'Nimbus', 'Kestrel', 'Baobab', 'Zenith', 'Savanna', 'Marula', 'Indaba', 'Karoo', 'Umoya'];

interface Cluster {
  category: string;
  style: Style;
}

const CLUSTERS: Cluster[] = Object.entries(CATALOGUE).flatMap(([category, styles]) =>
  styles.map(([tags, rest]) => {
    const [nouns = '', words = '', uses = ''] = rest.split('|');
    return {
      category,
      style: { tags: tags.split(','), nouns: nouns.split(','), words: words.split(','), uses: uses.split(',') },
    };
  }),
);

export interface SyntheticEvent {
  id: string;
  user: string;
  item: string;
  type: EventType;
  timestamp: number;
}

export interface SyntheticData {
  items: CatalogItem[];
  events: SyntheticEvent[];
  users: string[];
}

export interface SyntheticOptions {
  seed: number;
  items: number;
  users: number;
  /** Distinct items each user interacts with, inclusive range (default 8…30). */
  itemsPerUser?: [number, number];
  /** Share of interactions outside a user's taste clusters (default 0.15). */
  noise?: number;
  /** Timestamp of the first event (default 2025-01-01). */
  startTime?: number;
  /** Prefix of event ids (default `e`). */
  eventIdPrefix?: string;
}

export function generateSynthetic(options: SyntheticOptions): SyntheticData {
  const random = seededRandom(options.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const [minItems, maxItems] = options.itemsPerUser ?? [8, 30];
  const noise = options.noise ?? 0.15;
  const width = String(Math.max(options.items, options.users)).length;
  const pad = (n: number) => String(n).padStart(width, '0');

  // Items: spread over the clusters; each gets a Zipf weight from a random popularity rank.
  const items: CatalogItem[] = [];
  const byCluster: { items: number[]; weights: number[]; total: number }[] = CLUSTERS.map(() => ({
    items: [],
    weights: [],
    total: 0,
  }));
  const ranks = Array.from({ length: options.items }, (_, i) => i + 1);
  for (let i = ranks.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [ranks[i], ranks[j]] = [ranks[j] as number, ranks[i] as number];
  }
  for (let i = 0; i < options.items; i++) {
    const clusterIndex = i % CLUSTERS.length;
    const { category, style } = CLUSTERS[clusterIndex] as Cluster;
    const noun = pick(style.nouns);
    const feature = pick(style.words);
    let second = pick(style.words);
    if (second === feature) second = pick(style.words);
    const tags = [...new Set([pick(style.tags), pick(style.tags), pick(style.tags)])];
    const title = `${pick(BRANDS)} ${capitalise(feature)} ${noun}`;
    const text = `${capitalise(noun.toLowerCase())} with ${feature} and ${second}. Made for ${pick(style.uses)}.`;
    items.push({ id: `item-${pad(i + 1)}`, title, tags, category, text });
    const group = byCluster[clusterIndex] as { items: number[]; weights: number[]; total: number };
    const weight = 1 / (ranks[i] as number) ** 0.8;
    group.items.push(i);
    group.weights.push(weight);
    group.total += weight;
  }
  const all = { items: items.map((_, i) => i), weights: [] as number[], total: 0 };
  for (const group of byCluster) {
    group.items.forEach((item, position) => {
      all.weights[item] = group.weights[position] as number;
    });
  }
  all.total = all.weights.reduce((a, b) => a + b, 0);
  const draw = (group: { items: number[]; weights: number[]; total: number }) => {
    let r = random() * group.total;
    for (let p = 0; p < group.items.length; p++) {
      r -= group.weights[p] as number;
      if (r <= 0) return group.items[p] as number;
    }
    return group.items[group.items.length - 1] as number;
  };

  const users: string[] = [];
  const events: SyntheticEvent[] = [];
  const start = options.startTime ?? Date.UTC(2025, 0, 1);
  const prefix = options.eventIdPrefix ?? 'e';
  for (let u = 0; u < options.users; u++) {
    const user = `user-${pad(u + 1)}`;
    users.push(user);
    const tastes = [Math.floor(random() * CLUSTERS.length)];
    if (random() < 0.4) tastes.push(Math.floor(random() * CLUSTERS.length));
    const count = minItems + Math.floor(random() * (maxItems - minItems + 1));
    const seen = new Set<number>();
    let time = start + Math.floor(random() * 7 * 86_400_000);
    for (let attempt = 0; seen.size < count && attempt < count * 20; attempt++) {
      const taste = byCluster[pick(tastes) as number] as { items: number[]; weights: number[]; total: number };
      const item = random() < noise ? draw(all) : draw(taste);
      if (seen.has(item) || items[item] === undefined) continue;
      seen.add(item);
      const id = (items[item] as CatalogItem).id;
      time += 60_000 + Math.floor(random() * 3_600_000);
      const roll = random();
      const type: EventType = roll < 0.6 ? 'view' : roll < 0.85 ? 'click' : roll < 0.95 ? 'like' : 'purchase';
      events.push({ id: `${prefix}-${events.length + 1}`, user, item: id, type, timestamp: time });
      // Some views lead to a purchase of the same item shortly after.
      if (type === 'view' && random() < 0.1) {
        time += 120_000;
        events.push({ id: `${prefix}-${events.length + 1}`, user, item: id, type: 'purchase', timestamp: time });
      }
    }
  }
  return { items, events, users };
}

function capitalise(text: string): string {
  return text.replace(/(^|[\s-])(\p{L})/gu, (_, start: string, letter: string) => start + letter.toUpperCase());
}
