import { describe, expect, it } from 'vitest';
import { describeEmoji, lexiconSize, polarityScores, tokenize } from './vader.ts';

/**
 * Scores published in the VADER README for the reference implementation
 * (vaderSentiment 3.3.2); ours must reproduce them.
 */
const REFERENCE: [string, { neg: number; neu: number; pos: number; compound: number }][] = [
  ['VADER is smart, handsome, and funny.', { neg: 0, neu: 0.254, pos: 0.746, compound: 0.8316 }],
  ['VADER is smart, handsome, and funny!', { neg: 0, neu: 0.248, pos: 0.752, compound: 0.8439 }],
  ['VADER is very smart, handsome, and funny.', { neg: 0, neu: 0.299, pos: 0.701, compound: 0.8545 }],
  ['VADER is VERY SMART, handsome, and FUNNY.', { neg: 0, neu: 0.246, pos: 0.754, compound: 0.9227 }],
  ['VADER is VERY SMART, handsome, and FUNNY!!!', { neg: 0, neu: 0.233, pos: 0.767, compound: 0.9342 }],
  ['VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!', { neg: 0, neu: 0.294, pos: 0.706, compound: 0.9469 }],
  ['VADER is not smart, handsome, nor funny.', { neg: 0.646, neu: 0.354, pos: 0, compound: -0.7424 }],
  ['The book was good.', { neg: 0, neu: 0.508, pos: 0.492, compound: 0.4404 }],
  ["At least it isn't a horrible book.", { neg: 0, neu: 0.678, pos: 0.322, compound: 0.431 }],
  ['The book was only kind of good.', { neg: 0, neu: 0.697, pos: 0.303, compound: 0.3832 }],
  [
    'The plot was good, but the characters are uncompelling and the dialog is not great.',
    { neg: 0.327, neu: 0.579, pos: 0.094, compound: -0.7042 },
  ],
  ['Today SUX!', { neg: 0.779, neu: 0.221, pos: 0, compound: -0.5461 }],
  ["Today only kinda sux! But I'll get by, lol", { neg: 0.127, neu: 0.556, pos: 0.317, compound: 0.5249 }],
  ['Make sure you :) or :D today!', { neg: 0, neu: 0.294, pos: 0.706, compound: 0.8633 }],
  ['Not bad at all', { neg: 0, neu: 0.513, pos: 0.487, compound: 0.431 }],
];

describe('VADER', () => {
  it('loads the full lexicon from the package data', () => {
    expect(lexiconSize).toBeGreaterThan(7000);
  });

  it.each(REFERENCE)('reproduces the reference scores for %j', (text, expected) => {
    expect(polarityScores(text)).toEqual(expected);
  });

  it('scores an empty or sentiment-free text as all zeros / neutral', () => {
    expect(polarityScores('')).toEqual({ neg: 0, neu: 0, pos: 0, compound: 0 });
    expect(polarityScores('The meeting is on Tuesday at noon.')).toEqual({ neg: 0, neu: 1, pos: 0, compound: 0 });
  });

  it('reads emoji through their Unicode names', () => {
    expect(describeEmoji('great 😁!')).toBe('great beaming face with smiling eyes!');
    expect(describeEmoji('ok👍🏽')).toBe('ok thumbs up');
    expect(describeEmoji('❤')).toBe('red heart');
    expect(polarityScores('😡').compound).toBeLessThan(-0.05);
    expect(polarityScores('😂').compound).toBeGreaterThan(0.05);
    expect(polarityScores('Catch utf-8 emoji such as 💘 and 💋 and 😁').compound).toBeGreaterThan(0.5);
  });

  it('keeps emoticons whole and strips punctuation around words', () => {
    expect(tokenize('Great, thanks!! :) ;-)')).toEqual(['Great', 'thanks', ':)', ';-)']);
  });

  it('ignores the words of neutral phrases only when asked', () => {
    const text = 'The support team answered.';
    expect(polarityScores(text).compound).toBeGreaterThan(0.05);
    expect(polarityScores(text, { neutralPhrases: [['support', 'team']] }).compound).toBe(0);
  });
});
