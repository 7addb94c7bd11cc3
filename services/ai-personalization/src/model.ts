// The recommendation model: item–item cosine neighbours over users' interactions,
// TF-IDF cosine neighbours over item text/tags/category, and item popularity.
// Pure code with no I/O, so it runs in a worker thread, in tests and in the evaluation alike.
import { itemTerms } from './text.ts';

export const EVENT_TYPES = ['view', 'click', 'like', 'purchase'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** How much one event of each type says about a user's taste. */
export const EVENT_WEIGHTS: Readonly<Record<EventType, number>> = { view: 1, click: 2, like: 4, purchase: 8 };

export interface CatalogItem {
  id: string;
  title: string;
  tags: string[];
  category: string;
  text: string;
}

/** A user's summed event weights per item. */
export type History = ReadonlyMap<string, number>;

export interface ModelInput {
  items: readonly CatalogItem[];
  histories: ReadonlyMap<string, History>;
}

/** An item's nearest neighbours (item indices), best first. */
export interface Neighbours {
  items: Int32Array;
  scores: Float32Array;
}

export interface Postings {
  items: Int32Array;
  weights: Float32Array;
}

export interface Model {
  builtAt: number;
  buildMs: number;
  itemIds: string[];
  itemIndex: Map<string, number>;
  collaborative: Neighbours[];
  content: Neighbours[];
  /** Distinct users per item, divided by the largest such count (0…1). */
  popularity: Float32Array;
  /** Item indices, most popular first. */
  popular: Int32Array;
  /** The content model's vocabulary, to place items the model has not seen. */
  idf: Map<string, number>;
  postings: Map<string, Postings>;
  stats: { items: number; users: number; interactions: number };
}

export interface BuildOptions {
  /** Neighbours kept per item (default 50). */
  neighbours?: number;
  /** Strongest interactions per user used for co-occurrence; bounds the quadratic cost of heavy users (default 500). */
  maxUserItems?: number;
}

/** Interaction strength from summed event weights: diminishing returns for repeats. */
export function strength(weight: number): number {
  return Math.log1p(Math.max(0, weight));
}

export function buildModel(input: ModelInput, options: BuildOptions = {}): Model {
  const started = performance.now();
  const k = options.neighbours ?? 50;
  const maxUserItems = options.maxUserItems ?? 500;
  const itemIds = input.items.map((item) => item.id);
  const itemIndex = new Map(itemIds.map((id, i) => [id, i]));
  const n = itemIds.length;

  // Users' interactions with catalogue items (events for items not in the catalogue are ignored).
  const userItems: { items: Int32Array; values: Float32Array }[] = [];
  let interactions = 0;
  for (const history of input.histories.values()) {
    const entries: [number, number][] = [];
    for (const [id, weight] of history) {
      const index = itemIndex.get(id);
      if (index !== undefined && weight > 0) entries.push([index, strength(weight)]);
    }
    if (entries.length === 0) continue;
    interactions += entries.length;
    entries.sort((a, b) => b[1] - a[1]);
    const kept = entries.slice(0, maxUserItems);
    userItems.push({ items: Int32Array.from(kept, (e) => e[0]), values: Float32Array.from(kept, (e) => e[1]) });
  }

  const { collaborative, popularity, popular } = buildCollaborative(n, userItems, k);
  const { content, idf, postings } = buildContent(input.items, k);
  return {
    builtAt: Date.now(),
    buildMs: Math.round(performance.now() - started),
    itemIds,
    itemIndex,
    collaborative,
    content,
    popularity,
    popular,
    idf,
    postings,
    stats: { items: n, users: userItems.length, interactions },
  };
}

function buildCollaborative(n: number, users: { items: Int32Array; values: Float32Array }[], k: number) {
  // Column view: for each item, the users who interacted and how strongly.
  const counts = new Int32Array(n);
  for (const user of users) for (const item of user.items) counts[item] = (counts[item] ?? 0) + 1;
  const itemUsers = Array.from({ length: n }, (_, i) => ({
    users: new Int32Array(counts[i] ?? 0),
    values: new Float32Array(counts[i] ?? 0),
    length: 0,
  }));
  const norms = new Float64Array(n);
  users.forEach((user, u) => {
    user.items.forEach((item, position) => {
      const column = itemUsers[item];
      const value = user.values[position] ?? 0;
      if (!column) return;
      column.users[column.length] = u;
      column.values[column.length] = value;
      column.length++;
      norms[item] = (norms[item] ?? 0) + value * value;
    });
  });
  for (let i = 0; i < n; i++) norms[i] = Math.sqrt(norms[i] ?? 0);

  // Cosine similarity of item columns, accumulated through the users they share.
  const accumulator = new Float64Array(n);
  const touched = new Int32Array(n);
  const collaborative: Neighbours[] = [];
  for (let i = 0; i < n; i++) {
    const column = itemUsers[i] as { users: Int32Array; values: Float32Array; length: number };
    let touchedCount = 0;
    for (let c = 0; c < column.length; c++) {
      const user = users[column.users[c] as number] as { items: Int32Array; values: Float32Array };
      const ri = column.values[c] as number;
      for (let p = 0; p < user.items.length; p++) {
        const j = user.items[p] as number;
        if (j === i) continue;
        if (accumulator[j] === 0) touched[touchedCount++] = j;
        accumulator[j] = (accumulator[j] as number) + ri * (user.values[p] as number);
      }
    }
    const normI = norms[i] as number;
    for (let t = 0; t < touchedCount; t++) {
      const j = touched[t] as number;
      accumulator[j] = (accumulator[j] as number) / (normI * (norms[j] as number));
    }
    collaborative.push(topK(accumulator, touched, touchedCount, k));
  }

  const popularity = new Float32Array(n);
  const maxCount = counts.reduce((max, c) => Math.max(max, c), 0);
  for (let i = 0; i < n; i++) popularity[i] = maxCount > 0 ? (counts[i] ?? 0) / maxCount : 0;
  const popular = Int32Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (counts[b] ?? 0) - (counts[a] ?? 0) || a - b,
  );
  return { collaborative, popularity, popular };
}

