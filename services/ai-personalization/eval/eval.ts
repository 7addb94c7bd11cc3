// pnpm eval: offline quality of the hybrid recommender against popularity, on seeded
// synthetic data (taste clusters over categories/styles, Zipf popularity, 15% noise).
// Each user's last interaction is held out; the model is trained on the rest.
// Target: hybrid recall@10 ≥ 3× popularity's. Sizes: EVAL_ITEMS, EVAL_USERS, EVAL_SEED.
import { printTable } from '@azora/bench';
import { evaluate } from '../src/evaluation.ts';
import { generateSynthetic } from '../src/synthetic.ts';

const TARGET_RATIO = 3;
const seed = Number(process.env.EVAL_SEED ?? 42);
const sets = process.env.EVAL_ITEMS
  ? [{ items: Number(process.env.EVAL_ITEMS), users: Number(process.env.EVAL_USERS ?? 1000) }]
  : [
      { items: 500, users: 300 },
      { items: 2000, users: 1000 },
      { items: 10_000, users: 5000 },
    ];

let pass = true;
for (const size of sets) {
  const data = generateSynthetic({ seed, ...size });
  const result = evaluate(data, 10);
  console.log(
    `\n${size.items} items, ${size.users} users, ${data.events.length} events (seed ${seed}); model build ${result.buildMs} ms`,
  );
  printTable([
    ['method', 'recall@10', 'NDCG@10'],
    ['hybrid (item–item CF + TF-IDF content + popularity)', result.hybrid.recall, result.hybrid.ndcg],
    ['popularity', result.popularity.recall, result.popularity.ndcg],
    ['ratio', result.recallRatio, result.hybrid.ndcg / result.popularity.ndcg],
  ]);
  const met = result.recallRatio >= TARGET_RATIO;
  pass &&= met;
  console.log(`target recall ratio ≥ ${TARGET_RATIO} → ${met ? 'met' : 'MISSED'} (${result.recallRatio.toFixed(2)})`);
}
process.exitCode = pass ? 0 : 1;
