import { describe, expect, it } from 'vitest';
import { hammingDistance, phashFromGrey } from './phash.ts';

const grey = (f: (x: number, y: number) => number) =>
  Uint8Array.from({ length: 32 * 32 }, (_, i) => Math.max(0, Math.min(255, Math.round(f(i % 32, Math.floor(i / 32))))));

describe('phashFromGrey', () => {
  it('gives 16 hex digits, stable for the same pixels', () => {
    const gradient = grey((x, y) => x * 4 + y * 3);
    expect(phashFromGrey(gradient)).toMatch(/^[0-9a-f]{16}$/);
    expect(phashFromGrey(gradient)).toBe(phashFromGrey(Uint8Array.from(gradient)));
  });

  it('barely moves under brightness, contrast and noise changes', () => {
    // A bright disc on a diagonal gradient: structure in many low frequencies, as in photos.
    const scene = (x: number, y: number) => (Math.hypot(x - 12, y - 18) < 9 ? 150 : 30) + (x + y) * 1.5;
    const base = phashFromGrey(grey(scene));
    expect(hammingDistance(base, phashFromGrey(grey((x, y) => 0.8 * scene(x, y) + 20)))).toBeLessThanOrEqual(2);
    const noisy = grey((x, y) => scene(x, y) + ((x * 7 + y * 13) % 9) - 4);
    expect(hammingDistance(base, phashFromGrey(noisy))).toBeLessThanOrEqual(8);
  });

  it('differs in many bits for a different picture', () => {
    const a = grey((x) => (x < 16 ? 20 : 230));
    const b = grey((_, y) => (y < 16 ? 20 : 230));
    expect(hammingDistance(phashFromGrey(a), phashFromGrey(b))).toBeGreaterThan(16);
  });

  it('refuses a buffer of the wrong size', () => {
    expect(() => phashFromGrey(new Uint8Array(10))).toThrow(/1024 grey pixels/);
  });
});

describe('hammingDistance', () => {
  it('counts differing bits', () => {
    expect(hammingDistance('0000000000000000', '0000000000000000')).toBe(0);
    expect(hammingDistance('0000000000000000', 'ffffffffffffffff')).toBe(64);
    expect(hammingDistance('8000000000000001', '0000000000000000')).toBe(2);
  });

  it('rejects malformed hashes', () => {
    expect(() => hammingDistance('xyz', '0000000000000000')).toThrow(/16 hex digits/);
  });
});