/** TF-IDF vector (sublinear tf, smoothed idf, L2-normalised) of term counts. */
export function tfidf(counts: Map<string, number>, idf: Map<string, number>): Map<string, number> {
  const vector = new Map<string, number>();
  let norm = 0;
  for (const [term, count] of counts) {
    const weight = idf.get(term);
    if (weight === undefined) continue;
    const value = (1 + Math.log(count)) * weight;
    vector.set(term, value);
    norm += value * value;
  }
  norm = Math.sqrt(norm);
  if (norm > 0) for (const [term, value] of vector) vector.set(term, value / norm);
  return vector;
}

function buildContent(items: readonly CatalogItem[], k: number) {
  const n = items.length;
  const termCounts = items.map(itemTerms);
  const df = new Map<string, number>();
  for (const counts of termCounts) for (const term of counts.keys()) df.set(term, (df.get(term) ?? 0) + 1);
  // Terms in a large share of the catalogue ("made", a brand) barely separate items but
  // dominate the cost of the pairwise pass (df² each), so they are left out, like max_df.
  const maxDf = Math.max(100, n * 0.2);
  const idf = new Map<string, number>();
  for (const [term, count] of df) if (count <= maxDf) idf.set(term, Math.log((1 + n) / (1 + count)) + 1);

  const vectors = termCounts.map((counts) => tfidf(counts, idf));
  const building = new Map<string, { items: number[]; weights: number[] }>();
  vectors.forEach((vector, i) => {
    for (const [term, weight] of vector) {
      let list = building.get(term);
      if (!list) {
        list = { items: [], weights: [] };
        building.set(term, list);
      }
      list.items.push(i);
      list.weights.push(weight);
    }
  });
  const postings = new Map<string, Postings>();
  for (const [term, list] of building) {
    postings.set(term, { items: Int32Array.from(list.items), weights: Float32Array.from(list.weights) });
  }

  const accumulator = new Float64Array(n);
  const touched = new Int32Array(n);
  const content = vectors.map((vector, i) => {
    const count = accumulate(vector, postings, accumulator, touched, i);
    return topK(accumulator, touched, count, k);
  });
  return { content, idf, postings };
}

/** Dot products of `vector` with every item sharing a term; returns how many items were touched. */
export function accumulate(
  vector: Map<string, number>,
  postings: Map<string, Postings>,
  accumulator: Float64Array,
  touched: Int32Array,
  exclude = -1,
): number {
  let count = 0;
  for (const [term, weight] of vector) {
    const list = postings.get(term);
    if (!list) continue;
    for (let p = 0; p < list.items.length; p++) {
      const j = list.items[p] as number;
      if (j === exclude) continue;
      if (accumulator[j] === 0) touched[count++] = j;
      accumulator[j] = (accumulator[j] as number) + weight * (list.weights[p] as number);
    }
  }
  return count;
}

/**
 * The k best-scoring touched entries, best first (ties by lower index, so builds are
 * deterministic). Resets the accumulator for the next use.
 */
export function topK(accumulator: Float64Array, touched: Int32Array, count: number, k: number): Neighbours {
  // A min-heap of the best k seen so far: O(count · log k) instead of sorting everything.
  const heapItems = new Int32Array(Math.min(k, count));
  const heapScores = new Float64Array(heapItems.length);
  let size = 0;
  const worse = (a: number, b: number) =>
    (heapScores[a] as number) < (heapScores[b] as number) ||
    (heapScores[a] === heapScores[b] && (heapItems[a] as number) > (heapItems[b] as number));
  const swap = (a: number, b: number) => {
    const item = heapItems[a] as number;
    const score = heapScores[a] as number;
    heapItems[a] = heapItems[b] as number;
    heapScores[a] = heapScores[b] as number;
    heapItems[b] = item;
    heapScores[b] = score;
  };
  const siftDown = (start: number) => {
    let at = start;
    for (;;) {
      const left = 2 * at + 1;
      const right = left + 1;
      let smallest = at;
      if (left < size && worse(left, smallest)) smallest = left;
      if (right < size && worse(right, smallest)) smallest = right;
      if (smallest === at) return;
      swap(at, smallest);
      at = smallest;
    }
  };
  for (let t = 0; t < count; t++) {
    const j = touched[t] as number;
    const score = accumulator[j] as number;
    accumulator[j] = 0;
    if (!(score > 0)) continue;
    if (size < heapItems.length) {
      heapItems[size] = j;
      heapScores[size] = score;
      let at = size++;
      while (at > 0) {
        const parent = (at - 1) >> 1;
        if (!worse(at, parent)) break;
        swap(at, parent);
        at = parent;
      }
    } else if (
      size > 0 &&
      (score > (heapScores[0] as number) || (score === heapScores[0] && j < (heapItems[0] as number)))
    ) {
      heapItems[0] = j;
      heapScores[0] = score;
      siftDown(0);
    }
  }
  const order = Array.from({ length: size }, (_, i) => i).sort(
    (a, b) =>
      (heapScores[b] as number) - (heapScores[a] as number) || (heapItems[a] as number) - (heapItems[b] as number),
  );
  return {
    items: Int32Array.from(order, (i) => heapItems[i] as number),
    scores: Float32Array.from(order, (i) => heapScores[i] as number),
  };
}
