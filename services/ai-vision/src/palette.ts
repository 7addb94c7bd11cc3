/**
 * Palette and dominant colour from a small RGB thumbnail: count pixels in a 16-level-per-
 * channel histogram, then greedily merge bins, most populous first, into the nearest
 * cluster within MERGE_DISTANCE (Euclidean RGB), so one colour that spans a few bins is
 * reported once. Populations are shares of all pixels (0–1).
 */
export interface PaletteColor {
  hex: string;
  population: number;
}

const BITS = 4;
const MERGE_DISTANCE = 48;

interface Cluster {
  r: number;
  g: number;
  b: number;
  count: number;
}

export function extractPalette(rgb: Uint8Array, maxColors = 6): PaletteColor[] {
  const pixels = Math.floor(rgb.length / 3);
  if (pixels === 0) return [];
  const shift = 8 - BITS;
  const bins = new Map<number, Cluster>();
  for (let i = 0; i < pixels * 3; i += 3) {
    const r = rgb[i] as number;
    const g = rgb[i + 1] as number;
    const b = rgb[i + 2] as number;
    const key = ((r >> shift) << (2 * BITS)) | ((g >> shift) << BITS) | (b >> shift);
    const bin = bins.get(key);
    if (bin) {
      bin.r += r;
      bin.g += g;
      bin.b += b;
      bin.count++;
    } else bins.set(key, { r, g, b, count: 1 });
  }

  const clusters: Cluster[] = [];
  for (const bin of [...bins.values()].sort((x, y) => y.count - x.count)) {
    const mean = { r: bin.r / bin.count, g: bin.g / bin.count, b: bin.b / bin.count };
    const near = clusters.find((c) => distance(c, mean) <= MERGE_DISTANCE);
    if (near) {
      // Running weighted mean of the cluster's colour.
      const total = near.count + bin.count;
      near.r = (near.r * near.count + bin.r) / total;
      near.g = (near.g * near.count + bin.g) / total;
      near.b = (near.b * near.count + bin.b) / total;
      near.count = total;
    } else clusters.push({ ...mean, count: bin.count });
  }

  return clusters
    .sort((x, y) => y.count - x.count)
    .slice(0, maxColors)
    .map((c) => ({ hex: toHex(c), population: Math.round((c.count / pixels) * 10_000) / 10_000 }));
}

function distance(a: { r: number; g: number; b: number }, b: { r: number; g: number; b: number }): number {
  return Math.hypot(a.r - b.r, a.g - b.g, a.b - b.b);
}

export function toHex(color: { r: number; g: number; b: number }): string {
  const channel = (value: number) =>
    Math.max(0, Math.min(255, Math.round(value)))
      .toString(16)
      .padStart(2, '0');
  return `#${channel(color.r)}${channel(color.g)}${channel(color.b)}`;
}
