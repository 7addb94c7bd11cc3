import { describe, expect, it } from 'vitest';
import { analyze, labelFor, splitSentences } from './sentiment.ts';

describe('analyze', () => {
  it('labels the support complaint negative', () => {
    const result = analyze('The support team was not helpful at all.');
    expect(result.label).toBe('negative');
    expect(result.compound).toBeLessThan(-0.3);
  });

  it('handles negation', () => {
    expect(analyze('The dashboard is good.').label).toBe('positive');
    expect(analyze('The dashboard is not good.').label).toBe('negative');
    expect(analyze("The dashboard isn't good.").label).toBe('negative');
    expect(analyze('The update was never this good.').label).toBe('positive');
  });

  it('handles intensifiers, dampeners, capitals and exclamation marks', () => {
    const plain = analyze('The new console is good.').compound;
    expect(analyze('The new console is extremely good.').compound).toBeGreaterThan(plain);
    expect(analyze('The new console is slightly good.').compound).toBeLessThan(plain);
    expect(analyze('The new console is GOOD.').compound).toBeGreaterThan(plain);
    expect(analyze('The new console is good!!!').compound).toBeGreaterThan(plain);
  });

  it('reads emoji', () => {
    expect(analyze('Deploy finished 🎉😀').label).toBe('positive');
    expect(analyze('Deploy failed again 😡').label).toBe('negative');
  });

  it('weights what follows "but" in mixed texts', () => {
    expect(analyze('The setup was painful, but the results are excellent.').label).toBe('positive');
    expect(analyze('The results are excellent, but the setup was painful and slow.').label).toBe('negative');
  });

  it('gives a per-sentence breakdown in order', () => {
    const result = analyze('I love the new dashboard. The export is broken! Is it fixed yet?');
    expect(result.sentences.map((s) => [s.text, s.label])).toEqual([
      ['I love the new dashboard.', 'positive'],
      ['The export is broken!', 'negative'],
      ['Is it fixed yet?', 'neutral'],
    ]);
    for (const sentence of result.sentences) {
      expect(sentence.pos + sentence.neu + sentence.neg).toBeCloseTo(1, 2);
    }
  });

  it('treats text with no sentiment words, numbers and other languages as neutral', () => {
    expect(analyze('Invoice 2291 ships on 4 March.').label).toBe('neutral');
    expect(analyze('日本語のテキスト').label).toBe('neutral');
  });
});

describe('labelFor', () => {
  it('uses the ±0.05 thresholds inclusively', () => {
    expect(labelFor(0.05)).toBe('positive');
    expect(labelFor(0.0499)).toBe('neutral');
    expect(labelFor(-0.05)).toBe('negative');
    expect(labelFor(-0.0499)).toBe('neutral');
  });
});

describe('splitSentences', () => {
  it('splits on sentence ends, keeps decimals and trims', () => {
    expect(splitSentences('  Version 2.5 is out. Try it!  ')).toEqual(['Version 2.5 is out.', 'Try it!']);
    expect(splitSentences('')).toEqual([]);
  });
});
