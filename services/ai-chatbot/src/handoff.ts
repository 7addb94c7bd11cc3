/**
 * When a conversation goes to a human: the user asked for one, or the message is strongly
 * negative. A plain policy, free of HTTP and storage. A score from the local fallback counts
 * like one from ai-sentiment, so the safety net holds while ai-sentiment is down.
 */
import { type AssistantReply, HANDOFF_INTENT } from './assistant.ts';
import { NEGATIVE_HANDOFF_REPLY, NONE_INTENT } from './corpus/intents.ts';
import type { MessageSentiment } from './local-sentiment.ts';

export type HandoffReason = 'negative_sentiment' | 'requested';

export interface HandoffDecision {
  /** Why the conversation goes to a human; undefined when it does not. */
  reason: HandoffReason | undefined;
  /** The reply to send: the assistant's, or the hand-off notice (with the answer, when there was one). */
  reply: string;
}

/** `threshold`: a compound score at or below it hands the conversation over (e.g. −0.6). */
export function decideHandoff(
  answer: Pick<AssistantReply, 'reply' | 'intent' | 'handoffRequested'>,
  sentiment: Pick<MessageSentiment, 'compound'>,
  threshold: number,
): HandoffDecision {
  if (answer.handoffRequested) return { reason: 'requested', reply: answer.reply };
  if (sentiment.compound > threshold) return { reason: undefined, reply: answer.reply };
  const answered = answer.intent !== NONE_INTENT && answer.intent !== HANDOFF_INTENT;
  return {
    reason: 'negative_sentiment',
    reply: answered ? `${NEGATIVE_HANDOFF_REPLY} Meanwhile: ${answer.reply}` : NEGATIVE_HANDOFF_REPLY,
  };
}
