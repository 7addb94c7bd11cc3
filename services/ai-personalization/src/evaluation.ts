// Offline evaluation: hold out each user's last interaction, train on the rest, and ask
// whether the held-out item is in the top k (recall@k) and how high (NDCG@k).
import { buildModel, EVENT_WEIGHTS, type EventType, type History, type Model } from './model.ts';
import { recommend, recommendPopular, type Scored } from './recommend.ts';
import type { SyntheticData } from './synthetic.ts';

export interface RankingMetrics {
  recall: number;
  ndcg: number;
}

export interface EvaluationResult {
  k: number;
  users: number;
  hybrid: RankingMetrics;
  popularity: RankingMetrics;
  /** hybrid recall@k ÷ popularity recall@k */
  recallRatio: number;
  buildMs: number;
}

interface Interaction {
  user: string;
  item: string;
  type: EventType;
  timestamp: number;
}

/** Summed event weights per user and item. */
export function historiesFromEvents(events: readonly Interaction[]): Map<string, Map<string, number>> {
  const histories = new Map<string, Map<string, number>>();
  for (const event of events) {
    let history = histories.get(event.user);
    if (!history) {
      history = new Map();
      histories.set(event.user, history);
    }
    history.set(event.item, (history.get(event.item) ?? 0) + EVENT_WEIGHTS[event.type]);
  }
  return histories;
}

export function evaluate(data: SyntheticData, k = 10): EvaluationResult {
  // The held-out item is the one of each user's latest event; all of that user's events
  // on it leave the training set, so the model cannot have seen the answer.
  const latest = new Map<string, Interaction>();
  for (const event of data.events) {
    const current = latest.get(event.user);
    if (!current || event.timestamp > current.timestamp) latest.set(event.user, event);
  }
  const training = data.events.filter((event) => latest.get(event.user)?.item !== event.item);
  const histories = historiesFromEvents(training);
  const model = buildModel({ items: data.items, histories });

  const hybrid = { recall: 0, ndcg: 0 };
  const popularity = { recall: 0, ndcg: 0 };
  let users = 0;
  for (const [user, heldOut] of latest) {
    const history: History = histories.get(user) ?? new Map();
    if (history.size === 0) continue;
    users++;
    score(model, recommend(model, history, k), heldOut.item, hybrid);
    score(model, recommendPopular(model, history, k), heldOut.item, popularity);
  }
  const mean = (m: RankingMetrics) => ({ recall: m.recall / users, ndcg: m.ndcg / users });
  const result = { hybrid: mean(hybrid), popularity: mean(popularity) };
  return {
    k,
    users,
    ...result,
    recallRatio: result.popularity.recall > 0 ? result.hybrid.recall / result.popularity.recall : Infinity,
    buildMs: model.buildMs,
  };
}

function score(model: Model, ranked: Scored[], target: string, into: RankingMetrics): void {
  const rank = ranked.findIndex((r) => model.itemIds[r.index] === target);
  if (rank < 0) return;
  into.recall += 1;
  // One relevant item, so the ideal DCG is 1.
  into.ndcg += 1 / Math.log2(rank + 2);
}
