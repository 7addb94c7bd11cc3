import { createLogger } from '@azora/service-kit';
import { createTestRedis, freePort, type StartedApp, startApp, type TestRedis } from '@azora/testing';
import { createSentimentService } from 'ai-sentiment/src/app.ts';
import { Redis } from 'ioredis';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChatbotService } from './app.ts';
import { Assistant } from './assistant.ts';
import { FALLBACK_REPLY } from './corpus/intents.ts';

const logger = createLogger('ai-chatbot', 'silent');
let redis: TestRedis;
let assistant: Assistant;
let sentiment: StartedApp;
let app: Awaited<ReturnType<typeof createChatbotService>>['app'];

beforeAll(async () => {
  [redis, assistant] = await Promise.all([createTestRedis('ai-chatbot'), Assistant.create()]);
  sentiment = await startApp(createSentimentService({ logger: createLogger('ai-sentiment', 'silent') }).app);
  ({ app } = await createChatbotService({
    redis: redis.client,
    assistant,
    sentimentUrl: sentiment.url,
    // The production 800 ms suits a quiet machine; these tests check answers, not speed.
    sentimentTimeoutMs: 5000,
    sessionTtlSeconds: 600,
    logger,
  }));
});

afterAll(async () => {
  await sentiment?.close();
  await redis?.cleanup();
});

const send = (body: unknown, target = app) =>
  request(target)
    .post('/api/chatbot/message')
    .send(body as object);

function expectProblem(res: request.Response, status: number, detail: RegExp) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toContain('application/problem+json');
  expect(res.body.detail).toMatch(detail);
}

