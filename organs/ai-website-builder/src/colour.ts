/**
 * Colour contrast (WCAG 2 relative luminance), so that every text colour the renderer uses
 * reaches 4.5:1 against what it sits on, whatever colours a brief asked for.
 */

const HEX = /^#[0-9a-f]{6}$/;

function channels(hex: string): [number, number, number] {
  const value = Number.parseInt(hex.slice(1), 16);
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
}

function toHex([r, g, b]: [number, number, number]): string {
  return `#${[r, g, b].map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;
}

export function isHex(value: unknown): value is string {
  return typeof value === 'string' && HEX.test(value);
}

export function luminance(hex: string): number {
  const [r, g, b] = channels(hex).map((c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

/** `amount` (0–1) of the way from `from` to `to`. */
export function mix(from: string, to: string, amount: number): string {
  const a = channels(from);
  const b = channels(to);
  return toHex([0, 1, 2].map((i) => (a[i] as number) + ((b[i] as number) - (a[i] as number)) * amount) as never);
}

/** Black or white, whichever contrasts more with `background` (one of them always reaches 4.5:1). */
export function blackOrWhite(background: string): string {
  return contrast('#111111', background) >= contrast('#ffffff', background) ? '#111111' : '#ffffff';
}

/**
 * `colour`, or the nearest shade of it (towards black or white) that reaches `ratio`
 * against every one of `backgrounds`; black or white when no shade does.
 */
export function readableOn(colour: string, backgrounds: readonly string[], ratio = 4.5): string {
  const passes = (candidate: string) => backgrounds.every((bg) => contrast(candidate, bg) >= ratio);
  if (passes(colour)) return colour;
  const darkBackground = backgrounds.every((bg) => luminance(bg) < 0.18);
  const target = darkBackground ? '#ffffff' : '#000000';
  for (let step = 1; step <= 20; step++) {
    const candidate = mix(colour, target, step / 20);
    if (passes(candidate)) return candidate;
  }
  const fallback = blackOrWhite(backgrounds[0] ?? '#ffffff');
  return passes(fallback) ? fallback : target;
}
