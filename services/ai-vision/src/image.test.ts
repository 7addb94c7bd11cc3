import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  halves,
  pngDeclaring,
  reencoded,
  rotatedJpeg,
  shapesPng,
  solid,
  stripesPng,
  truncated,
} from './fixtures/images.ts';
import { ANALYSIS_MAX_SIDE, decodeImage, describeImage, phashOf } from './image.ts';
import { hammingDistance } from './phash.ts';

const limits = { maxPixels: 50_000_000 };
const analyse = async (file: Buffer) => {
  const image = await decodeImage(file, limits);
  return { image, features: await describeImage(image) };
};

describe('decodeImage and describeImage', () => {
  it('describes a rendered PNG: size, orientation, palette, hashes', async () => {
    const { image, features } = await analyse(await shapesPng());
    expect(image).toMatchObject({ format: 'png', width: 480, height: 320, rgbWidth: 480, rgbHeight: 320 });
    expect(features.orientation).toBe('landscape');
    expect(features.dominantColor).toBe('#1e3a8a');
    // Every drawn colour is in the palette (anti-aliased edges add small in-between entries).
    for (const drawn of ['#1e3a8a', '#f59e0b', '#10b981', '#ef4444']) {
      const nearest = Math.min(...features.palette.map((c) => colourDistance(c.hex, drawn)));
      expect(nearest, drawn).toBeLessThan(12);
    }
    expect(features.palette.reduce((sum, c) => sum + c.population, 0)).toBeCloseTo(1, 1);
    expect(features.phash).toMatch(/^[0-9a-f]{16}$/);
    expect(features.blurhash).toMatch(/^[0-9A-Za-z#$%*+,\-.:;=?@[\]^_{|}~]{28}$/);
  });

  it('reads solid colours in every supported format', async () => {
    for (const format of ['png', 'jpeg', 'webp'] as const) {
      const { image, features } = await analyse(await solid(64, 64, '#ff0000', format));
      expect(image.format).toBe(format);
      expect(features.orientation).toBe('square');
      expect(features.palette).toHaveLength(1);
      // JPEG and WebP shift a pure red slightly.
      expect(features.dominantColor).toMatch(format === 'png' ? /^#ff0000$/ : /^#f[c-f]0[0-4]0[0-4]$/);
    }
    const gif = await sharp({ create: { width: 30, height: 60, channels: 3, background: '#00ff00' } })
      .gif()
      .toBuffer();
    expect((await analyse(gif)).features).toMatchObject({ orientation: 'portrait', dominantColor: '#00ff00' });
  });

  it('splits the palette of a two-colour image evenly', async () => {
    const { features } = await analyse(await halves('#000000', '#ffffff'));
    expect(features.palette.map((c) => c.population)).toEqual([0.5, 0.5]);
  });

  it('applies the EXIF orientation to the reported size', async () => {
    const { image, features } = await analyse(await rotatedJpeg());
    expect([image.width, image.height, features.orientation]).toEqual([100, 200, 'portrait']);
  });

  it('flattens transparency onto white and handles 16-bit greyscale', async () => {
    const transparent = await sharp({
      create: { width: 20, height: 20, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
    })
      .png()
      .toBuffer();
    expect((await analyse(transparent)).features.dominantColor).toBe('#ffffff');
    const grey16 = await sharp({ create: { width: 20, height: 10, channels: 3, background: '#808080' } })
      .greyscale()
      .toColourspace('grey16')
      .png()
      .toBuffer();
    expect((await analyse(grey16)).features.dominantColor).toBe('#808080');
  });

  it('scales large images down for analysis and keeps the true size', async () => {
    const image = await decodeImage(await solid(3000, 1500, '#123456', 'jpeg'), limits);
    expect([image.width, image.height]).toEqual([3000, 1500]);
    expect([image.rgbWidth, image.rgbHeight]).toEqual([ANALYSIS_MAX_SIDE, ANALYSIS_MAX_SIDE / 2]);
    expect(image.rgb.length).toBe(ANALYSIS_MAX_SIDE * (ANALYSIS_MAX_SIDE / 2) * 3);
  });

  it('tells near-duplicates from different pictures by pHash distance', async () => {
    const shapes = await shapesPng();
    const hash = async (file: Buffer) => phashOf(await decodeImage(file, limits));
    const original = await hash(shapes);
    expect(hammingDistance(original, await hash(await reencoded(shapes)))).toBeLessThanOrEqual(4);
    expect(hammingDistance(original, await hash(await stripesPng()))).toBeGreaterThan(16);
  });
});

describe('decodeImage refuses bad input', () => {
  it('refuses bytes that are not an image', async () => {
    await expect(decodeImage(Buffer.from('hello, this is text'), limits)).rejects.toMatchObject({
      reason: 'not_an_image',
      message: expect.stringMatching(/not an image in a supported format \(jpeg, png/),
    });
    await expect(decodeImage(Buffer.alloc(0), limits)).rejects.toMatchObject({ reason: 'empty' });
  });

  it('refuses SVG (a format it does not analyse)', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>');
    await expect(decodeImage(svg, limits)).rejects.toMatchObject({
      reason: 'unsupported_format',
      message: expect.stringMatching(/^svg images are not supported/),
    });
  });

  it('refuses truncated JPEG and PNG files', async () => {
    const photo = await sharp({ create: { width: 600, height: 400, channels: 3, background: '#884422' } })
      .composite([{ input: await shapesPng(), top: 0, left: 0 }])
      .jpeg()
      .toBuffer();
    await expect(decodeImage(truncated(photo), limits)).rejects.toMatchObject({
      reason: 'corrupt',
      message: expect.stringMatching(/^the jpeg image could not be decoded/),
    });
    await expect(decodeImage(truncated(await shapesPng()), limits)).rejects.toMatchObject({ reason: 'corrupt' });
  });

  it('refuses a decompression bomb from its header, without decoding it', async () => {
    const bomb = pngDeclaring(100_000, 100_000);
    expect(bomb.length).toBeLessThan(2000);
    const started = performance.now();
    await expect(decodeImage(bomb, limits)).rejects.toMatchObject({
      reason: 'too_many_pixels',
      message: 'the image is 100000×100000 (10,000 megapixels); the limit is 50 megapixels',
    });
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('refuses an image just over a small pixel limit', async () => {
    await expect(decodeImage(await solid(101, 100, '#000000'), { maxPixels: 10_000 })).rejects.toMatchObject({
      reason: 'too_many_pixels',
    });
    await expect(decodeImage(await solid(100, 100, '#000000'), { maxPixels: 10_000 })).resolves.toMatchObject({
      width: 100,
    });
  });
});

function colourDistance(a: string, b: string): number {
  const rgb = (hex: string) => [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
  const [x, y] = [rgb(a), rgb(b)];
  return Math.hypot(...x.map((v, i) => v - (y[i] as number)));
}
