/**
 * VADER sentiment analysis (Hutto & Gilbert, ICWSM 2014), following the reference
 * Python implementation vaderSentiment 3.3.2: the lexicon, boosters, negation, ALL-CAPS
 * emphasis, "but" shifts, "least", special idioms, punctuation emphasis, and emoji read
 * as their Unicode names. The lexicon and emoji names are data files shipped inside npm
 * packages (`vader-sentiment`, `unicode-emoji-json`).
 *
 * Two deliberate differences from the Python code: the "but" rule weights sentiments by
 * their position (Python looks positions up by value, which misplaces repeated values),
 * and callers may mark tokens as neutral (see `neutralPhrases`).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export interface VaderScores {
  neg: number;
  neu: number;
  pos: number;
  compound: number;
}

const B_INCR = 0.293;
const B_DECR = -0.293;
const C_INCR = 0.733;
const N_SCALAR = -0.74;

// biome-ignore format: a word list reads better packed
const NEGATE = new Set([
  'aint', 'arent', 'cannot', 'cant', 'couldnt', 'darent', 'didnt', 'doesnt', "ain't", "aren't", "can't",
  "couldn't", "daren't", "didn't", "doesn't", 'dont', 'hadnt', 'hasnt', 'havent', 'isnt', 'mightnt', 'mustnt',
  'neither', "don't", "hadn't", "hasn't", "haven't", "isn't", "mightn't", "mustn't", 'neednt', "needn't", 'never',
  'none', 'nope', 'nor', 'not', 'nothing', 'nowhere', 'oughtnt', 'shant', 'shouldnt', 'uhuh', 'wasnt', 'werent',
  "oughtn't", "shan't", "shouldn't", 'uh-uh', "wasn't", "weren't", 'without', 'wont', 'wouldnt', "won't",
  "wouldn't", 'rarely', 'seldom', 'despite',
]);

// biome-ignore format: word lists read better packed
const BOOSTERS: Record<string, number> = Object.fromEntries([
  ...[
    'absolutely', 'amazingly', 'awfully', 'completely', 'considerable', 'considerably', 'decidedly', 'deeply',
    'effing', 'enormous', 'enormously', 'entirely', 'especially', 'exceptional', 'exceptionally', 'extreme',
    'extremely', 'fabulously', 'flipping', 'flippin', 'frackin', 'fracking', 'fricking', 'frickin', 'frigging',
    'friggin', 'fully', 'fuckin', 'fucking', 'fuggin', 'fugging', 'greatly', 'hella', 'highly', 'hugely',
    'incredible', 'incredibly', 'intensely', 'major', 'majorly', 'more', 'most', 'particularly', 'purely', 'quite',
    'really', 'remarkably', 'so', 'substantially', 'thoroughly', 'total', 'totally', 'tremendous', 'tremendously',
    'uber', 'unbelievably', 'unusually', 'utter', 'utterly', 'very',
  ].map((word) => [word, B_INCR]),
  ...[
    'almost', 'barely', 'hardly', 'just enough', 'kind of', 'kinda', 'kindof', 'kind-of', 'less', 'little',
    'marginal', 'marginally', 'occasional', 'occasionally', 'partly', 'scarce', 'scarcely', 'slight', 'slightly',
    'somewhat', 'sort of', 'sorta', 'sortof', 'sort-of',
  ].map((word) => [word, B_DECR]),
]);

const SPECIAL_CASES: Record<string, number> = {
  'the shit': 3,
  'the bomb': 3,
  'bad ass': 1.5,
  badass: 1.5,
  'bus stop': 0,
  'yeah right': -2,
  'kiss of death': -1.5,
  'to die for': 3,
  'beating heart': 3.1,
  'broken heart': -2.9,
};

const require = createRequire(import.meta.url);

function loadLexicon(): Map<string, number> {
  const text = readFileSync(require.resolve('vader-sentiment/vader_lexicon.txt'), 'utf8');
  const lexicon = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [word, mean] = line.split('\t');
    if (word && mean) lexicon.set(word, Number(mean));
  }
  return lexicon;
}

function loadEmojiNames(): Map<string, string> {
  const data = require('unicode-emoji-json/data-by-emoji.json') as Record<string, { name: string }>;
  return new Map(Object.entries(data).map(([emoji, info]) => [emoji, info.name]));
}

const LEXICON = loadLexicon();
const EMOJI_NAMES = loadEmojiNames();
const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });
const PUNCTUATION = `!"#$%&'()*+,-./:;<=>?@[\\]^_\`{|}~`;

export const lexiconSize = LEXICON.size;

function emojiName(grapheme: string): string | undefined {
  // Names are keyed by the fully qualified emoji; plain text variants and skin tones fall back.
  return (
    EMOJI_NAMES.get(grapheme) ??
    EMOJI_NAMES.get(grapheme.replace(/\uFE0F/g, '')) ??
    EMOJI_NAMES.get(`${grapheme}\uFE0F`) ??
    EMOJI_NAMES.get(grapheme.replace(/[\u{1F3FB}-\u{1F3FF}]/gu, ''))
  );
}

/** Replaces each emoji with its Unicode name ("😁" → "beaming face with smiling eyes"). */
export function describeEmoji(text: string): string {
  let out = '';
  let previousWasSpace = true;
  for (const { segment } of graphemes.segment(text)) {
    const name = /\p{Extended_Pictographic}/u.test(segment) ? emojiName(segment) : undefined;
    if (name) {
      if (!previousWasSpace) out += ' ';
      out += name;
      previousWasSpace = false;
    } else {
      out += segment;
      previousWasSpace = segment === ' ';
    }
  }
  return out.trim();
}

