// Tokenising item attributes for the TF-IDF content model.

const STOPWORDS = new Set(
  (
    'a an and are as at be but by for from has have in into is it its of on or our so that the their this to ' +
    'was were will with you your we all any can more most not no only other out over up very just than too ' +
    'each every one two new'
  ).split(' '),
);

/** Lower-cased word tokens (letters and digits of any script), without stopwords and 1-letter words. */
export function words(text: string): string[] {
  const tokens =
    text
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? [];
  return tokens.filter((token) => token.length > 1 && !STOPWORDS.has(token));
}

export interface ItemText {
  title: string;
  tags: readonly string[];
  category: string;
  text: string;
}

/**
 * Term counts for one item. Tags and the category are whole-phrase terms in their own
 * namespace (so the tag "running" and the word "running" differ); title words count
 * twice, because a title says more about an item than its description does.
 */
export function itemTerms(item: ItemText): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (term: string, times: number) => counts.set(term, (counts.get(term) ?? 0) + times);
  for (const word of words(item.title)) add(word, 2);
  for (const word of words(item.text)) add(word, 1);
  for (const tag of item.tags) {
    const normalised = words(tag).join(' ');
    if (normalised) add(`tag:${normalised}`, 2);
  }
  const category = words(item.category).join(' ');
  if (category) add(`category:${category}`, 2);
  return counts;
}
