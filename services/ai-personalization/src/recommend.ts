// Scoring with a built model: the hybrid recommender and item-to-item similarity.

import { accumulate, type History, type Model, strength, tfidf, topK } from './model.ts';
import { type ItemText, itemTerms } from './text.ts';

export type Reason = 'collaborative' | 'content' | 'popular';

export interface Scored {
  index: number;
  score: number;
  reason: Reason;
}

/**
 * How the three signals mix. Collaborative and content scores are first scaled to 0…1 by
 * the best candidate's, so these weights are comparable; popularity is already 0…1.
 * Chosen with `pnpm eval` on the synthetic data (see eval/eval.ts).
 */
export const HYBRID_WEIGHTS: Readonly<Record<Reason, number>> = { collaborative: 1, content: 0.3, popular: 0.1 };

/** The strongest interactions of a user that vote for candidates; bounds the cost of heavy users. */
const MAX_HISTORY = 200;

/**
 * The k best items for a user with this history, excluding everything they interacted
 * with. A user with no known interactions (cold start) gets the most popular items.
 */
export function recommend(
  model: Model,
  history: History,
  k: number,
  weights: Readonly<Record<Reason, number>> = HYBRID_WEIGHTS,
): Scored[] {
  const consumed = new Set<number>();
  const votes: [number, number][] = [];
  for (const [id, weight] of history) {
    const index = model.itemIndex.get(id);
    if (index === undefined) continue;
    consumed.add(index);
    votes.push([index, strength(weight)]);
  }
  votes.sort((a, b) => b[1] - a[1] || a[0] - b[0]);

  // Per-model scratch arrays instead of maps: this runs on every request (synchronously,
  // so one set per model is safe), and is reset through the list of touched items.
  const { collaborative, content, seen, touched } = scratch(model);
  let count = 0;
  const touch = (index: number) => {
    if (seen[index] === 0) {
      seen[index] = 1;
      touched[count++] = index;
    }
  };
  for (const [index, weight] of votes.slice(0, MAX_HISTORY)) {
    for (const [neighbours, into] of [
      [model.collaborative[index], collaborative],
      [model.content[index], content],
    ] as const) {
      if (!neighbours) continue;
      for (let n = 0; n < neighbours.items.length; n++) {
        const candidate = neighbours.items[n] as number;
        if (consumed.has(candidate)) continue;
        touch(candidate);
        into[candidate] = (into[candidate] as number) + weight * (neighbours.scores[n] as number);
      }
    }
  }
  // Popular items are candidates too: they fill the list when the other signals run out.
  for (let p = 0, added = 0; p < model.popular.length && added < k; p++) {
    const index = model.popular[p] as number;
    if (consumed.has(index)) continue;
    touch(index);
    added++;
  }

  let maxCollaborative = 0;
  let maxContent = 0;
  for (let t = 0; t < count; t++) {
    const index = touched[t] as number;
    maxCollaborative = Math.max(maxCollaborative, collaborative[index] as number);
    maxContent = Math.max(maxContent, content[index] as number);
  }
  const top = new TopList(k);
  for (let t = 0; t < count; t++) {
    const index = touched[t] as number;
    const cf = maxCollaborative > 0 ? ((collaborative[index] as number) / maxCollaborative) * weights.collaborative : 0;
    const cb = maxContent > 0 ? ((content[index] as number) / maxContent) * weights.content : 0;
    const pop = (model.popularity[index] ?? 0) * weights.popular;
    top.offer(
      index,
      cf + cb + pop,
      cf >= cb && cf >= pop && cf > 0 ? 'collaborative' : cb >= pop && cb > 0 ? 'content' : 'popular',
    );
    collaborative[index] = 0;
    content[index] = 0;
    seen[index] = 0;
  }
  return top.items;
}

interface Scratch {
  collaborative: Float64Array;
  content: Float64Array;
  seen: Uint8Array;
  touched: Int32Array;
}

const scratches = new WeakMap<Model, Scratch>();

function scratch(model: Model): Scratch {
  let found = scratches.get(model);
  if (!found) {
    const n = model.itemIds.length;
    found = {
      collaborative: new Float64Array(n),
      content: new Float64Array(n),
      seen: new Uint8Array(n),
      touched: new Int32Array(n),
    };
    scratches.set(model, found);
  }
  return found;
}

