import { randomUUID } from 'node:crypto';
import { createTestRedis, type TestRedis } from '@azora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionStore, type Turn } from './sessions.ts';

let redis: TestRedis;
beforeAll(async () => {
  redis = await createTestRedis('ai-chatbot-sessions');
});
afterAll(async () => {
  await redis?.cleanup();
});

const turn = (text: string, context: Record<string, unknown> = {}): Turn => ({
  text,
  reply: `reply to ${text}`,
  intent: 'greeting',
  confidence: 0.9,
  receivedAt: '2025-01-01T00:00:00.000Z',
  answeredAt: '2025-01-01T00:00:00.010Z',
  context,
});

/** Ids handed out in order, then fresh ones. */
function ids(...taken: string[]) {
  let n = 0;
  return () => taken[n++] ?? randomUUID();
}

describe('SessionStore.saveTurn', () => {
  it('creates a session for a first message, then appends to it', async () => {
    const store = new SessionStore(redis.client, { ttlSeconds: 600, maxMessages: 200 });
    const id = await store.saveTurn(undefined, turn('hello', { lastIntent: 'greeting' }));
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await store.saveTurn(id, turn('again', { regime: 'gdpr' }))).toBe(id);
    const session = await store.get(id as string);
    expect(session?.context).toEqual({ lastIntent: 'greeting', regime: 'gdpr' });
    expect(session?.messages.map((m) => [m.role, m.text])).toEqual([
      ['user', 'hello'],
      ['assistant', 'reply to hello'],
      ['user', 'again'],
      ['assistant', 'reply to again'],
    ]);
    expect(session?.messages[1]).toMatchObject({ intent: 'greeting', confidence: 0.9, at: turn('').answeredAt });
  });

  it('reports a session whose keys are gone as expired and does not bring it back', async () => {
    const store = new SessionStore(redis.client, { ttlSeconds: 600, maxMessages: 200 });
    const id = (await store.saveTurn(undefined, turn('hello'))) as string;
    expect(await redis.client.del(`session:${id}`, `session:${id}:messages`)).toBe(2);
    expect(await store.context(id)).toBeUndefined();
    expect(await store.saveTurn(id, turn('still there?'))).toBeUndefined();
    expect(await redis.client.exists(`session:${id}`, `session:${id}:messages`)).toBe(0);
  });

  it('picks another id when a new id is already taken', async () => {
    const taken = '11111111-1111-4111-8111-111111111111';
    const first = new SessionStore(redis.client, { ttlSeconds: 600, maxMessages: 200, newId: ids(taken) });
    expect(await first.saveTurn(undefined, turn('first'))).toBe(taken);
    const fresh = '22222222-2222-4222-8222-222222222222';
    const store = new SessionStore(redis.client, { ttlSeconds: 600, maxMessages: 200, newId: ids(taken, fresh) });
    expect(await store.saveTurn(undefined, turn('second'))).toBe(fresh);
    // The taken session kept only its own turn.
    expect((await store.get(taken))?.messages.map((m) => m.text)).toEqual(['first', 'reply to first']);
  });

  it('gives up after a few taken ids instead of looping', async () => {
    const taken = '33333333-3333-4333-8333-333333333333';
    const store = new SessionStore(redis.client, { ttlSeconds: 600, maxMessages: 200, newId: () => taken });
    await store.saveTurn(undefined, turn('first'));
    await expect(store.saveTurn(undefined, turn('second'))).rejects.toThrow(/could not create a session/);
  });
});
