/**
 * The offline sentiment fallback: the same VADER scorer as ai-sentiment (@azora/sentiment),
 * in process. It scores a message when ai-sentiment fails or is slow, so the hand-off on
 * strong negativity never depends on that one upstream; answers say where a score came from.
 */
import { scoreText } from '@azora/sentiment';

export type SentimentSource = 'ai-sentiment' | 'local';

export interface MessageSentiment {
  label: string;
  compound: number;
  /** Who scored the message: ai-sentiment, or the local fallback when it failed. */
  source: SentimentSource;
}

export function scoreLocally(text: string): MessageSentiment {
  const { label, compound } = scoreText(text);
  return { label, compound, source: 'local' };
}