/** The k best offers, best first (ties: lower index first); insertion into a short sorted list. */
class TopList {
  readonly items: Scored[] = [];
  readonly #k: number;

  constructor(k: number) {
    this.#k = k;
  }

  offer(index: number, score: number, reason: Reason): void {
    if (this.#k <= 0) return;
    const items = this.items;
    if (items.length === this.#k) {
      const last = items[items.length - 1] as Scored;
      if (score < last.score || (score === last.score && index > last.index)) return;
      items.pop();
    }
    let at = items.length;
    while (at > 0) {
      const before = items[at - 1] as Scored;
      if (before.score > score || (before.score === score && before.index < index)) break;
      at--;
    }
    items.splice(at, 0, { index, score, reason });
  }
}

/** Popularity alone: the baseline the evaluation compares against. */
export function recommendPopular(model: Model, history: History, k: number): Scored[] {
  const result: Scored[] = [];
  for (let p = 0; p < model.popular.length && result.length < k; p++) {
    const index = model.popular[p] as number;
    if (history.has(model.itemIds[index] as string)) continue;
    result.push({ index, score: model.popularity[index] ?? 0, reason: 'popular' });
  }
  return result;
}

/** Items like the one at `index`: its collaborative and content neighbours, then popular items. */
export function similar(model: Model, index: number, k: number): Scored[] {
  const collaborative = neighbourMap(model.collaborative[index]);
  const content = neighbourMap(model.content[index]);
  const candidates = new Set<number>([...collaborative.keys(), ...content.keys()]);
  for (let p = 0, added = 0; p < model.popular.length && added < k; p++) {
    const candidate = model.popular[p] as number;
    if (candidate === index) continue;
    candidates.add(candidate);
    added++;
  }
  const scored: Scored[] = [];
  for (const candidate of candidates) {
    // Cosine similarities are already 0…1; popularity only breaks ties and fills.
    scored.push(
      combine(candidate, [
        ['collaborative', collaborative.get(candidate) ?? 0],
        ['content', content.get(candidate) ?? 0],
        ['popular', (model.popularity[candidate] ?? 0) * HYBRID_WEIGHTS.popular * 0.1],
      ]),
    );
  }
  return best(scored, k);
}

/**
 * Items like one the model has not seen yet (added after the last build): content
 * similarity through the model's vocabulary, then popular items.
 */
export function similarToNew(model: Model, item: ItemText & { id: string }, k: number): Scored[] {
  const vector = tfidf(itemTerms(item), model.idf);
  const n = model.itemIds.length;
  const accumulator = new Float64Array(n);
  const touched = new Int32Array(n);
  const count = accumulate(vector, model.postings, accumulator, touched, model.itemIndex.get(item.id) ?? -1);
  const neighbours = topK(accumulator, touched, count, k);
  const result: Scored[] = Array.from(neighbours.items, (index, i) => ({
    index,
    score: neighbours.scores[i] ?? 0,
    reason: 'content' as const,
  }));
  const chosen = new Set(result.map((r) => r.index));
  for (let p = 0; p < model.popular.length && result.length < k; p++) {
    const index = model.popular[p] as number;
    if (chosen.has(index) || model.itemIds[index] === item.id) continue;
    result.push({ index, score: (model.popularity[index] ?? 0) * HYBRID_WEIGHTS.popular * 0.1, reason: 'popular' });
  }
  return result;
}

function neighbourMap(neighbours: Model['content'][number] | undefined): Map<number, number> {
  const map = new Map<number, number>();
  if (neighbours)
    for (let n = 0; n < neighbours.items.length; n++)
      map.set(neighbours.items[n] as number, neighbours.scores[n] as number);
  return map;
}

/** Sums the parts; the reason is the part that contributed most. */
function combine(index: number, parts: [Reason, number][]): Scored {
  let score = 0;
  let reason: Reason = 'popular';
  let strongest = 0;
  for (const [name, value] of parts) {
    score += value;
    if (value > strongest) {
      strongest = value;
      reason = name;
    }
  }
  return { index, score, reason };
}

function best(scored: Scored[], k: number): Scored[] {
  return scored.sort((a, b) => b.score - a.score || a.index - b.index).slice(0, k);
}
