/**
 * The intent classifier: nlp.js's neural NLU (language model for English, no network),
 * trained at start-up from the corpus in src/corpus. Training is deterministic.
 */
import { containerBootstrap } from '@nlpjs/core';
import { LangEn } from '@nlpjs/lang-en-min';
import { Nlp } from '@nlpjs/nlp';
import type { IntentDefinition } from './corpus/intents.ts';

export interface Classification {
  intent: string;
  score: number;
}

export interface IntentClassifier {
  /** Every intent with its score, best first. */
  classify(text: string): Promise<Classification[]>;
  readonly intents: readonly string[];
  readonly trainingMs: number;
}

export async function trainClassifier(intents: readonly IntentDefinition[]): Promise<IntentClassifier> {
  const started = performance.now();
  const container = await containerBootstrap();
  container.use(LangEn);
  const nlp = new Nlp({
    container,
    languages: ['en'],
    // No model file on disk, no console output, no nlp.js sentiment; thresholds are applied by the assistant.
    autoLoad: false,
    autoSave: false,
    calculateSentiment: false,
    threshold: 0,
    nlu: { log: false },
  });
  for (const intent of intents) {
    for (const utterance of intent.utterances) nlp.addDocument('en', utterance, intent.name);
  }
  await nlp.train();
  const trainingMs = performance.now() - started;
  return {
    intents: intents.map((i) => i.name),
    trainingMs,
    async classify(text) {
      const result = await nlp.classify('en', text);
      return [...result.classifications].sort((a, b) => b.score - a.score);
    },
  };
}
