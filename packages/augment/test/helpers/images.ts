// Test inputs made with real sharp: photo-like JPEG/PNG/WebP buffers and golden files.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import type { DecodedImage } from '../../src/image.js';

export const goldensDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'goldens');

/** A smooth, textured RGB test picture (gradients plus ripples), width x height, 8-bit interleaved. */
export function picture(width: number, height: number): Buffer {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      data[i] = (255 * x) / Math.max(1, width - 1);
      data[i + 1] = (255 * y) / Math.max(1, height - 1);
      data[i + 2] = 127.5 + 127 * Math.sin(x / 5) * Math.cos(y / 7);
    }
  }
  return data;
}

/** The test picture encoded as JPEG (quality 90), PNG or WebP. */
export async function encoded(width: number, height: number, format: 'jpeg' | 'png' | 'webp' = 'jpeg'): Promise<Buffer> {
  const image = sharp(picture(width, height), { raw: { width, height, channels: 3 } });
  if (format === 'png') return image.png().toBuffer();
  if (format === 'webp') return image.webp({ lossless: true }).toBuffer();
  return image.jpeg({ quality: 90 }).toBuffer();
}

/** A golden input PNG as a DecodedImage. */
export async function goldenInput(name: string): Promise<DecodedImage> {
  const { data, info } = await sharp(readFileSync(path.join(goldensDir, name))).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height };
}

/** Float32 HWC golden output. */
export function goldenOutput(name: string): Float32Array {
  const bytes = readFileSync(path.join(goldensDir, name));
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}

/** Mean and max absolute difference. */
export function diff(a: ArrayLike<number>, b: ArrayLike<number>): { mae: number; max: number } {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let sum = 0;
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    sum += d;
    max = Math.max(max, d);
  }
  return { mae: sum / a.length, max };
}

/** A decoded image as a float view in [0, 1]. */
export function toFloat(image: DecodedImage): { data: Float32Array; width: number; height: number } {
  return { data: Float32Array.from(image.data, (v) => v / 255), width: image.width, height: image.height };
}