/** Python's str.isupper(): at least one cased character, and every cased one upper case. */
function isUpper(word: string): boolean {
  return word !== word.toLowerCase() && word === word.toUpperCase();
}

function stripPunctuation(token: string): string {
  let start = 0;
  let end = token.length;
  while (start < end && PUNCTUATION.includes(token.charAt(start))) start++;
  while (end > start && PUNCTUATION.includes(token.charAt(end - 1))) end--;
  const stripped = token.slice(start, end);
  // Short tokens like ":)" or ":D" are emoticons, kept whole.
  return stripped.length <= 2 ? token : stripped;
}

export function tokenize(text: string): string[] {
  return text.split(/\s+/).filter(Boolean).map(stripPunctuation);
}

function negated(word: string): boolean {
  return NEGATE.has(word) || word.includes("n't");
}

function normalize(score: number, alpha = 15): number {
  const norm = score / Math.sqrt(score * score + alpha);
  return Math.max(-1, Math.min(1, norm));
}

function scalarIncDec(word: string, valence: number, isCapDiff: boolean): number {
  const booster = BOOSTERS[word.toLowerCase()];
  if (booster === undefined) return 0;
  let scalar = valence < 0 ? -booster : booster;
  if (isUpper(word) && isCapDiff) scalar += valence > 0 ? C_INCR : -C_INCR;
  return scalar;
}

function negationCheck(valence: number, lower: string[], startI: number, i: number): number {
  const at = (k: number) => lower[i - k] ?? '';
  if (startI === 0) return negated(at(1)) ? valence * N_SCALAR : valence;
  if (startI === 1) {
    if (at(2) === 'never' && (at(1) === 'so' || at(1) === 'this')) return valence * 1.25;
    if (at(2) === 'without' && at(1) === 'doubt') return valence;
    return negated(at(2)) ? valence * N_SCALAR : valence;
  }
  // As in the reference implementation: "so"/"this" just before the word also amplifies.
  if ((at(3) === 'never' && (at(2) === 'so' || at(2) === 'this')) || at(1) === 'so' || at(1) === 'this') {
    return valence * 1.25;
  }
  if (at(3) === 'without' && (at(2) === 'doubt' || at(1) === 'doubt')) return valence;
  return negated(at(3)) ? valence * N_SCALAR : valence;
}

function specialIdiomsCheck(valence: number, lower: string[], i: number): number {
  const w = (k: number) => lower[i + k] ?? '';
  const before = [
    `${w(-1)} ${w(0)}`,
    `${w(-2)} ${w(-1)} ${w(0)}`,
    `${w(-2)} ${w(-1)}`,
    `${w(-3)} ${w(-2)} ${w(-1)}`,
    `${w(-3)} ${w(-2)}`,
  ];
  let result = valence;
  const idiom = before.find((sequence) => sequence in SPECIAL_CASES);
  if (idiom) result = SPECIAL_CASES[idiom] as number;
  if (lower.length - 1 > i && `${w(0)} ${w(1)}` in SPECIAL_CASES) result = SPECIAL_CASES[`${w(0)} ${w(1)}`] as number;
  if (lower.length - 1 > i + 1 && `${w(0)} ${w(1)} ${w(2)}` in SPECIAL_CASES) {
    result = SPECIAL_CASES[`${w(0)} ${w(1)} ${w(2)}`] as number;
  }
  for (const nGram of [`${w(-3)} ${w(-2)} ${w(-1)}`, `${w(-3)} ${w(-2)}`, `${w(-2)} ${w(-1)}`]) {
    const booster = BOOSTERS[nGram];
    if (booster !== undefined) result += booster;
  }
  return result;
}

function leastCheck(valence: number, lower: string[], i: number): number {
  if (lower[i - 1] !== 'least' || LEXICON.has('least')) return valence;
  if (i > 1) return lower[i - 2] !== 'at' && lower[i - 2] !== 'very' ? valence * N_SCALAR : valence;
  return i > 0 ? valence * N_SCALAR : valence;
}

