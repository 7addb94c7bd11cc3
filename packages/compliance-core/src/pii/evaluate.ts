/** Precision and recall per type against a labelled corpus, by exact span (type, start, end). */
import type { LabelledDocument } from './corpus.ts';
import { PII_TYPES, type PiiType, type ScanOptions, scanPii } from './scanner.ts';

export interface TypeScore {
  type: PiiType;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  /** tp / (tp + fp); 1 when nothing was reported. */
  precision: number;
  /** tp / (tp + fn); 1 when nothing was labelled. */
  recall: number;
}

export interface Evaluation {
  scores: TypeScore[];
  /** Findings that were not a labelled span, for debugging a low precision. */
  falsePositives: Array<{ type: PiiType; text: string }>;
  /** Labels the scanner missed. */
  misses: Array<{ type: PiiType; text: string }>;
}

export function evaluate(corpus: readonly LabelledDocument[], options: ScanOptions = {}): Evaluation {
  const counts = new Map(PII_TYPES.map((t) => [t, { tp: 0, fp: 0, fn: 0 }]));
  const falsePositives: Evaluation['falsePositives'] = [];
  const misses: Evaluation['misses'] = [];
  for (const doc of corpus) {
    const key = (t: string, s: number, e: number) => `${t}:${s}:${e}`;
    const labelled = new Set(doc.labels.map((l) => key(l.type, l.start, l.end)));
    const found = new Set<string>();
    for (const f of scanPii(doc.text, options)) {
      const k = key(f.type, f.start, f.end);
      found.add(k);
      const c = counts.get(f.type);
      if (!c) continue;
      if (labelled.has(k)) c.tp++;
      else {
        c.fp++;
        falsePositives.push({ type: f.type, text: doc.text.slice(Math.max(0, f.start - 20), f.end + 20) });
      }
    }
    for (const l of doc.labels) {
      if (found.has(key(l.type, l.start, l.end))) continue;
      const c = counts.get(l.type);
      if (c) c.fn++;
      misses.push({ type: l.type, text: doc.text.slice(Math.max(0, l.start - 20), l.end + 20) });
    }
  }
  const scores = PII_TYPES.map((type) => {
    const { tp, fp, fn } = counts.get(type) ?? { tp: 0, fp: 0, fn: 0 };
    return {
      type,
      truePositives: tp,
      falsePositives: fp,
      falseNegatives: fn,
      precision: tp + fp === 0 ? 1 : tp / (tp + fp),
      recall: tp + fn === 0 ? 1 : tp / (tp + fn),
    };
  });
  return { scores, falsePositives, misses };
}

/** The per-type table as Markdown, for the closing note. */
export function formatScores(scores: readonly TypeScore[]): string {
  const rows = scores.map(
    (s) =>
      `| ${s.type} | ${s.truePositives} | ${s.falsePositives} | ${s.falseNegatives} | ${s.precision.toFixed(3)} | ${s.recall.toFixed(3)} |`,
  );
  return ['| type | TP | FP | FN | precision | recall |', '|---|---:|---:|---:|---:|---:|', ...rows].join('\n');
}
