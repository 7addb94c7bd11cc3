/** Scores a message with ai-sentiment; any failure yields null so the chat keeps answering. */
import { type Logger, ServiceClient, UpstreamError } from '@azora/service-kit';

export interface MessageSentiment {
  label: string;
  compound: number;
}

export class SentimentClient {
  readonly client: ServiceClient;

  constructor(baseUrl: string, timeoutMs: number) {
    this.client = new ServiceClient({ service: 'ai-sentiment', baseUrl, timeoutMs });
  }

  /** The label and compound score, or null (after calling `onError`) when ai-sentiment fails. */
  async score(text: string, logger: Logger, onError: (error: unknown) => void): Promise<MessageSentiment | null> {
    try {
      const { body } = await this.client.call<{ label?: unknown; compound?: unknown }>('/api/sentiment/analyze', {
        method: 'POST',
        json: { text },
      });
      if (typeof body?.label !== 'string' || typeof body.compound !== 'number') {
        throw new UpstreamError('ai-sentiment', 'bad_body', 'ai-sentiment answered without a label and compound score');
      }
      return { label: body.label, compound: body.compound };
    } catch (error) {
      onError(error);
      logger.warn({ err: error }, 'sentiment unavailable; answering without it');
      return null;
    }
  }
}
