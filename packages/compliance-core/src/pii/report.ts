/**
 * Prints the per-type precision/recall tables of the core scanner and of the HIPAA detector:
 * `node --conditions=@azora/source src/pii/report.ts [seed] [perType] [phiSeed] [notes]`.
 */
import { CORPUS_TODAY, generateCorpus } from './corpus.ts';
import { evaluate, formatScores, type TypeScore } from './evaluate.ts';
import { generatePhiCorpus } from './phi-corpus.ts';
import { evaluatePhi } from './phi-evaluate.ts';

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

const phiSeed = Number(process.argv[4] ?? 1401);
const notes = Number(process.argv[5] ?? 500);
const phiCorpus = generatePhiCorpus({ seed: phiSeed, notes });
const phiChars = phiCorpus.reduce((n, d) => n + d.text.length, 0);
const labels = phiCorpus.reduce((n, d) => n + d.labels.length, 0);
const t1 = performance.now();
const phi = evaluatePhi(phiCorpus, { today: CORPUS_TODAY });
const phiMs = performance.now() - t1;
console.log(
  `\nHIPAA identifiers (scanPhi): seed ${phiSeed}, ${phiCorpus.length} clinical notes, ${labels} labelled identifiers, ${phiChars} chars; scanned in ${phiMs.toFixed(0)} ms`,
);
// The table's columns are the same; its rows are HIPAA types and the micro-averaged overall.
console.log(formatScores(phi.scores as unknown as TypeScore[]));
for (const fp of phi.falsePositives.slice(0, 10)) console.log('FP', fp.type, JSON.stringify(fp.text));
for (const m of phi.misses.slice(0, 10)) console.log('MISS', m.type, JSON.stringify(m.text));
