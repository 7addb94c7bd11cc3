/** Precision and recall of scanPhi per HIPAA type against the labelled notes, by exact span. */
import { PHI_TYPES, type PhiScanOptions, type PhiType, scanPhi } from './phi.ts';
import type { PhiDocument } from './phi-corpus.ts';

export interface PhiTypeScore {
  type: PhiType | 'overall';
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  /** tp / (tp + fp); 1 when nothing was reported. */
  precision: number;
  /** tp / (tp + fn); 1 when nothing was labelled. */
  recall: number;
}

export interface PhiEvaluation {
  /** One row per type, then the micro-averaged `overall` row. */
  scores: PhiTypeScore[];
  falsePositives: Array<{ type: PhiType; text: string }>;
  misses: Array<{ type: PhiType; text: string }>;
}

const score = (type: PhiTypeScore['type'], tp: number, fp: number, fn: number): PhiTypeScore => ({
  type,
  truePositives: tp,
  falsePositives: fp,
  falseNegatives: fn,
  precision: tp + fp === 0 ? 1 : tp / (tp + fp),
  recall: tp + fn === 0 ? 1 : tp / (tp + fn),
});

export function evaluatePhi(corpus: readonly PhiDocument[], options: PhiScanOptions = {}): PhiEvaluation {
  const counts = new Map(PHI_TYPES.map((t) => [t, { tp: 0, fp: 0, fn: 0 }]));
  const falsePositives: PhiEvaluation['falsePositives'] = [];
  const misses: PhiEvaluation['misses'] = [];
  const around = (text: string, start: number, end: number) =>
    `${text.slice(Math.max(0, start - 25), start)}[${text.slice(start, end)}]${text.slice(end, end + 15)}`;
  for (const doc of corpus) {
    const key = (t: string, s: number, e: number) => `${t}:${s}:${e}`;
    const labelled = new Set(doc.labels.map((l) => key(l.type, l.start, l.end)));
    const found = new Set<string>();
    for (const f of scanPhi(doc.text, options)) {
      const k = key(f.type, f.start, f.end);
      found.add(k);
      const c = counts.get(f.type);
      if (!c) continue;
      if (labelled.has(k)) c.tp++;
      else {
        c.fp++;
        falsePositives.push({ type: f.type, text: around(doc.text, f.start, f.end) });
      }
    }
    for (const l of doc.labels) {
      if (found.has(key(l.type, l.start, l.end))) continue;
      const c = counts.get(l.type);
      if (c) c.fn++;
      misses.push({ type: l.type, text: around(doc.text, l.start, l.end) });
    }
  }
  const scores = PHI_TYPES.map((type) => {
    const { tp, fp, fn } = counts.get(type) ?? { tp: 0, fp: 0, fn: 0 };
    return score(type, tp, fp, fn);
  });
  const sum = (f: (s: PhiTypeScore) => number) => scores.reduce((n, s) => n + f(s), 0);
  scores.push(
    score(
      'overall',
      sum((s) => s.truePositives),
      sum((s) => s.falsePositives),
      sum((s) => s.falseNegatives),
    ),
  );
  return { scores, falsePositives, misses };
}
