export {
  analyze,
  labelFor,
  NEGATIVE_THRESHOLD,
  NEUTRAL_PHRASES,
  POSITIVE_THRESHOLD,
  type SentenceSentiment,
  type SentimentLabel,
  type SentimentResult,
  scoreText,
  splitSentences,
} from './sentiment.ts';
export { describeEmoji, lexiconSize, polarityScores, tokenize, type VaderScores } from './vader.ts';
