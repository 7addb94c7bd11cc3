/**
 * An optional LLM copy writer behind configuration (off by default): a client for any
 * OpenAI-compatible `/chat/completions` endpoint that rewrites the deterministic copy.
 * Its answer is validated like user input; on any failure (timeout, bad JSON, refusal)
 * the site keeps the deterministic copy, so generation never depends on it.
 */
import type { Logger } from '@azora/service-kit';
import { z } from '@azora/service-kit';
import type { Copy } from './generator.ts';
import type { Brief } from './model.ts';
import { text } from './model.ts';

export interface CopyProvider {
  readonly name: string;
  /** Better copy for the brief, starting from the generator's draft. */
  write: (brief: Brief, draft: Copy) => Promise<Copy>;
}

const CopyAnswer = z.strictObject({
  headline: text(200, { min: 1 }),
  tagline: text(300, { min: 1 }),
  about: text(2000, { min: 1, multiline: true }),
  ctaLabel: text(80, { min: 1 }),
  seoTitle: text(70, { min: 1 }),
  seoDescription: text(200, { min: 1 }),
});

export interface OpenAiCompatibleOptions {
  baseUrl: string;
  apiKey?: string;
  model: string;
  timeoutMs: number;
  fetch?: typeof fetch;
}

export function openAiCompatibleProvider(options: OpenAiCompatibleOptions): CopyProvider {
  const doFetch = options.fetch ?? fetch;
  return {
    name: `openai-compatible (${options.model})`,
    async write(brief, draft) {
      const res = await doFetch(`${options.baseUrl.replace(/\/+$/, '')}/chat/completions`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
        },
        body: JSON.stringify({
          model: options.model,
          temperature: 0,
          response_format: { type: 'json_object' },
          messages: [
            {
              role: 'system',
              content:
                'You write website copy. Answer with one JSON object with exactly the keys headline (<=200 chars), tagline (<=300), about (<=2000), ctaLabel (<=80), seoTitle (<=70), seoDescription (<=200). Plain text only, no HTML or markdown.',
            },
            { role: 'user', content: JSON.stringify({ brief, draft }) },
          ],
        }),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      if (!res.ok) throw new Error(`the LLM endpoint answered ${res.status}`);
      const body = (await res.json()) as { choices?: { message?: { content?: string } }[] };
      const answer = body.choices?.[0]?.message?.content;
      if (typeof answer !== 'string') throw new Error('the LLM answer has no message content');
      return CopyAnswer.parse(JSON.parse(answer));
    },
  };
}

/** The provider's copy, or the draft when there is no provider or it fails. */
export async function writeCopy(
  provider: CopyProvider | undefined,
  brief: Brief,
  draft: Copy,
  logger?: Logger,
): Promise<Copy> {
  if (!provider) return draft;
  try {
    return await provider.write(brief, draft);
  } catch (error) {
    logger?.warn({ err: error, provider: provider.name }, 'the LLM copy writer failed; using the generated copy');
    return draft;
  }
}
