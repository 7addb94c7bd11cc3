import { analyze, lexiconSize, polarityScores } from '@azora/sentiment';
import { createService, type Logger, parseBody, type Service, serviceVersion, z } from '@azora/service-kit';
import { DEFAULTS } from './config.ts';

export const SERVICE_NAME = 'ai-sentiment';
export const VERSION = serviceVersion(new URL('../package.json', import.meta.url));

export interface SentimentServiceOptions {
  logger?: Logger;
  /** Longest text accepted, in characters (default 10 000). */
  maxTextLength?: number;
  /** Most texts in one batch (default 100). */
  maxBatchSize?: number;
  bodyLimit?: string;
  otlpEndpoint?: string;
}

const TEXT_LENGTH_BUCKETS = [10, 50, 100, 250, 500, 1000, 2500, 5000, 10_000];

export function createSentimentService(options: SentimentServiceOptions = {}): Service {
  const maxTextLength = options.maxTextLength ?? DEFAULTS.MAX_TEXT_LENGTH;
  const maxBatchSize = options.maxBatchSize ?? DEFAULTS.MAX_BATCH_SIZE;

  const text = z
    .string({ error: 'must be a string' })
    .max(maxTextLength, `must be at most ${maxTextLength} characters`)
    .refine((value) => value.trim().length > 0, 'must not be empty');
  const AnalyzeRequest = z.object({ text });
  const BatchRequest = z.object({
    texts: z
      .array(text, { error: 'must be an array of strings' })
      .min(1, 'must contain at least one text')
      .max(maxBatchSize, `must contain at most ${maxBatchSize} texts`),
  });

  return createService({
    name: SERVICE_NAME,
    version: VERSION,
    logger: options.logger,
    bodyLimit: options.bodyLimit,
    otlpEndpoint: options.otlpEndpoint,
    checks: [
      {
        name: 'lexicon',
        // A self-test on a sentence with a known score proves the model answers.
        check: async () => {
          if (polarityScores('good').compound <= 0) throw new Error('lexicon self-test failed');
          return { words: lexiconSize };
        },
      },
    ],
    routes: (app, { metrics }) => {
      const analyses = metrics.counter({
        name: 'sentiment_analyses_total',
        help: 'Texts analysed, by resulting label',
        labelNames: ['label'] as const,
      });
      const textLength = metrics.histogram({
        name: 'sentiment_text_length_characters',
        help: 'Length of analysed texts in characters',
        buckets: TEXT_LENGTH_BUCKETS,
      });
      const batchSize = metrics.histogram({
        name: 'sentiment_batch_size',
        help: 'Number of texts per batch request',
        buckets: [1, 5, 10, 25, 50, 100],
      });

      const analyzeAndCount = (input: string) => {
        const result = analyze(input);
        analyses.inc({ label: result.label });
        textLength.observe(input.length);
        return result;
      };

      app.post('/api/sentiment/analyze', (req, res) => {
        const body = parseBody(AnalyzeRequest, req);
        res.json(analyzeAndCount(body.text));
      });

      app.post('/api/sentiment/batch', (req, res) => {
        const body = parseBody(BatchRequest, req);
        batchSize.observe(body.texts.length);
        res.json({ count: body.texts.length, results: body.texts.map(analyzeAndCount) });
      });
    },
  });
}
