// The optional LLM copy writer against a stub of an OpenAI-compatible endpoint.
import { describe, expect, it } from 'vitest';
import { generateSite } from './generator.ts';
import { openAiCompatibleProvider, writeCopy } from './llm.ts';

const brief = { name: 'Quay Books', description: 'A second-hand bookshop on the quay.', businessType: 'bookshop' };
const draft = generateSite(brief).copy;
const answer = {
  headline: 'Stories by the sea',
  tagline: 'Second-hand books, first-hand welcome.',
  about: 'Quay Books has sold used books on the quay since 1990.',
  ctaLabel: 'Visit us',
  seoTitle: 'Quay Books | Second-hand bookshop',
  seoDescription: 'Used books on the quay.',
};

function stub(status: number, content: unknown) {
  const calls: { url: string; body: Record<string, unknown>; auth: string | null }[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    calls.push({ url, body: JSON.parse(String(init.body)), auth: new Headers(init.headers).get('authorization') });
    return new Response(JSON.stringify({ choices: [{ message: { content: JSON.stringify(content) } }] }), { status });
  }) as unknown as typeof globalThis.fetch;
  return { fetch, calls };
}

describe('LLM copy provider', () => {
  it('asks the chat completions endpoint for JSON copy and uses a valid answer', async () => {
    const { fetch, calls } = stub(200, answer);
    const provider = openAiCompatibleProvider({
      baseUrl: 'http://llm.test/v1/',
      apiKey: 'k',
      model: 'm',
      timeoutMs: 1000,
      fetch,
    });
    expect(await writeCopy(provider, brief, draft)).toEqual(answer);
    expect(calls[0]?.url).toBe('http://llm.test/v1/chat/completions');
    expect(calls[0]?.auth).toBe('Bearer k');
    expect(calls[0]?.body).toMatchObject({ model: 'm', response_format: { type: 'json_object' } });
    // The site is built around the provider's copy.
    const site = generateSite(brief, answer);
    expect(site.content.seo.title).toBe(answer.seoTitle);
    expect(site.content.pages[0]?.sections[0]?.blocks[0]?.props).toMatchObject({ text: answer.headline });
  });

  it('falls back to the generated copy on an error answer, an invalid answer or extra fields', async () => {
    for (const [status, content] of [
      [500, answer],
      [200, { ...answer, headline: 7 }],
      [200, { ...answer, script: '<script>' }],
      [200, { ...answer, seoTitle: 'x'.repeat(71) }],
    ] as const) {
      const provider = openAiCompatibleProvider({
        baseUrl: 'http://llm.test',
        model: 'm',
        timeoutMs: 1000,
        fetch: stub(status, content).fetch,
      });
      expect(await writeCopy(provider, brief, draft)).toEqual(draft);
    }
    expect(await writeCopy(undefined, brief, draft)).toEqual(draft);
  });
});
