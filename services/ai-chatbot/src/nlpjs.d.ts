// Minimal typings for the parts of nlp.js 4 the assistant uses (the packages ship none).
declare module '@nlpjs/core' {
  export interface Container {
    use(plugin: unknown): unknown;
    get(name: string): unknown;
  }
  export function containerBootstrap(settings?: Record<string, unknown>): Promise<Container>;
}

declare module '@nlpjs/lang-en-min' {
  export const LangEn: unknown;
  export class StemmerEn {
    stemWord(word: string): string;
  }
}

declare module '@nlpjs/nlp' {
  import type { Container } from '@nlpjs/core';

  export interface Classification {
    intent: string;
    score: number;
  }

  export interface ClassifyResult {
    intent: string;
    score: number;
    classifications: Classification[];
  }

  export class Nlp {
    constructor(settings: Record<string, unknown> & { container: Container });
    addLanguage(locale: string | string[]): void;
    addDocument(locale: string, utterance: string, intent: string): void;
    train(): Promise<unknown>;
    classify(locale: string, utterance: string): Promise<ClassifyResult>;
  }
}
