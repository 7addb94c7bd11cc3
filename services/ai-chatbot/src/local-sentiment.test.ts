import { describe, expect, it } from 'vitest';
import { scoreLocally } from './local-sentiment.ts';

describe('scoreLocally', () => {
  it('scores strong negativity well below the hand-off threshold', () => {
    const scored = scoreLocally('this is terrible, I hate it, worst service ever');
    expect(scored).toMatchObject({ label: 'negative', source: 'local' });
    expect(scored.compound).toBeLessThanOrEqual(-0.6);
  });

  it('labels with the same ±0.05 thresholds as ai-sentiment', () => {
    expect(scoreLocally('what does ai-vision do?')).toEqual({ label: 'neutral', compound: 0, source: 'local' });
    expect(scoreLocally('thank you, that was great help')).toMatchObject({ label: 'positive', source: 'local' });
  });

  it('copes with empty, emoji-only and very long text', () => {
    expect(scoreLocally('')).toEqual({ label: 'neutral', compound: 0, source: 'local' });
    expect(scoreLocally('🎉🎉').source).toBe('local');
    const long = scoreLocally('I hate this. '.repeat(500));
    expect(long.compound).toBeGreaterThanOrEqual(-1);
    expect(long.compound).toBeLessThan(-0.6);
  });
});
