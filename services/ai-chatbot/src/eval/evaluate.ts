/**
 * Scores the assistant on the held-out set: in-scope accuracy (the right intent, or an FAQ
 * answer whose entry belongs to that intent) and the out-of-scope rejection rate.
 * Each question is asked in a fresh conversation, so no context helps.
 */
import { type Assistant, FAQ_INTENT } from '../assistant.ts';
import { FAQ } from '../corpus/faq.ts';
import { NONE_INTENT } from '../corpus/intents.ts';
import type { HeldOutItem } from './heldout.ts';

export interface Miss {
  text: string;
  expected: string;
  got: string;
  confidence: number;
}

export interface EvaluationReport {
  inScope: number;
  outOfScope: number;
  accuracy: number;
  rejectionRate: number;
  /** How many in-scope questions were answered from the FAQ (and on topic). */
  answeredFromFaq: number;
  misses: Miss[];
  /** expected → got → count, for the misses. */
  confusions: Record<string, Record<string, number>>;
}

const faqIntent = new Map(FAQ.map((entry) => [entry.id, entry.intent]));

export async function evaluate(assistant: Assistant, items: readonly HeldOutItem[]): Promise<EvaluationReport> {
  let correct = 0;
  let rejected = 0;
  let answeredFromFaq = 0;
  const misses: Miss[] = [];
  const confusions: Record<string, Record<string, number>> = {};
  for (const item of items) {
    const reply = await assistant.respond(item.text, {});
    let got = reply.intent;
    if (got === FAQ_INTENT) {
      const topic = faqIntent.get(reply.sources?.[0]?.id ?? '');
      got = `${FAQ_INTENT}:${topic}`;
      if (topic === item.intent) {
        answeredFromFaq++;
        got = item.intent;
      }
    }
    const ok = got === item.intent;
    if (item.intent === NONE_INTENT) {
      if (ok) rejected++;
    } else if (ok) {
      correct++;
    }
    if (!ok) {
      misses.push({ text: item.text, expected: item.intent, got, confidence: reply.confidence });
      const row = confusions[item.intent] ?? {};
      row[got] = (row[got] ?? 0) + 1;
      confusions[item.intent] = row;
    }
  }
  const outOfScope = items.filter((i) => i.intent === NONE_INTENT).length;
  const inScope = items.length - outOfScope;
  return {
    inScope,
    outOfScope,
    accuracy: inScope ? correct / inScope : 0,
    rejectionRate: outOfScope ? rejected / outOfScope : 0,
    answeredFromFaq,
    misses,
    confusions,
  };
}