function wordValence(words: string[], lower: string[], i: number, isCapDiff: boolean): number {
  const item = words[i] as string;
  const base = LEXICON.get(lower[i] as string);
  if (base === undefined) return 0;
  let valence = base;
  // "no" before another sentiment word negates it rather than counting on its own.
  if (lower[i] === 'no' && i !== words.length - 1 && LEXICON.has(lower[i + 1] as string)) valence = 0;
  if (
    lower[i - 1] === 'no' ||
    lower[i - 2] === 'no' ||
    (lower[i - 3] === 'no' && (lower[i - 1] === 'or' || lower[i - 1] === 'nor'))
  ) {
    valence = base * N_SCALAR;
  }
  if (isUpper(item) && isCapDiff) valence += valence > 0 ? C_INCR : -C_INCR;

  for (let startI = 0; startI < 3; startI++) {
    const previous = i - (startI + 1);
    if (previous < 0 || LEXICON.has(lower[previous] as string)) continue;
    let scalar = scalarIncDec(words[previous] as string, valence, isCapDiff);
    if (startI === 1) scalar *= 0.95;
    if (startI === 2) scalar *= 0.9;
    valence = negationCheck(valence + scalar, lower, startI, i);
    if (startI === 2) valence = specialIdiomsCheck(valence, lower, i);
  }
  return leastCheck(valence, lower, i);
}

function punctuationEmphasis(text: string): number {
  const exclamations = Math.min((text.match(/!/g) ?? []).length, 4) * 0.292;
  const questions = (text.match(/\?/g) ?? []).length;
  const questionEmphasis = questions > 1 ? (questions <= 3 ? questions * 0.18 : 0.96) : 0;
  return exclamations + questionEmphasis;
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function scoreValence(sentiments: number[], text: string): VaderScores {
  if (sentiments.length === 0) return { neg: 0, neu: 0, pos: 0, compound: 0 };
  const emphasis = punctuationEmphasis(text);
  let sum = sentiments.reduce((a, b) => a + b, 0);
  if (sum > 0) sum += emphasis;
  else if (sum < 0) sum -= emphasis;
  let posSum = 0;
  let negSum = 0;
  let neutral = 0;
  // ±1 compensates for neutral words being counted as 1 each.
  for (const s of sentiments) {
    if (s > 0) posSum += s + 1;
    else if (s < 0) negSum += s - 1;
    else neutral += 1;
  }
  if (posSum > Math.abs(negSum)) posSum += emphasis;
  else if (posSum < Math.abs(negSum)) negSum -= emphasis;
  const total = posSum + Math.abs(negSum) + neutral;
  return {
    neg: round(Math.abs(negSum / total), 3),
    neu: round(Math.abs(neutral / total), 3),
    pos: round(Math.abs(posSum / total), 3),
    compound: round(normalize(sum), 4),
  };
}

/** Indexes of tokens that form one of the phrases (each a list of lower-case words). */
function phraseIndexes(lower: string[], phrases: readonly (readonly string[])[]): Set<number> {
  const indexes = new Set<number>();
  for (const phrase of phrases) {
    for (let i = 0; i + phrase.length <= lower.length; i++) {
      if (phrase.every((word, k) => lower[i + k] === word)) for (let k = 0; k < phrase.length; k++) indexes.add(i + k);
    }
  }
  return indexes;
}

export interface VaderOptions {
  /** Phrases whose words carry no sentiment here, e.g. ["support", "team"]. */
  neutralPhrases?: readonly (readonly string[])[];
}

export function polarityScores(input: string, options: VaderOptions = {}): VaderScores {
  const text = describeEmoji(input);
  const words = tokenize(text);
  const lower = words.map((w) => w.toLowerCase());
  const allCaps = words.filter(isUpper).length;
  const isCapDiff = allCaps > 0 && allCaps < words.length;
  const neutral = phraseIndexes(lower, options.neutralPhrases ?? []);

  const sentiments = words.map((_, i) => {
    const word = lower[i] as string;
    if (neutral.has(i) || word in BOOSTERS || (word === 'kind' && lower[i + 1] === 'of')) return 0;
    return wordValence(words, lower, i, isCapDiff);
  });

  // "but" shifts the weight of a sentence to what follows it.
  const butIndex = lower.indexOf('but');
  if (butIndex >= 0) {
    for (let i = 0; i < sentiments.length; i++) {
      if (i < butIndex) sentiments[i] = (sentiments[i] as number) * 0.5;
      else if (i > butIndex) sentiments[i] = (sentiments[i] as number) * 1.5;
    }
  }
  return scoreValence(sentiments, text);
}
