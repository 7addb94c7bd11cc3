import { describe, expect, it } from 'vitest';
import { HANDOFF_INTENT } from './assistant.ts';
import { NEGATIVE_HANDOFF_REPLY, NONE_INTENT } from './corpus/intents.ts';
import { decideHandoff } from './handoff.ts';

const THRESHOLD = -0.6;
const answer = (intent: string, handoffRequested = false) => ({
  intent,
  reply: `answer for ${intent}`,
  handoffRequested,
});
const mood = (compound: number, source: 'ai-sentiment' | 'local' = 'ai-sentiment') => ({
  label: compound < 0 ? 'negative' : 'neutral',
  compound,
  source,
});

describe('decideHandoff', () => {
  it('keeps the answer when the user is calm', () => {
    expect(decideHandoff(answer('service.describe'), mood(0), THRESHOLD)).toEqual({
      reason: undefined,
      reply: 'answer for service.describe',
    });
    expect(decideHandoff(answer('service.describe'), mood(-0.59), THRESHOLD).reason).toBeUndefined();
  });

  it('hands over when the user asks for a person, whatever the mood', () => {
    expect(decideHandoff(answer(HANDOFF_INTENT, true), mood(0), THRESHOLD)).toEqual({
      reason: 'requested',
      reply: `answer for ${HANDOFF_INTENT}`,
    });
    expect(decideHandoff(answer(HANDOFF_INTENT, true), mood(-0.9), THRESHOLD).reason).toBe('requested');
  });

  it('hands over at or below the threshold, and still answers an answered question', () => {
    expect(decideHandoff(answer('wallet.transfer'), mood(-0.6), THRESHOLD)).toEqual({
      reason: 'negative_sentiment',
      reply: `${NEGATIVE_HANDOFF_REPLY} Meanwhile: answer for wallet.transfer`,
    });
  });

  it('replies with the hand-off alone when there was no answer to give', () => {
    expect(decideHandoff(answer(NONE_INTENT), mood(-0.9), THRESHOLD)).toEqual({
      reason: 'negative_sentiment',
      reply: NEGATIVE_HANDOFF_REPLY,
    });
  });

  it('treats a locally scored mood like one from ai-sentiment', () => {
    expect(decideHandoff(answer(NONE_INTENT), mood(-0.9, 'local'), THRESHOLD)).toEqual(
      decideHandoff(answer(NONE_INTENT), mood(-0.9), THRESHOLD),
    );
  });

  it('follows the configured threshold', () => {
    expect(decideHandoff(answer(NONE_INTENT), mood(-0.5), -0.4).reason).toBe('negative_sentiment');
    expect(decideHandoff(answer(NONE_INTENT), mood(-0.5), -0.6).reason).toBeUndefined();
  });
});