async function metric(target: typeof app, pattern: RegExp): Promise<number> {
  const text = (await request(target).get('/metrics')).text;
  const line = text.split('\n').find((l) => pattern.test(l));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

describe('POST /api/chatbot/message', () => {
  it('answers a GDPR deadline question, then "and for CCPA?" in the same session, and stores both turns', async () => {
    const first = await send({ text: 'How long do I have to answer a GDPR access request?' });
    expect(first.status).toBe(200);
    expect(Object.keys(first.body).sort()).toEqual(
      ['confidence', 'handoff', 'intent', 'reply', 'sentiment', 'sessionId', 'sources'].sort(),
    );
    expect(first.body).toMatchObject({ intent: 'compliance.deadline', handoff: false });
    expect(first.body.reply).toMatch(/one month/);
    expect(first.body.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.body.sentiment).toEqual({
      label: expect.any(String),
      compound: expect.any(Number),
      source: 'ai-sentiment',
    });
    expect(first.body.sources[0]).toEqual({ id: 'gdpr-access', question: expect.stringMatching(/GDPR access/) });

    const second = await send({ sessionId: first.body.sessionId, text: 'and for CCPA?' });
    expect(second.status).toBe(200);
    expect(second.body.sessionId).toBe(first.body.sessionId);
    expect(second.body.intent).toBe('compliance.deadline');
    expect(second.body.reply).toMatch(/45 calendar days/);

    const session = await request(app).get(`/api/chatbot/sessions/${first.body.sessionId}`);
    expect(session.status).toBe(200);
    expect(session.body).toMatchObject({
      id: first.body.sessionId,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      context: { lastIntent: 'compliance.deadline', regime: 'ccpa' },
    });
    expect(session.body.messages.map((m: { role: string; text: string }) => [m.role, m.text.slice(0, 20)])).toEqual([
      ['user', 'How long do I have t'],
      ['assistant', first.body.reply.slice(0, 20)],
      ['user', 'and for CCPA?'],
      ['assistant', second.body.reply.slice(0, 20)],
    ]);
    expect(session.body.messages[1]).toMatchObject({ intent: 'compliance.deadline', confidence: expect.any(Number) });
    const ttl = await redis.client.ttl(`session:${first.body.sessionId}`);
    expect(ttl).toBeGreaterThan(590);
    expect(ttl).toBeLessThanOrEqual(600);
    expect(await redis.client.ttl(`session:${first.body.sessionId}:messages`)).toBeGreaterThan(590);
  });

  it('declines an out-of-scope question with the fallback and counts it', async () => {
    const before = await metric(app, /^chatbot_fallbacks_total/);
    const noneBefore = await metric(app, /^chatbot_messages_total\{.*intent="None"/);
    const res = await send({ text: 'What is the capital of France?' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ intent: 'None', reply: FALLBACK_REPLY, handoff: false });
    expect(res.body.sources).toBeUndefined();
    expect(await metric(app, /^chatbot_fallbacks_total/)).toBe(before + 1);
    expect(await metric(app, /^chatbot_messages_total\{.*intent="None"/)).toBe(noneBefore + 1);
  });

  it('hands a strongly negative message to a human and records why', async () => {
    const before = await metric(app, /^chatbot_handoffs_total\{.*reason="negative_sentiment"/);
    const res = await send({
      text: 'This is terrible. I hate this awful wallet, my transfer failed again and I am furious!',
    });
    expect(res.status).toBe(200);
    expect(res.body.handoff).toBe(true);
    expect(res.body.sentiment).toMatchObject({ source: 'ai-sentiment' });
    expect(res.body.sentiment.compound).toBeLessThanOrEqual(-0.6);
    expect(res.body.reply).toMatch(/flagged this conversation for a human/);
    const session = await request(app).get(`/api/chatbot/sessions/${res.body.sessionId}`);
    expect(session.body.context).toMatchObject({ handoff: 'negative_sentiment' });
    expect(await metric(app, /^chatbot_handoffs_total\{.*reason="negative_sentiment"/)).toBe(before + 1);
  });

  it('hands over when the user asks for a person', async () => {
    const before = await metric(app, /^chatbot_handoffs_total\{.*reason="requested"/);
    const res = await send({ text: 'can I speak to a real person please' });
    expect(res.body).toMatchObject({ intent: 'handoff.human', handoff: true });
    expect(await metric(app, /^chatbot_handoffs_total\{.*reason="requested"/)).toBe(before + 1);
  });

  it('keeps every message when one session receives many at once', async () => {
    const { body } = await send({ text: 'hello' });
    const texts = Array.from({ length: 20 }, (_, i) => `what port does ai-vision use? (${i})`);
    const answers = await Promise.all(texts.map((text) => send({ sessionId: body.sessionId, text })));
    for (const answer of answers) expect(answer.body.sessionId).toBe(body.sessionId);
    const session = await request(app).get(`/api/chatbot/sessions/${body.sessionId}`);
    expect(session.body.messages).toHaveLength(42);
    const userTexts = session.body.messages
      .filter((m: { role: string }) => m.role === 'user')
      .map((m: { text: string }) => m.text);
    expect(userTexts.sort()).toEqual(['hello', ...texts].sort());
    // Each answer directly follows its question.
    for (let i = 0; i < 42; i += 2) {
      expect(session.body.messages[i].role).toBe('user');
      expect(session.body.messages[i + 1].role).toBe('assistant');
    }
  });

  it('answers 404 "session expired" when the session keys are gone from Redis (restart, TTL)', async () => {
    const first = await send({ text: 'How long do I have to answer a GDPR access request?' });
    expect(first.status).toBe(200);
    const id: string = first.body.sessionId;
    // What a Redis restart without persistence, or the TTL, does: the keys are gone.
    expect(await redis.client.del(`session:${id}`, `session:${id}:messages`)).toBe(2);

    const res = await send({ sessionId: id, text: 'and for CCPA?' });
    expectProblem(res, 404, /session .* expired/);
    expect(res.body).toMatchObject({ code: 'session_expired', sessionId: id });
    // Nothing was stored under the old id or a new one.
    expect(await redis.client.exists(`session:${id}`, `session:${id}:messages`)).toBe(0);
    expect((await request(app).get(`/api/chatbot/sessions/${id}`)).status).toBe(404);

    // Starting over (no sessionId) works.
    const fresh = await send({ text: 'and for CCPA?' });
    expect(fresh.status).toBe(200);
    expect(fresh.body.sessionId).not.toBe(id);
  });

  it('answers the same 404 for a session id that was never issued (indistinguishable after a wipe)', async () => {
    const unknown = '0B9A4A77-5C3E-4D55-9A57-0E4B3F0C2D11';
    const res = await send({ sessionId: unknown, text: 'hi' });
    expectProblem(res, 404, /session .* expired/);
    expect(res.body).toMatchObject({ code: 'session_expired', sessionId: unknown.toLowerCase() });
    expect(await redis.client.exists(`session:${unknown.toLowerCase()}`)).toBe(0);
  });

  it('rejects bad input with a 4xx problem', async () => {
    expectProblem(await send({ text: '' }), 400, /text: must not be empty/);
    expectProblem(await send({ text: '  \n ' }), 400, /text: must not be empty/);
    expectProblem(await send({}), 400, /text: must be a string/);
    expectProblem(await send({ text: 42 }), 400, /text: must be a string/);
    expectProblem(await send({ text: ['hi'] }), 400, /text: must be a string/);
    expectProblem(await send({ text: 'x'.repeat(2001) }), 400, /at most 2000 characters/);
    expectProblem(await send({ text: 'hi', sessionId: 'abc' }), 400, /sessionId: must be a session id/);
    expectProblem(await send({ text: 'hi', sessionId: 7 }), 400, /sessionId: must be a string/);
    expectProblem(await send([]), 400, /invalid body/);
    expectProblem(
      await request(app).post('/api/chatbot/message').set('content-type', 'application/json').send('{"text": "hi'),
      400,
      /malformed JSON/,
    );
    expectProblem(
      await request(app).post('/api/chatbot/message').set('content-type', 'text/plain').send('hi'),
      415,
      /application\/json/,
    );
    const huge = await send({ text: 'x'.repeat(2 * 1024 * 1024) });
    expect(huge.status).toBe(413);
  });

  it('handles unicode text', async () => {
    const res = await send({ text: 'Ngiyabonga! Thank you so much 🎉 — très bien' });
    expect(res.status).toBe(200);
    expect(res.body.intent).toBe('thanks');
    const session = await request(app).get(`/api/chatbot/sessions/${res.body.sessionId}`);
    expect(session.body.messages[0].text).toBe('Ngiyabonga! Thank you so much 🎉 — très bien');
  });
});

describe('GET /api/chatbot/sessions/:id', () => {
  it('answers 404 for an unknown session and 400 for a malformed id', async () => {
    expectProblem(
      await request(app).get('/api/chatbot/sessions/0b9a4a77-5c3e-4d55-9a57-0e4b3f0c2d11'),
      404,
      /session .* expired/,
    );
    expectProblem(await request(app).get('/api/chatbot/sessions/not-a-session'), 400, /id: must be a session id/);
  });
});

describe('when ai-sentiment is down or slow', () => {
  const ANGRY = 'this is terrible, I hate it, worst service ever';
  /** A chatbot whose ai-sentiment is a port nobody listens on. */
  const withSentimentDown = async () =>
    (
      await createChatbotService({
        redis: redis.client,
        assistant,
        sentimentUrl: `http://127.0.0.1:${await freePort()}`,
        logger,
      })
    ).app;

  it('still answers, scores the text locally, counts the error and reports readiness as degraded', async () => {
    const degraded = await withSentimentDown();
    const errors = await metric(degraded, /^chatbot_sentiment_errors_total/);
    const res = await send({ text: 'what does ai-vision do?' }, degraded);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      intent: 'service.describe',
      sentiment: { label: 'neutral', compound: 0, source: 'local' },
      handoff: false,
    });
    expect(await metric(degraded, /^chatbot_sentiment_errors_total/)).toBe(errors + 1);
    const ready = await request(degraded).get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('degraded');
    expect(ready.body.checks['ai-sentiment'].status).toBe('fail');
    expect(ready.body.checks.redis.status).toBe('pass');
  });

  it('still hands a strongly negative message to a human while ai-sentiment is down', async () => {
    const degraded = await withSentimentDown();
    const errors = await metric(degraded, /^chatbot_sentiment_errors_total/);
    const handoffs = await metric(degraded, /^chatbot_handoffs_total\{.*reason="negative_sentiment"/);
    const res = await send({ text: ANGRY }, degraded);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ handoff: true, sentiment: { label: 'negative', source: 'local' } });
    expect(res.body.sentiment.compound).toBeLessThanOrEqual(-0.6);
    expect(res.body.reply).toMatch(/flagged this conversation for a human/);
    const session = await request(degraded).get(`/api/chatbot/sessions/${res.body.sessionId}`);
    expect(session.body.context).toMatchObject({ handoff: 'negative_sentiment' });
    expect(await metric(degraded, /^chatbot_sentiment_errors_total/)).toBe(errors + 1);
    expect(await metric(degraded, /^chatbot_handoffs_total\{.*reason="negative_sentiment"/)).toBe(handoffs + 1);
  });

  it('does not wait for a slow ai-sentiment beyond its timeout, and still hands off on strong negativity', async () => {
    const upstream = await startApp((_req, res) => {
      const timer = setTimeout(() => res.end('{}'), 5000);
      res.on('close', () => clearTimeout(timer));
    });
    try {
      const { app: timed } = await createChatbotService({
        redis: redis.client,
        assistant,
        sentimentUrl: upstream.url,
        sentimentTimeoutMs: 200,
        logger,
      });
      const errors = await metric(timed, /^chatbot_sentiment_errors_total/);
      const started = performance.now();
      const res = await send({ text: 'how do I run the platform locally?' }, timed);
      expect(performance.now() - started).toBeLessThan(2000);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ intent: 'ops.run-locally', sentiment: { source: 'local' }, handoff: false });

      const angry = await send({ text: ANGRY }, timed);
      expect(angry.status).toBe(200);
      expect(angry.body).toMatchObject({ handoff: true, sentiment: { source: 'local' } });
      expect(angry.body.sentiment.compound).toBeLessThanOrEqual(-0.6);
      // Both timeouts are counted as upstream failures.
      expect(await metric(timed, /^chatbot_sentiment_errors_total/)).toBe(errors + 2);
    } finally {
      await upstream.close();
    }
  });

  it('falls back to the local score when ai-sentiment answers without a score', async () => {
    const upstream = await startApp((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end('{"label":"negative"}');
    });
    try {
      const { app: broken } = await createChatbotService({
        redis: redis.client,
        assistant,
        sentimentUrl: upstream.url,
        logger,
      });
      const errors = await metric(broken, /^chatbot_sentiment_errors_total/);
      const res = await send({ text: ANGRY }, broken);
      expect(res.body).toMatchObject({ handoff: true, sentiment: { source: 'local' } });
      expect(await metric(broken, /^chatbot_sentiment_errors_total/)).toBe(errors + 1);
    } finally {
      await upstream.close();
    }
  });
});

describe('when Redis is down', () => {
  it('answers 503 problem+json and readiness says not_ready', async () => {
    const dead = new Redis(`redis://127.0.0.1:${await freePort()}`, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      enableOfflineQueue: false,
    });
    dead.on('error', () => {});
    try {
      const { app: broken } = await createChatbotService({
        redis: dead,
        assistant,
        sentimentUrl: sentiment.url,
        logger,
      });
      expectProblem(await send({ text: 'hello' }, broken), 503, /session store/);
      const ready = await request(broken).get('/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body.checks.redis.status).toBe('fail');
    } finally {
      dead.disconnect();
    }
  });
});
