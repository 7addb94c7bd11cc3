import { polarityScores, type VaderScores } from './vader.ts';

export type SentimentLabel = 'positive' | 'neutral' | 'negative';

export interface SentenceSentiment extends VaderScores {
  text: string;
  label: SentimentLabel;
}

export interface SentimentResult extends VaderScores {
  label: SentimentLabel;
  sentences: SentenceSentiment[];
}

/** VADER's conventional thresholds on the compound score. */
export const POSITIVE_THRESHOLD = 0.05;
export const NEGATIVE_THRESHOLD = -0.05;

/**
 * Names of teams and channels that VADER's lexicon would read as praise: in "the support
 * team was not helpful", "support" is who the user talks about, not a sentiment.
 */
export const NEUTRAL_PHRASES: readonly (readonly string[])[] = [
  ['support', 'team'],
  ['support', 'staff'],
  ['support', 'agent'],
  ['support', 'agents'],
  ['support', 'ticket'],
  ['support', 'tickets'],
  ['support', 'desk'],
  ['support', 'line'],
  ['support', 'chat'],
  ['customer', 'support'],
  ['tech', 'support'],
  ['technical', 'support'],
  ['help', 'desk'],
  ['help', 'center'],
  ['help', 'centre'],
];

export function labelFor(compound: number): SentimentLabel {
  if (compound >= POSITIVE_THRESHOLD) return 'positive';
  if (compound <= NEGATIVE_THRESHOLD) return 'negative';
  return 'neutral';
}

const sentenceSegmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

export function splitSentences(text: string): string[] {
  return [...sentenceSegmenter.segment(text)].map((s) => s.segment.trim()).filter(Boolean);
}

/** Scores the text as a whole (no per-sentence breakdown). */
export function scoreText(text: string): VaderScores & { label: SentimentLabel } {
  const scores = polarityScores(text, { neutralPhrases: NEUTRAL_PHRASES });
  return { ...scores, label: labelFor(scores.compound) };
}

/** Scores the whole text and each of its sentences. */
export function analyze(text: string): SentimentResult {
  const sentences = splitSentences(text).map((sentence) => ({ text: sentence, ...scoreText(sentence) }));
  return { ...scoreText(text), sentences };
}
