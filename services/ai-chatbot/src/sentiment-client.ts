/**
 * Scores a message with ai-sentiment; when that fails or is slow, scores it locally instead,
 * so the chat keeps answering and still hands angry users to a human.
 */
import { type Logger, ServiceClient, UpstreamError } from '@azora/service-kit';
import { type MessageSentiment, scoreLocally } from './local-sentiment.ts';

export type { MessageSentiment, SentimentSource } from './local-sentiment.ts';

export class SentimentClient {
  readonly client: ServiceClient;

  constructor(baseUrl: string, timeoutMs: number) {
    this.client = new ServiceClient({ service: 'ai-sentiment', baseUrl, timeoutMs });
  }

  /** ai-sentiment's label and compound score, or (after calling `onError`) the local fallback's. */
  async score(text: string, logger: Logger, onError: (error: unknown) => void): Promise<MessageSentiment> {
    try {
      const { body } = await this.client.call<{ label?: unknown; compound?: unknown }>('/api/sentiment/analyze', {
        method: 'POST',
        json: { text },
      });
      if (typeof body?.label !== 'string' || typeof body.compound !== 'number') {
        throw new UpstreamError('ai-sentiment', 'bad_body', 'ai-sentiment answered without a label and compound score');
      }
      return { label: body.label, compound: body.compound, source: 'ai-sentiment' };
    } catch (error) {
      onError(error);
      logger.warn({ err: error }, 'ai-sentiment unavailable; scoring the message locally');
      return scoreLocally(text);
    }
  }
}
