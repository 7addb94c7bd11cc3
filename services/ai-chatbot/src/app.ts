import {
  createService,
  HttpProblem,
  type Logger,
  parseBody,
  parseParams,
  type Service,
  serviceVersion,
  z,
} from '@azora/service-kit';
import type { Redis } from 'ioredis';
import { Assistant, type ConversationContext } from './assistant.ts';
import { DEFAULTS } from './config.ts';
import { NONE_INTENT } from './corpus/intents.ts';
import { decideHandoff } from './handoff.ts';
import { type MessageSentiment, SentimentClient } from './sentiment-client.ts';
import { SessionStore } from './sessions.ts';

export type { HandoffReason } from './handoff.ts';

export const SERVICE_NAME = 'ai-chatbot';
export const VERSION = serviceVersion(new URL('../package.json', import.meta.url));

export interface ChatbotServiceOptions {
  /** Redis client; give it a `keyPrefix` (REDIS_KEY_PREFIX) to share a server. */
  redis: Redis;
  /** ai-sentiment base URL (default: the catalog's local URL). */
  sentimentUrl?: string;
  /** Default 800 ms: a slow ai-sentiment must not slow the chat down much. */
  sentimentTimeoutMs?: number;
  /** Sessions expire after this long without a message (default one day). */
  sessionTtlSeconds?: number;
  /** Messages kept per session (default 200). */
  maxMessages?: number;
  /** Longest message accepted, in characters (default 2000). */
  maxTextLength?: number;
  /** Messages with a compound sentiment at or below this are handed to a human (default −0.6). */
  handoffThreshold?: number;
  /** A trained assistant to reuse (tests); otherwise one is trained here. */
  assistant?: Assistant;
  logger?: Logger;
  bodyLimit?: string;
  otlpEndpoint?: string;
}

export interface MessageResponse {
  sessionId: string;
  reply: string;
  intent: string;
  confidence: number;
  sources?: { id: string; question: string }[];
  handoff: boolean;
  /** From ai-sentiment, or from the local fallback (`source: 'local'`) when it failed or was slow. */
  sentiment: MessageSentiment;
}

/**
 * A session id the store does not know: expired by its TTL, lost with Redis' data, or never
 * issued (after a wipe there is no telling these apart). The client starts a new conversation.
 */
function sessionExpired(id: string): HttpProblem {
  return new HttpProblem(
    404,
    `session ${id} expired or was never issued; start a new conversation by sending the message without a sessionId`,
    { extensions: { code: 'session_expired', sessionId: id } },
  );
}

const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const sessionId = z
  .string({ error: 'must be a string' })
  .regex(SESSION_ID, 'must be a session id (a UUID) returned by an earlier message')
  .transform((id) => id.toLowerCase());

