import { randomUUID } from 'node:crypto';
import { defaultUrl } from '@azora/catalog';
import { createService, HttpProblem, type Logger, parseBody, parseParams, type Service, z } from '@azora/service-kit';
import type { Redis } from 'ioredis';
import { Assistant, type ConversationContext, HANDOFF_INTENT } from './assistant.ts';
import { NEGATIVE_HANDOFF_REPLY, NONE_INTENT } from './corpus/intents.ts';
import { type MessageSentiment, SentimentClient } from './sentiment-client.ts';
import { SessionStore, type StoredMessage } from './sessions.ts';

export const SERVICE_NAME = 'ai-chatbot';
export const VERSION = '0.1.0';

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

export type HandoffReason = 'negative_sentiment' | 'requested';

export interface MessageResponse {
  sessionId: string;
  reply: string;
  intent: string;
  confidence: number;
  sources?: { id: string; question: string }[];
  handoff: boolean;
  sentiment: MessageSentiment | null;
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
    ttlSeconds: options.sessionTtlSeconds ?? 86_400,
    maxMessages: options.maxMessages,
  });
  const sentiment = new SentimentClient(
    options.sentimentUrl ?? defaultUrl('ai-sentiment'),
    options.sentimentTimeoutMs ?? 800,
  );
  const maxTextLength = options.maxTextLength ?? 2000;
  const handoffThreshold = options.handoffThreshold ?? -0.6;

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
        help: 'Messages answered without a sentiment score because ai-sentiment failed or was slow',
      });

      app.post('/api/chatbot/message', async (req, res) => {
        const body = parseBody(MessageRequest, req);
        const receivedAt = new Date().toISOString();
        // Sentiment runs while the session loads and the message is classified.
        const scoring = sentiment.score(body.text, logger, () => sentimentErrors.inc());
        let id = body.sessionId;
        const stored = id ? await storeCall(() => store.context(id as string)) : undefined;
        // An unknown or expired session id starts a new conversation under a fresh id.
        let create = stored === undefined;
        if (create) id = randomUUID();
        const result = await assistant.respond(body.text, (stored ?? {}) as ConversationContext);
        const mood = await scoring;

        let reason: HandoffReason | undefined;
        let reply = result.reply;
        if (result.handoffRequested) {
          reason = 'requested';
        } else if (mood && mood.compound <= handoffThreshold) {
          reason = 'negative_sentiment';
          const answered = result.intent !== NONE_INTENT && result.intent !== HANDOFF_INTENT;
          reply = answered ? `${NEGATIVE_HANDOFF_REPLY} Meanwhile: ${result.reply}` : NEGATIVE_HANDOFF_REPLY;
        }

        const context: Record<string, unknown> = { ...result.context };
        if (reason) Object.assign(context, { handoff: reason, handoffAt: receivedAt });
        const messages: StoredMessage[] = [
          { role: 'user', text: body.text, at: receivedAt },
          {
            role: 'assistant',
            text: reply,
            at: new Date().toISOString(),
            intent: result.intent,
            confidence: result.confidence,
          },
        ];
        // The session may expire between reading and writing; then it starts afresh.
        for (let attempt = 0; ; attempt++) {
          const saved = await storeCall(() =>
            store.append(id as string, messages, context, { create, now: receivedAt }),
          );
          if (saved) break;
          if (attempt >= 2) throw new HttpProblem(503, 'could not save the conversation; try again');
          id = randomUUID();
          create = true;
        }

        messagesTotal.inc({ intent: result.intent });
        confidence.observe(result.confidence);
        if (result.intent === NONE_INTENT) fallbacks.inc();
        if (reason) handoffs.inc({ reason });

        const response: MessageResponse = {
          sessionId: id as string,
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
        if (!session) throw new HttpProblem(404, `no session ${id} (unknown or expired)`);
        res.json(session);
      });
    },
  });
}
