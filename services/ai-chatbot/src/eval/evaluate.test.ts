import { describe, expect, it } from 'vitest';
import { Assistant } from '../assistant.ts';
import { FAQ } from '../corpus/faq.ts';
import { INTENTS, NONE_INTENT } from '../corpus/intents.ts';
import { normalize } from '../entities.ts';
import { BLIND } from './blind.ts';
import { evaluate } from './evaluate.ts';
import { HELD_OUT } from './heldout.ts';

const words = (text: string) => new Set(normalize(text).split(' ').filter(Boolean));
function jaccard(a: Set<string>, b: Set<string>): number {
  const shared = [...a].filter((w) => b.has(w)).length;
  return shared / (a.size + b.size - shared);
}

const SETS = [
  { name: 'held-out', items: HELD_OUT, minInScope: 100 },
  { name: 'blind', items: BLIND, minInScope: 75 },
] as const;

describe.each(SETS)('$name evaluation set', ({ items: set, minInScope }) => {
  it('has enough in-scope and out-of-scope questions, over known intents', () => {
    const names = new Set(INTENTS.map((i) => i.name));
    for (const item of set) expect(names, item.text).toContain(item.intent);
    expect(set.filter((i) => i.intent !== NONE_INTENT).length).toBeGreaterThanOrEqual(minInScope);
    expect(set.filter((i) => i.intent === NONE_INTENT).length).toBeGreaterThanOrEqual(30);
  });

  it('shares no question with the training corpus or the FAQ, not even a near copy', () => {
    const training = [...INTENTS.flatMap((i) => i.utterances), ...FAQ.map((f) => f.question)];
    const trainingNormalized = new Set(training.map(normalize));
    const trainingWords = training.map(words);
    const heldOut = set.map((item) => item.text);
    expect(new Set(heldOut.map(normalize)).size, 'no duplicates inside the held-out set').toBe(heldOut.length);
    for (const text of heldOut) {
      expect(trainingNormalized.has(normalize(text)), text).toBe(false);
      // Near copies (the same words, reordered, or one word changed in a long sentence) do not count as held out.
      const closest = Math.max(...trainingWords.map((w) => jaccard(words(text), w)));
      expect(closest, `"${text}" is too close to a training utterance`).toBeLessThan(0.7);
    }
  });
});

describe.each(SETS)('assistant on the $name set', ({ items: set }) => {
  it('reaches ≥ 90% in-scope accuracy and rejects ≥ 90% of out-of-scope questions', async () => {
    const report = await evaluate(await Assistant.create(), set);
    expect(report.accuracy, JSON.stringify(report.misses, null, 1)).toBeGreaterThanOrEqual(0.9);
    expect(report.rejectionRate, JSON.stringify(report.misses, null, 1)).toBeGreaterThanOrEqual(0.9);
  });
});