/** Builds the chatbot service; trains the classifier first (well under a second). */
export async function createChatbotService(options: ChatbotServiceOptions): Promise<Service> {
  const assistant = options.assistant ?? (await Assistant.create());
  const store = new SessionStore(options.redis, {
    ttlSeconds: options.sessionTtlSeconds ?? DEFAULTS.SESSION_TTL_SECONDS,
    maxMessages: options.maxMessages ?? DEFAULTS.SESSION_MAX_MESSAGES,
  });
  const sentiment = new SentimentClient(
    options.sentimentUrl ?? DEFAULTS.AI_SENTIMENT_URL,
    options.sentimentTimeoutMs ?? DEFAULTS.SENTIMENT_TIMEOUT_MS,
  );
  const maxTextLength = options.maxTextLength ?? DEFAULTS.MAX_TEXT_LENGTH;
  const handoffThreshold = options.handoffThreshold ?? DEFAULTS.HANDOFF_SENTIMENT_THRESHOLD;

  const MessageRequest = z.object({
    sessionId: sessionId.optional(),
    text: z
      .string({ error: 'must be a string' })
      .max(maxTextLength, `must be at most ${maxTextLength} characters`)
      .refine((value) => value.trim().length > 0, 'must not be empty'),
  });
  const SessionParams = z.object({ id: sessionId });

  /** Redis failures become a 503 that says what is missing, not a bare 500. */
  const storeCall = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw new HttpProblem(503, 'the session store (Redis) is unavailable; try again shortly', { cause: error });
    }
  };

  return createService({
    name: SERVICE_NAME,
    version: VERSION,
    logger: options.logger,
    // The service owns the client it is given: closed on shutdown, after the last request.
    resources: [{ name: 'redis', close: () => options.redis.quit().catch(() => options.redis.disconnect()) }],
    bodyLimit: options.bodyLimit,
    otlpEndpoint: options.otlpEndpoint,
    checks: [
      { name: 'redis', check: async () => options.redis.ping() },
      {
        name: 'classifier',
        // A self-test proves the trained model answers.
        check: async () => {
          const reply = await assistant.respond('hello');
          if (reply.intent !== 'greeting') throw new Error(`self-test classified "hello" as ${reply.intent}`);
          return { intents: assistant.classifier.intents.length };
        },
      },
      {
        name: 'ai-sentiment',
        required: false,
        timeoutMs: 1500,
        check: (signal) => sentiment.client.checkHealth(signal),
      },
    ],
    routes: (app, { metrics, logger }) => {
      const messagesTotal = metrics.counter({
        name: 'chatbot_messages_total',
        help: 'User messages answered, by intent (None for out-of-scope, faq for FAQ answers)',
        labelNames: ['intent'] as const,
      });
      const confidence = metrics.histogram({
        name: 'chatbot_intent_confidence',
        help: 'Confidence of the answered intent (0–1)',
        buckets: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1],
      });
      const fallbacks = metrics.counter({
        name: 'chatbot_fallbacks_total',
        help: 'Messages answered with the out-of-scope fallback',
      });
      const handoffs = metrics.counter({
        name: 'chatbot_handoffs_total',
        help: 'Conversations handed to a human, by reason',
        labelNames: ['reason'] as const,
      });
      const sentimentErrors = metrics.counter({
        name: 'chatbot_sentiment_errors_total',
        help: 'Messages scored by the local fallback because ai-sentiment failed or was slow',
      });

      app.post('/api/chatbot/message', async (req, res) => {
        const { sessionId, text } = parseBody(MessageRequest, req);
        const receivedAt = new Date().toISOString();
        // Sentiment runs while the session loads and the message is classified.
        const scoring = sentiment.score(text, logger, () => sentimentErrors.inc());
        const stored = sessionId === undefined ? {} : await storeCall(() => store.context(sessionId));
        if (stored === undefined) throw sessionExpired(sessionId as string);
        const result = await assistant.respond(text, stored as ConversationContext);
        const mood = await scoring;
        const { reason, reply } = decideHandoff(result, mood, handoffThreshold);

        const context: Record<string, unknown> = { ...result.context };
        if (reason) Object.assign(context, { handoff: reason, handoffAt: receivedAt });
        const answeredAt = new Date().toISOString();
        const { intent, confidence: score } = result;
        const id = await storeCall(() =>
          store.saveTurn(sessionId, { text, receivedAt, reply, answeredAt, intent, confidence: score, context }),
        );
        // The session may expire (or Redis lose it) between reading and saving.
        if (id === undefined) throw sessionExpired(sessionId as string);

        messagesTotal.inc({ intent: result.intent });
        confidence.observe(result.confidence);
        if (result.intent === NONE_INTENT) fallbacks.inc();
        if (reason) handoffs.inc({ reason });

        const response: MessageResponse = {
          sessionId: id,
          reply,
          intent: result.intent,
          confidence: result.confidence,
          ...(result.sources ? { sources: result.sources } : {}),
          handoff: reason !== undefined,
          sentiment: mood,
        };
        res.json(response);
      });

      app.get('/api/chatbot/sessions/:id', async (req, res) => {
        const { id } = parseParams(SessionParams, req);
        const session = await storeCall(() => store.get(id));
        if (!session) throw sessionExpired(id);
        res.json(session);
      });
    },
  });
}
