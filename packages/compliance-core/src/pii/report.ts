/** Prints the per-type precision/recall table: `node --conditions=@azora/source src/pii/report.ts [seed] [perType]`. */
import { CORPUS_TODAY, generateCorpus } from './corpus.ts';
import { evaluate, formatScores } from './evaluate.ts';

const seed = Number(process.argv[2] ?? 20261202);
const perType = Number(process.argv[3] ?? 500);
const corpus = generateCorpus({ seed, perType });
const chars = corpus.reduce((n, d) => n + d.text.length, 0);
const t0 = performance.now();
const { scores, falsePositives, misses } = evaluate(corpus, { today: CORPUS_TODAY });
const ms = performance.now() - t0;
console.log(
  `corpus: seed ${seed}, ${perType} valid values per type, ${corpus.length} documents, ${chars} chars; scanned in ${ms.toFixed(0)} ms`,
);
console.log(formatScores(scores));
for (const fp of falsePositives.slice(0, 10)) console.log('FP', fp.type, JSON.stringify(fp.text));
for (const m of misses.slice(0, 10)) console.log('MISS', m.type, JSON.stringify(m.text));
