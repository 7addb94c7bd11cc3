import { beforeAll, describe, expect, it } from 'vitest';
import { Assistant, FAQ_INTENT } from './assistant.ts';
import { FAQ } from './corpus/faq.ts';
import { FALLBACK_REPLY, INTENTS, NONE_INTENT } from './corpus/intents.ts';

let assistant: Assistant;
beforeAll(async () => {
  assistant = await Assistant.create();
});

describe('corpus', () => {
  it('has at least 25 platform intents with 8 or more utterances each, a None class and 40+ FAQ entries', () => {
    const platform = INTENTS.filter((i) => i.name !== NONE_INTENT);
    expect(platform.length).toBeGreaterThanOrEqual(25);
    for (const intent of INTENTS) expect(intent.utterances.length, intent.name).toBeGreaterThanOrEqual(8);
    expect(new Set(INTENTS.map((i) => i.name)).size).toBe(INTENTS.length);
    expect(FAQ.length).toBeGreaterThanOrEqual(40);
    expect(new Set(FAQ.map((f) => f.id)).size).toBe(FAQ.length);
    const names = new Set(INTENTS.map((i) => i.name));
    for (const entry of FAQ) expect(names, entry.id).toContain(entry.intent);
  });

  it('trains deterministically: two assistants score a question identically', async () => {
    const other = await Assistant.create();
    const text = 'how do I check that ai-vision is ready';
    expect(await other.classifier.classify(text)).toEqual(await assistant.classifier.classify(text));
  });
});

describe('Assistant.respond', () => {
  it('answers the GDPR access deadline, then the CCPA one as a follow-up', async () => {
    const first = await assistant.respond('How long do I have to answer a GDPR access request?');
    expect(first.intent).toBe('compliance.deadline');
    expect(first.reply).toMatch(/one month/);
    expect(first.reply).toMatch(/two further months/);
    expect(first.context).toEqual({ lastIntent: 'compliance.deadline', regime: 'gdpr', service: 'gdpr-compliance' });

    const second = await assistant.respond('and for CCPA?', first.context);
    expect(second.intent).toBe('compliance.deadline');
    expect(second.followUp).toBe(true);
    expect(second.reply).toMatch(/45 calendar days/);
    expect(second.reply).toMatch(/another 45 days/);

    const third = await assistant.respond('what about brazil', { ...first.context, ...second.context });
    expect(third.reply).toMatch(/15 days/);
  });

  it('quotes each regime’s access deadline', async () => {
    const cases: [string, RegExp][] = [
      ['LGPD', /15 days/],
      ['PIPEDA', /30 days/],
      ['HIPAA', /30 days/],
      ['POPIA', /30 days/],
    ];
    for (const [regime, deadline] of cases) {
      const reply = await assistant.respond(`what is the deadline to answer a ${regime} access request`);
      expect(reply.intent, regime).toBe('compliance.deadline');
      expect(reply.reply, regime).toMatch(deadline);
    }
  });

  it('asks which regime when none is named, and takes a bare regime as the answer', async () => {
    const question = await assistant.respond('what is the deadline for a data subject access request');
    expect(question.intent).toBe('compliance.deadline');
    expect(question.reply).toMatch(/which one/);
    const answer = await assistant.respond('PIPEDA', question.context);
    expect(answer.intent).toBe('compliance.deadline');
    expect(answer.reply).toMatch(/within 30 days/);
  });

  it('describes services from the catalog and keeps the service for "what port does it use"', async () => {
    const about = await assistant.respond('what does ai-vision do?');
    expect(about.intent).toBe('service.describe');
    expect(about.reply).toMatch(/^ai-vision — Image analysis/);
    expect(about.reply).toMatch(/port 3013/);
    const port = await assistant.respond('which port does it listen on', about.context);
    expect(port.intent).toBe('ops.ports');
    expect(port.reply).toMatch(/^ai-vision listens on port 3013/);
    const next = await assistant.respond('and the snapshot scheduler?', { ...about.context, ...port.context });
    expect(next.reply).toMatch(/^snapshot-scheduler listens on port 4999/);
  });

  it('explains how to check service health', async () => {
    const reply = await assistant.respond('how can I check whether the chatbot is healthy?');
    expect(reply.intent).toBe('ops.health-check');
    expect(reply.reply).toContain('http://127.0.0.1:3012/health/ready');
    expect(reply.reply).toMatch(/status board/);
  });

  it('declines out-of-scope questions instead of forcing a platform intent', async () => {
    for (const text of [
      'What is the capital of France?',
      'how do I bake a chocolate cake',
      'who won the 1998 world cup',
    ]) {
      const reply = await assistant.respond(text);
      expect(reply.intent, text).toBe(NONE_INTENT);
      expect(reply.reply).toBe(FALLBACK_REPLY);
      expect(reply.sources).toBeUndefined();
    }
  });

  it('recognises a request for a human', async () => {
    const reply = await assistant.respond('please let me talk to a real human');
    expect(reply.intent).toBe('handoff.human');
    expect(reply.handoffRequested).toBe(true);
  });

  it('cites FAQ entries on the same topic as sources', async () => {
    const reply = await assistant.respond('what does the /health/ready endpoint return for a degraded service');
    expect(['ops.readiness', 'ops.health-check']).toContain(reply.intent);
    expect(reply.sources?.length).toBeGreaterThan(0);
    for (const source of reply.sources ?? []) {
      expect(FAQ.find((f) => f.id === source.id)?.intent).toBe(reply.intent);
    }
  });

  it('answers from the FAQ when no intent is confident but an entry matches well', async () => {
    const reply = await assistant.respond('traceparent propagation with otlp spans');
    expect(reply.intent).toBe(FAQ_INTENT);
    expect(reply.sources?.[0]).toEqual({ id: 'tracing', question: 'Are requests traced across services?' });
    expect(reply.reply).toMatch(/traceparent/);
  });

  it('copes with unicode, emoji and punctuation-only text', async () => {
    expect((await assistant.respond('Ngiyabonga! thanks 🎉')).intent).toBe('thanks');
    expect((await assistant.respond('???')).intent).toBe(NONE_INTENT);
    expect((await assistant.respond('日本の首都はどこですか')).intent).toBe(NONE_INTENT);
  });
});
