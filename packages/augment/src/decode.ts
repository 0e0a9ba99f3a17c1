// Decode once to 8-bit RGB: plain JPEGs through libjpeg-turbo when it is installed (turbojpeg.ts: same bytes,
// a third of the CPU), everything else with sharp: EXIF orientation applied, CMYK / gray / 16-bit / alpha made
// RGB, sharp errors turned into typed errors naming the sample key.

import sharp, { type OutputInfo } from 'sharp';
import { corruptImage, emptyImage, imageTooLarge, invalidOption, notAnImage } from './errors.js';
import type { DecodedImage } from './image.js';
import * as is from './is.js';
import * as check from './options.js';
import { turboDecode } from './turbojpeg.js';

/** Default pixel limit: 100 M pixels, 10x a large photo and far below what a decompression bomb declares. */
export const DEFAULT_MAX_PIXELS = 100_000_000;

/** Options of decodeImage. */
export interface DecodeOptions {
  /** Sample key, named in errors. */
  key: string;
  /** Reject images with more pixels than this (decompression bombs). Default 100,000,000. */
  maxPixels?: number;
  /** Decoder strictness (sharp's failOn): 'warning' (default) also rejects corrupt-data warnings; 'error' and
   * 'truncated' accept what libjpeg can still decode, as PIL does, and reject only truncated or broken files. */
  failOn?: FailOn;
  /** 'auto' (default): plain JPEGs up to 2 MP through libjpeg-turbo when koffi and libturbojpeg load (same bytes
   * as sharp, decoded synchronously on the calling thread), the rest through sharp; 'sharp': always sharp. */
  decoder?: Decoder;
}

/** Which decoder decodeImage may use. */
export type Decoder = 'auto' | 'sharp';

/** How strict decoding is, least strict last. */
export type FailOn = 'warning' | 'error' | 'truncated';

/** Check and default `failOn`. */
export function failOnOption(value: unknown): FailOn {
  return check.oneOf(value, 'options.failOn', ['warning', 'error', 'truncated'], 'warning');
}

/** Check and default `decoder`. */
export function decoderOption(value: unknown): Decoder {
  return check.oneOf(value, 'options.decoder', ['auto', 'sharp'], 'auto');
}

/** Check and default `maxPixels`. */
export function maxPixelsOption(value: unknown): number {
  if (value === undefined) return DEFAULT_MAX_PIXELS;
  if (!(is.integer(value) && value > 0)) throw invalidOption('options.maxPixels', 'positive integer', value);
  return value;
}

/** Decode JPEG / PNG / WebP bytes to 8-bit RGB (HWC); rejects with ImageDecodeError naming `key`. */
export async function decodeImage(input: Uint8Array, options: DecodeOptions): Promise<DecodedImage> {
  if (!(input instanceof Uint8Array)) throw invalidOption('input', 'Buffer or Uint8Array', input);
  if (typeof options?.key !== 'string') throw invalidOption('options.key', 'string', options?.key);
  const { key } = options;
  const maxPixels = maxPixelsOption(options.maxPixels);
  const failOn = failOnOption(options.failOn);
  const decoder = decoderOption(options.decoder);
  if (input.length === 0) throw emptyImage(key);
  if (decoder === 'auto') {
    const fast = turboDecode(input, maxPixels);
    if (fast !== undefined) return fast;
  }
  let result: { data: Buffer; info: OutputInfo };
  try {
    result = await sharp(input, { autoOrient: true, limitInputPixels: maxPixels, failOn, sequentialRead: true })
      .removeAlpha()
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (message.includes('unsupported image format')) throw notAnImage(key, err);
    if (message.includes('exceeds pixel limit')) throw imageTooLarge(key, maxPixels, err);
    throw corruptImage(key, err);
  }
  const { data, info } = result;
  const pixels = info.width * info.height;
  if (info.channels === 3) return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
  // Single-band results (should sharp keep a gray image as one band) are expanded to RGB.
  const rgb = new Uint8Array(pixels * 3);
  for (let i = 0; i < pixels; i++) {
    const v = data[i * info.channels];
    rgb[i * 3] = v; rgb[i * 3 + 1] = v; rgb[i * 3 + 2] = v;
  }
  return { data: rgb, width: info.width, height: info.height };
}
