/**
 * Perceptual hash (the DCT "pHash" of imagehash and pHash.org): shrink to 32×32 grey,
 * take the 8×8 lowest frequencies of its 2-D DCT-II, and set one bit per coefficient
 * above their median. Re-encoding, rescaling and light edits move few bits; different
 * pictures differ in about half of the 64.
 */
export const HASH_INPUT_SIZE = 32;
const LOW = 8;

// cos((2x + 1)·u·π / 2N) for the 8 lowest frequencies u and all N positions x.
const COS = Array.from({ length: LOW }, (_, u) =>
  Float64Array.from({ length: HASH_INPUT_SIZE }, (_, x) =>
    Math.cos(((2 * x + 1) * u * Math.PI) / (2 * HASH_INPUT_SIZE)),
  ),
);

/** Hashes 32×32 grey pixels (row-major, one byte each) to 16 hex digits. */
export function phashFromGrey(pixels: Uint8Array): string {
  const n = HASH_INPUT_SIZE;
  if (pixels.length !== n * n) throw new Error(`phash needs ${n * n} grey pixels, got ${pixels.length}`);
  // Separable DCT, computing only the low frequencies: rows first, then columns.
  const rows = new Float64Array(n * LOW);
  for (let y = 0; y < n; y++) {
    for (let v = 0; v < LOW; v++) {
      const cos = COS[v] as Float64Array;
      let sum = 0;
      for (let x = 0; x < n; x++) sum += (pixels[y * n + x] as number) * (cos[x] as number);
      rows[y * LOW + v] = sum;
    }
  }
  const coefficients = new Float64Array(LOW * LOW);
  for (let u = 0; u < LOW; u++) {
    const cos = COS[u] as Float64Array;
    for (let v = 0; v < LOW; v++) {
      let sum = 0;
      for (let y = 0; y < n; y++) sum += (rows[y * LOW + v] as number) * (cos[y] as number);
      coefficients[u * LOW + v] = sum;
    }
  }
  const sorted = Float64Array.from(coefficients).sort();
  const median = ((sorted[31] as number) + (sorted[32] as number)) / 2;
  let hex = '';
  for (let nibble = 0; nibble < 16; nibble++) {
    let value = 0;
    for (let bit = 0; bit < 4; bit++)
      value = (value << 1) | ((coefficients[nibble * 4 + bit] as number) > median ? 1 : 0);
    hex += value.toString(16);
  }
  return hex;
}

/** Number of differing bits between two 16-hex-digit hashes (0 = same, 64 = opposite). */
export function hammingDistance(a: string, b: string): number {
  if (!/^[0-9a-f]{16}$/.test(a) || !/^[0-9a-f]{16}$/.test(b)) throw new Error('hashes must be 16 hex digits');
  let x = BigInt(`0x${a}`) ^ BigInt(`0x${b}`);
  let count = 0;
  while (x > 0n) {
    count += Number(x & 1n);
    x >>= 1n;
  }
  return count;
}
