/**
 * Decoding and the pixel-level features (size, orientation, palette, perceptual hash,
 * blurhash). Headers are read before any pixels are decoded, so a small file that
 * declares gigapixel dimensions is refused without allocating them; sharp's own
 * limitInputPixels backs that up during decoding.
 */
import { encode as encodeBlurhash } from 'blurhash';
import sharp from 'sharp';
import { extractPalette, type PaletteColor } from './palette.ts';
import { HASH_INPUT_SIZE, phashFromGrey } from './phash.ts';
import { ImageRejection } from './rejection.ts';

// libvips caches recent operations (up to 50 MB) for re-use; uploads are never the same
// image twice, so the cache only grows resident memory.
sharp.cache(false);

export const SUPPORTED_FORMATS = ['jpeg', 'png', 'webp', 'gif', 'avif', 'tiff'] as const;
export type ImageFormat = (typeof SUPPORTED_FORMATS)[number];

/** Longest side of the pixels kept for inference; larger images are scaled down first. */
export const ANALYSIS_MAX_SIDE = 1024;
const THUMBNAIL_SIDE = 64;

export interface DecodeOptions {
  /** Largest accepted width × height (decompression-bomb guard). */
  maxPixels: number;
}

export interface DecodedImage {
  format: ImageFormat;
  /** Displayed size, after the EXIF orientation is applied. */
  width: number;
  height: number;
  bytes: number;
  /** sRGB pixels, 3 bytes each, scaled to fit ANALYSIS_MAX_SIDE. */
  rgb: Buffer;
  rgbWidth: number;
  rgbHeight: number;
}

export interface ImageFeatures {
  orientation: 'landscape' | 'portrait' | 'square';
  dominantColor: string;
  palette: PaletteColor[];
  phash: string;
  blurhash: string;
}

/** Reads the header, checks format and size, and decodes to sRGB at analysis size. */
export async function decodeImage(input: Buffer, options: DecodeOptions): Promise<DecodedImage> {
  if (input.length === 0) throw new ImageRejection('empty', 'the image is empty (0 bytes)');
  let metadata: sharp.Metadata;
  try {
    metadata = await sharp(input, { limitInputPixels: false }).metadata();
  } catch {
    throw new ImageRejection(
      'not_an_image',
      `the data is not an image in a supported format (${SUPPORTED_FORMATS.join(', ')})`,
    );
  }
  const format = supportedFormat(metadata);
  if (!format) {
    throw new ImageRejection(
      'unsupported_format',
      `${metadata.format} images are not supported; send one of ${SUPPORTED_FORMATS.join(', ')}`,
    );
  }
  const { width, height } = metadata.autoOrient ?? metadata;
  if (!width || !height) throw new ImageRejection('corrupt', 'the image header has no dimensions');
  if (width * height > options.maxPixels) {
    throw new ImageRejection(
      'too_many_pixels',
      `the image is ${width}×${height} (${megapixels(width * height)} megapixels); the limit is ${megapixels(options.maxPixels)} megapixels`,
    );
  }

  try {
    // failOn 'truncated' turns libvips' "premature end of file" warning into an error.
    const { data, info } = await sharp(input, { limitInputPixels: options.maxPixels, failOn: 'truncated' })
      .rotate()
      .resize({ width: ANALYSIS_MAX_SIDE, height: ANALYSIS_MAX_SIDE, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`expected 3 channels after conversion, got ${info.channels}`);
    return { format, width, height, bytes: input.length, rgb: data, rgbWidth: info.width, rgbHeight: info.height };
  } catch (error) {
    throw new ImageRejection('corrupt', `the ${format} image could not be decoded: ${describeSharpError(error)}`);
  }
}

/** Palette, perceptual hash and blurhash from the decoded pixels. */
export async function describeImage(image: DecodedImage): Promise<ImageFeatures> {
  const raw = { raw: { width: image.rgbWidth, height: image.rgbHeight, channels: 3 as const } };
  const [grey, thumbnail] = await Promise.all([
    sharp(image.rgb, raw)
      .resize(HASH_INPUT_SIZE, HASH_INPUT_SIZE, { fit: 'fill' })
      .greyscale()
      .raw()
      .toBuffer({ resolveWithObject: true }),
    sharp(image.rgb, raw)
      .resize(THUMBNAIL_SIDE, THUMBNAIL_SIDE, { fit: 'inside' })
      .raw()
      .toBuffer({ resolveWithObject: true }),
  ]);
  const palette = extractPalette(thumbnail.data);
  return {
    orientation: orientationOf(image.width, image.height),
    dominantColor: palette[0]?.hex ?? '#000000',
    palette,
    phash: phashFromGrey(greyChannel(grey.data, grey.info.channels)),
    blurhash: blurhashOf(thumbnail.data, thumbnail.info.width, thumbnail.info.height),
  };
}

/** The perceptual hash alone (for comparisons), from the decoded pixels. */
export async function phashOf(image: DecodedImage): Promise<string> {
  const { data, info } = await sharp(image.rgb, {
    raw: { width: image.rgbWidth, height: image.rgbHeight, channels: 3 },
  })
    .resize(HASH_INPUT_SIZE, HASH_INPUT_SIZE, { fit: 'fill' })
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return phashFromGrey(greyChannel(data, info.channels));
}

export function orientationOf(width: number, height: number): ImageFeatures['orientation'] {
  return width > height ? 'landscape' : width < height ? 'portrait' : 'square';
}

function supportedFormat(metadata: sharp.Metadata): ImageFormat | undefined {
  // libheif reports AVIF as "heif" with AV1 compression; HEIC (HEVC) has no decoder in sharp's prebuilt binaries.
  if (metadata.format === 'heif') return metadata.compression === 'av1' ? 'avif' : undefined;
  return SUPPORTED_FORMATS.find((format) => format === metadata.format);
}

/** sharp's greyscale output may keep 3 identical channels; take the first. */
function greyChannel(data: Buffer, channels: number): Uint8Array {
  if (channels === 1) return data;
  const grey = new Uint8Array(data.length / channels);
  for (let i = 0; i < grey.length; i++) grey[i] = data[i * channels] as number;
  return grey;
}

function blurhashOf(rgb: Buffer, width: number, height: number): string {
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let i = 0, j = 0; i < rgb.length; i += 3, j += 4) {
    rgba[j] = rgb[i] as number;
    rgba[j + 1] = rgb[i + 1] as number;
    rgba[j + 2] = rgb[i + 2] as number;
    rgba[j + 3] = 255;
  }
  // 4×3 components: the usual choice for landscape thumbnails, 28 characters.
  return encodeBlurhash(rgba, width, height, 4, 3);
}

function megapixels(pixels: number): string {
  return (pixels / 1_000_000).toLocaleString('en-US', { maximumFractionDigits: 1 });
}

function describeSharpError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // libvips messages span lines ("VipsJpeg: ...\n"); the first is the useful one.
  return message.split('\n')[0]?.trim() || 'unknown decoder error';
}
