import { describe, expect, it } from 'vitest';
import { evaluate } from './evaluation.ts';
import { generateSynthetic } from './synthetic.ts';

describe("offline evaluation (hold out each user's last item)", () => {
  it('hybrid recall@10 is at least 3× popularity on a small seeded set', () => {
    const result = evaluate(generateSynthetic({ seed: 42, items: 500, users: 300 }), 10);
    expect(result.users).toBe(300);
    expect(result.recallRatio).toBeGreaterThanOrEqual(3);
    expect(result.hybrid.ndcg).toBeGreaterThan(result.popularity.ndcg * 3);
    expect(result.hybrid.recall).toBeGreaterThan(0.3);
  });
});
