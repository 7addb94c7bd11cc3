/**
 * The dialogue logic, free of HTTP and storage: classify the message, fill slots from the
 * message or the conversation's context, keep the topic for follow-ups ("and for CCPA?"),
 * fall back to FAQ retrieval, and reject what is out of scope.
 */
import { findService } from '@azora/catalog';
import { type Classification, type IntentClassifier, trainClassifier } from './classifier.ts';
import { FAQ, type FaqEntry } from './corpus/faq.ts';
import { FALLBACK_REPLY, INTENTS, type IntentDefinition, NONE_INTENT, type Slots } from './corpus/intents.ts';
import { type RegimeId, regimeById } from './corpus/regimes.ts';
import { entityNames, extractEntities, isFollowUp, normalize } from './entities.ts';
import { buildFaqIndex, type FaqHit, type FaqIndex, processTerm } from './faq-index.ts';

/** The intent reported when the answer comes from the FAQ rather than an intent. */
export const FAQ_INTENT = 'faq';
export const HANDOFF_INTENT = 'handoff.human';

/** What the assistant remembers between turns of one conversation. */
export interface ConversationContext {
  /** The last intent answered, for follow-ups that only name a new regime or service. */
  lastIntent?: string;
  regime?: RegimeId;
  service?: string;
}

export interface Source {
  id: string;
  question: string;
}

export interface AssistantReply {
  reply: string;
  intent: string;
  /** 0–1: the classifier's score for the intent, or the FAQ hit's coverage. */
  confidence: number;
  sources?: Source[];
  /** The user asked for a human. */
  handoffRequested: boolean;
  /** True when the answer keeps the previous question's intent with a new slot value. */
  followUp: boolean;
  /** Context to store for the next turn (fields to set). */
  context: ConversationContext;
}

export interface AssistantOptions {
  /** Least classifier score that counts as recognising an intent (default 0.5). */
  intentThreshold?: number;
  /** A None score at or above this rules out FAQ retrieval too (default 0.5). */
  noneThreshold?: number;
  /**
   * Least share of a message's content words that must belong to the assistant's domain
   * vocabulary (default 0.5). The neural classifier keys on words like "how do I" as much
   * as on topic words; this keeps "how do I bake bread" out of scope.
   */
  minDomainShare?: number;
  intents?: readonly IntentDefinition[];
  faq?: readonly FaqEntry[];
}

const MAX_SOURCES = 3;
const round = (value: number) => Math.round(value * 1000) / 1000;

export class Assistant {
  readonly classifier: IntentClassifier;
  private readonly faq: FaqIndex;
  private readonly intents: Map<string, IntentDefinition>;
  private readonly intentThreshold: number;
  private readonly noneThreshold: number;
  private readonly minDomainShare: number;
  private readonly vocabulary: Set<string>;

  private constructor(classifier: IntentClassifier, faq: FaqIndex, options: AssistantOptions) {
    this.classifier = classifier;
    this.faq = faq;
    const intents = options.intents ?? INTENTS;
    this.intents = new Map(intents.map((i) => [i.name, i]));
    this.intentThreshold = options.intentThreshold ?? 0.5;
    this.noneThreshold = options.noneThreshold ?? 0.5;
    this.minDomainShare = options.minDomainShare ?? 0.5;
    this.vocabulary = domainVocabulary(intents, options.faq ?? FAQ);
  }

  /** Share of the message's content words that the assistant's corpus uses (1 when it has none). */
  domainShare(text: string): number {
    const terms = contentTerms(text);
    if (terms.size === 0) return 1;
    let known = 0;
    for (const term of terms) if (this.vocabulary.has(term)) known++;
    return known / terms.size;
  }

  /** Trains the classifier and indexes the FAQ (tens of milliseconds). */
  static async create(options: AssistantOptions = {}): Promise<Assistant> {
    const classifier = await trainClassifier(options.intents ?? INTENTS);
    return new Assistant(classifier, buildFaqIndex(options.faq ?? FAQ), options);
  }

