/**
 * FAQ retrieval with MiniSearch (BM25). A hit only counts when it shares enough of the
 * question's content words: scores alone are not comparable across queries.
 */
import { StemmerEn } from '@nlpjs/lang-en-min';
import MiniSearch from 'minisearch';
import type { FaqEntry } from './corpus/faq.ts';

const STOP_WORDS = new Set(
  (
    'a an and are as at be been but by can could do does did for from had has have how i if in into is it its me my ' +
    'no not of on or our should so than that the their them then there these they this to was we were what when where ' +
    'which who whom why will with would you your yours am any some about after before also just only too very there ' +
    'please tell know want need get give us much many one why'
  ).split(' '),
);

const stemmer = new StemmerEn();

/** Lower case, no stop words, stemmed (Porter) so "wallets" finds "wallet" and "minted" finds "mint". */
export function processTerm(term: string): string | null {
  const word = term.toLowerCase();
  if (STOP_WORDS.has(word) || word.length < 2) return null;
  return stemmer.stemWord(word);
}

export interface FaqHit {
  entry: FaqEntry;
  score: number;
  /** Share of the question's content words the entry contains (0–1). */
  coverage: number;
  matchedTerms: string[];
}

export interface FaqIndex {
  search(text: string): FaqHit[];
}

export interface FaqOptions {
  /** Least share of the question's content words an entry must contain (default 0.5). */
  minCoverage?: number;
  /** Least number of content words in common (default 2). */
  minMatchedTerms?: number;
}

export function buildFaqIndex(entries: readonly FaqEntry[], options: FaqOptions = {}): FaqIndex {
  const minCoverage = options.minCoverage ?? 0.5;
  const minMatchedTerms = options.minMatchedTerms ?? 2;
  const byId = new Map(entries.map((e) => [e.id, e]));
  const index = new MiniSearch<FaqEntry>({
    fields: ['question', 'answer', 'keywords'],
    processTerm,
    searchOptions: { boost: { question: 2, keywords: 1.5 }, combineWith: 'OR' },
  });
  index.addAll(entries.map((entry) => ({ ...entry, keywords: entry.keywords ?? '' })));

  return {
    search(text) {
      const queryTerms = new Set(
        MiniSearch.getDefault('tokenize')(text)
          .map((t: string) => processTerm(t))
          .filter((t: string | null): t is string => t !== null),
      );
      if (queryTerms.size === 0) return [];
      return index
        .search(text)
        .map((result) => {
          const matchedTerms = [...new Set(result.queryTerms)];
          return {
            entry: byId.get(String(result.id)) as FaqEntry,
            score: result.score,
            coverage: matchedTerms.length / queryTerms.size,
            matchedTerms,
          };
        })
        .filter(
          (hit) => hit.matchedTerms.length >= Math.min(minMatchedTerms, queryTerms.size) && hit.coverage >= minCoverage,
        );
    },
  };
}
