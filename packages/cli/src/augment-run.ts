// The bodies of `twinflow augment preview` and `twinflow augment`.
import { readFile, writeFile } from 'node:fs/promises';
import { augmentDirectory, previewGrid } from '@twinflow/augment';
import sharp from 'sharp';
import type { AugmentConfig } from './commands/augment.js';
import type { PreviewConfig } from './commands/augment-preview.js';
import { noImages } from './errors.js';
import { buildPipeline } from './pipelines.js';
import { createProgress } from './progress.js';

/** Writes the preview grid of `image`; returns the file and the grid's size in pixels. */
export async function writePreview(image: string, config: PreviewConfig): Promise<{ file: string; width: number; height: number }> {
  const pipeline = buildPipeline({ preset: config.preset, size: config.size, strength: config.strength, cropScale: config.cropScale });
  const png = await previewGrid(await readFile(image), pipeline, {
    views: config.views, seed: config.seed, columns: config.columns ?? Math.min(config.views, 8),
  });
  await writeFile(config.out, png);
  const { width, height } = await sharp(png).metadata();
  return { file: config.out, width, height };
}

/** Augments every image under `inDir` into `outDir`; returns the number of view files written. */
export async function augmentFolder(inDir: string, outDir: string, config: AugmentConfig): Promise<number> {
  const pipeline = buildPipeline({ preset: config.preset, size: config.size, strength: config.strength, cropScale: config.cropScale });
  let progress: ReturnType<typeof createProgress> | undefined;
  const result = await augmentDirectory(inDir, outDir, pipeline, {
    views: config.views,
    seed: config.seed,
    epoch: config.epoch,
    format: config.format === 'jpg' ? 'jpeg' : 'png',
    onFile: (_file, index, total) => {
      progress ??= createProgress({ label: 'augment', total, unit: 'images' });
      progress.update({ value: index });
    },
  });
  progress?.update({ value: result.images });
  progress?.stop();
  if (result.images === 0) throw noImages(inDir);
  return result.files;
}
