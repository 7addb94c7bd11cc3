import { describe, expect, it } from 'vitest';
import { extractPalette, toHex } from './palette.ts';

const pixels = (...runs: [number, [number, number, number]][]) =>
  Uint8Array.from(runs.flatMap(([count, rgb]) => Array.from({ length: count }, () => rgb).flat()));

describe('extractPalette', () => {
  it('reports one colour for a solid image', () => {
    expect(extractPalette(pixels([100, [255, 0, 0]]))).toEqual([{ hex: '#ff0000', population: 1 }]);
  });

  it('orders colours by share of pixels', () => {
    const palette = extractPalette(pixels([25, [0, 0, 255]], [75, [255, 255, 255]]));
    expect(palette).toEqual([
      { hex: '#ffffff', population: 0.75 },
      { hex: '#0000ff', population: 0.25 },
    ]);
  });

  it('merges shades of one colour into one entry', () => {
    const palette = extractPalette(pixels([50, [200, 30, 30]], [50, [210, 40, 35]], [50, [20, 20, 20]]));
    expect(palette).toHaveLength(2);
    expect(palette[0]?.population).toBeCloseTo(2 / 3, 3);
    expect(palette[0]?.hex).toBe('#cd2321');
  });

  it('keeps at most maxColors, and nothing for no pixels', () => {
    const many = pixels(
      ...Array.from(
        { length: 10 },
        (_, i) => [10, [i * 25, 255 - i * 25, (i * 80) % 256]] as [number, [number, number, number]],
      ),
    );
    expect(extractPalette(many, 3)).toHaveLength(3);
    expect(extractPalette(new Uint8Array(0))).toEqual([]);
  });
});

describe('toHex', () => {
  it('rounds and clamps channels', () => {
    expect(toHex({ r: 0.4, g: 254.6, b: 300 })).toBe('#00ffff');
  });
});
