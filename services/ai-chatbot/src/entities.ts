/**
 * Finds the regimes and catalog services a message mentions, by whole-word aliases.
 * These fill the slots of intents such as "deadline for <regime>" or "what does <service> do".
 */
import { SERVICES } from '@azora/catalog';
import { REGIMES, type RegimeId } from './corpus/regimes.ts';

/** Extra names people use for services, beyond the catalog name itself. */
const SERVICE_ALIASES: Record<string, readonly string[]> = {
  'main-app': ['main app', 'console', 'web console', 'gateway', 'api gateway', 'status board'],
  'ai-personalization': ['personalization', 'personalisation', 'recommendations', 'recommendation', 'recommender'],
  'ai-sentiment': ['sentiment', 'sentiment analysis', 'vader'],
  'ai-chatbot': ['chatbot', 'chat bot', 'assistant'],
  'ai-vision': ['vision', 'image analysis', 'object detection', 'face detection'],
  'azora-mint': ['mint', 'token ledger', 'ledger'],
  'ai-website-builder': ['website builder', 'site builder', 'web builder'],
  'compliance-dashboard': ['compliance dashboard', 'dashboard'],
  'automated-reporting': ['automated reporting', 'reporting', 'compliance reports'],
  'quantum-iot-integration': ['quantum iot', 'iot', 'device registry', 'telemetry'],
  'tracing-recovery': ['tracing', 'recovery', 'traces', 'self healing'],
  'snapshot-scheduler': ['snapshot scheduler', 'snapshots', 'snapshot', 'backups', 'backup'],
  'zero-rating': ['zero rating', 'zero rated'],
  '5g-manager': ['5g manager', '5g', 'network slices', 'network slicing'],
};

/** Lower case, with everything but letters and digits turned into single spaces. */
export function normalize(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

interface Alias<T> {
  value: T;
  words: string;
}

function aliasList<T>(entries: [T, readonly string[]][]): Alias<T>[] {
  const list = entries.flatMap(([value, names]) => names.map((name) => ({ value, words: normalize(name) })));
  // Longest first, so "south africa" wins over a shorter alias inside it.
  return list.sort((a, b) => b.words.length - a.words.length);
}

const regimeAliases = aliasList(REGIMES.map((r) => [r.id, r.aliases]));
const serviceAliases = aliasList(SERVICES.map((s) => [s.name, [s.name, ...(SERVICE_ALIASES[s.name] ?? [])]]));

/** Every regime and service name the extractor knows. */
export function entityNames(): string[] {
  return [...regimeAliases, ...serviceAliases].map((alias) => alias.words);
}

export interface Mention<T> {
  value: T;
  /** Position in the normalized text, for ordering. */
  index: number;
  /** The normalized words that matched. */
  words: string;
}

function findMentions<T>(normalized: string, aliases: Alias<T>[]): Mention<T>[] {
  const padded = ` ${normalized} `;
  const taken: [number, number][] = [];
  const found: Mention<T>[] = [];
  for (const alias of aliases) {
    let from = 0;
    for (;;) {
      const at = padded.indexOf(` ${alias.words} `, from);
      if (at < 0) break;
      from = at + 1;
      const span: [number, number] = [at, at + alias.words.length + 1];
      if (taken.some(([s, e]) => span[0] < e && s < span[1])) continue;
      taken.push(span);
      found.push({ value: alias.value, index: at, words: alias.words });
    }
  }
  return found.sort((a, b) => a.index - b.index);
}

export interface Entities {
  regimes: Mention<RegimeId>[];
  services: Mention<string>[];
}

export function extractEntities(text: string): Entities {
  const normalized = normalize(text);
  return { regimes: findMentions(normalized, regimeAliases), services: findMentions(normalized, serviceAliases) };
}

/** Words that carry no meaning of their own in a follow-up such as "and what about CCPA?". */
const FOLLOW_UP_WORDS = new Set(
  (
    'a about also and any as case do does for how i if in is it of ok okay one please re regarding same so that the ' +
    'then there this too under what whats with vs versus law regime service now how about case'
  ).split(' '),
);

/**
 * True when the message is only entity mentions plus filler words ("and for CCPA?",
 * "what about the vision service"): a follow-up that keeps the previous question.
 */
export function isFollowUp(text: string, mentions: readonly Mention<unknown>[]): boolean {
  if (mentions.length === 0) return false;
  let rest = ` ${normalize(text)} `;
  for (const mention of mentions) rest = rest.replace(` ${mention.words} `, ' ');
  return rest
    .trim()
    .split(' ')
    .filter(Boolean)
    .every((word) => FOLLOW_UP_WORDS.has(word));
}
