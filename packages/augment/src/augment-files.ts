// Augment image files on disk: one file, or every image under a folder, views written as PNG or JPEG.

import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { augmentViews } from './augment-views.js';
import { ImageDecodeError, invalidOption } from './errors.js';
import * as is from './is.js';
import * as check from './options.js';
import type { Pipeline } from './pipeline.js';

/** Options of augmentFile / augmentDirectory. */
export interface AugmentFileOptions {
  /** Views per image. Default 2. */
  views?: number;
  /** Seed. Default 0. */
  seed?: number;
  /** Epoch. Default 0. */
  epoch?: number;
  /** Output format. Default 'png' (lossless). */
  format?: 'png' | 'jpeg';
  /** Pixel limit for inputs. Default 100,000,000. */
  maxPixels?: number;
}

const IMAGE = /\.(jpe?g|png|webp)$/i;

/**
 * Write the views of `inputPath` into `outDir` as `<name>.view<v>.<png|jpg>`; `key` (default the file name)
 * seeds the views. Returns the written paths.
 */
export async function augmentFile(inputPath: string, outDir: string, pipeline: Pipeline,
  options: AugmentFileOptions & { key?: string } = {}): Promise<string[]> {
  const format = check.oneOf(options.format, 'options.format', ['png', 'jpeg'], 'png');
  const seed = options.seed ?? 0;
  if (!is.integer(seed)) throw invalidOption('options.seed', 'integer', options.seed);
  const key = options.key ?? path.basename(inputPath);
  const bytes = await readFile(inputPath);
  const result = await augmentViews(bytes, pipeline, {
    seed, epoch: options.epoch, key, views: options.views, maxPixels: options.maxPixels,
  });
  await mkdir(outDir, { recursive: true });
  const stem = path.basename(inputPath).replace(IMAGE, '');
  const written: string[] = [];
  for (const [v, view] of result.views.entries()) {
    const file = path.join(outDir, `${stem}.view${v}.${format === 'png' ? 'png' : 'jpg'}`);
    const image = sharp(view, { raw: { width: result.width, height: result.height, channels: 3 } });
    await (format === 'png' ? image.png() : image.jpeg({ quality: 95 })).toFile(file);
    written.push(file);
  }
  return written;
}

/** Summary of augmentDirectory. */
export interface AugmentDirectoryResult {
  /** Images augmented. */
  images: number;
  /** View files written. */
  files: number;
  /** Inputs that failed to decode, with their errors (only when options.skipErrors). */
  skipped: ImageDecodeError[];
}

/**
 * Augment every JPEG/PNG/WebP under `inDir` (recursively) into `outDir`, mirroring sub-folders; each file's
 * path relative to `inDir` is its key. Bad images reject unless `skipErrors`.
 */
export async function augmentDirectory(inDir: string, outDir: string, pipeline: Pipeline,
  options: AugmentFileOptions & { skipErrors?: boolean; onFile?: (file: string, index: number, total: number) => void } = {}):
  Promise<AugmentDirectoryResult> {
  const entries = (await readdir(inDir, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile() && IMAGE.test(e.name))
    .map((e) => path.relative(inDir, path.join(e.parentPath ?? e.path, e.name)))
    .sort();
  const result: AugmentDirectoryResult = { images: 0, files: 0, skipped: [] };
  for (const [i, rel] of entries.entries()) {
    options.onFile?.(rel, i, entries.length);
    try {
      const written = await augmentFile(path.join(inDir, rel), path.join(outDir, path.dirname(rel)), pipeline,
        { ...options, key: rel.split(path.sep).join('/') });
      result.images++;
      result.files += written.length;
    } catch (err) {
      if (!(options.skipErrors && err instanceof ImageDecodeError)) throw err;
      result.skipped.push(err);
    }
  }
  return result;
}