  async respond(text: string, context: ConversationContext = {}): Promise<AssistantReply> {
    const entities = extractEntities(text);
    const regime = entities.regimes[0]?.value;
    // "the GDPR service" names gdpr-compliance through its regime.
    const service = entities.services[0]?.value ?? (regime ? regimeById(regime)?.service : undefined);
    const ranked = await this.classifier.classify(text);
    const faqHits = this.faq.search(text);

    // A follow-up only names a new regime or service: keep the previous question.
    const previous = context.lastIntent ? this.intents.get(context.lastIntent) : undefined;
    if (previous?.slot) {
      const mentions = previous.slot === 'regime' ? entities.regimes : [...entities.services, ...entities.regimes];
      if (isFollowUp(text, mentions)) {
        return this.answer(previous, 1, { regime, service, context, faqHits, followUp: true });
      }
    }

    // A message that names a catalog service by its own name is about the platform, whatever
    // its phrasing: the best in-scope intent wins, scored within the in-scope intents.
    const namesService = entities.services.some((m) => m.words === normalize(m.value));
    const best = (namesService ? rescoreWithoutNone(ranked) : ranked)[0] ?? { intent: NONE_INTENT, score: 1 };
    const definition = this.intents.get(best.intent);
    const share = this.domainShare(text);
    // Mostly unknown words mean out of scope, unless the classifier is all but certain
    // ("gotta go, bye") and at least one word is known.
    const inDomain =
      namesService || share >= this.minDomainShare || (share > 0 && best.intent !== NONE_INTENT && best.score >= 0.95);
    if (!inDomain) return fallback(best.intent === NONE_INTENT ? best.score : 1 - best.score);
    if (best.intent !== NONE_INTENT && definition && best.score >= this.intentThreshold) {
      return this.answer(definition, best.score, { regime, service, context, faqHits, followUp: false });
    }

    const noneScore = ranked.find((c) => c.intent === NONE_INTENT)?.score ?? 0;
    const hit = faqHits[0];
    if (hit && noneScore < this.noneThreshold) {
      return {
        reply: hit.entry.answer,
        intent: FAQ_INTENT,
        confidence: round(hit.coverage),
        sources: faqHits.slice(0, MAX_SOURCES).map(toSource),
        handoffRequested: false,
        followUp: false,
        context: {},
      };
    }

    return fallback(best.intent === NONE_INTENT ? best.score : 1 - best.score);
  }

  private answer(
    definition: IntentDefinition,
    score: number,
    turn: {
      regime: RegimeId | undefined;
      service: string | undefined;
      context: ConversationContext;
      faqHits: FaqHit[];
      followUp: boolean;
    },
  ): AssistantReply {
    // A slot missing from the message comes from the conversation ("what port does it use?").
    const regimeId = turn.regime ?? turn.context.regime;
    const serviceName = turn.service ?? turn.context.service;
    const slots: Slots = {
      regime: regimeId ? regimeById(regimeId) : undefined,
      service: serviceName ? findService(serviceName) : undefined,
    };
    const sources = turn.faqHits
      .filter((hit) => hit.entry.intent === definition.name)
      .slice(0, MAX_SOURCES)
      .map(toSource);
    const context: ConversationContext = { lastIntent: definition.name };
    if (turn.regime) context.regime = turn.regime;
    if (turn.service) context.service = turn.service;
    return {
      reply: definition.answer(slots),
      intent: definition.name,
      confidence: round(score),
      ...(sources.length ? { sources } : {}),
      handoffRequested: definition.name === HANDOFF_INTENT,
      followUp: turn.followUp,
      context,
    };
  }
}

function rescoreWithoutNone(ranked: Classification[]): Classification[] {
  const inScope = ranked.filter((c) => c.intent !== NONE_INTENT);
  const total = inScope.reduce((sum, c) => sum + c.score, 0);
  return total > 0 ? inScope.map((c) => ({ intent: c.intent, score: c.score / total })) : ranked;
}

/** `confidence`: how sure the assistant is that the question is out of scope. */
function fallback(confidence: number): AssistantReply {
  return {
    reply: FALLBACK_REPLY,
    intent: NONE_INTENT,
    confidence: round(confidence),
    handoffRequested: false,
    followUp: false,
    context: {},
  };
}

function contentTerms(text: string): Set<string> {
  const terms = new Set<string>();
  for (const word of normalize(text).split(' ')) {
    const term = processTerm(word);
    if (term) terms.add(term);
  }
  return terms;
}

/**
 * Content words (stemmed) of the in-scope training utterances, the FAQ questions and
 * keywords, and the entity names.
 */
function domainVocabulary(intents: readonly IntentDefinition[], faq: readonly FaqEntry[]): Set<string> {
  const vocabulary = new Set<string>();
  const add = (text: string) => {
    for (const term of contentTerms(text)) vocabulary.add(term);
  };
  for (const intent of intents) if (intent.name !== NONE_INTENT) intent.utterances.forEach(add);
  for (const entry of faq) add(`${entry.question} ${entry.keywords ?? ''}`);
  entityNames().forEach(add);
  return vocabulary;
}

function toSource(hit: FaqHit): Source {
  return { id: hit.entry.id, question: hit.entry.question };
}
