// A grid of views as a PNG, for people to look at what a pipeline does.

import sharp from 'sharp';
import { augmentViews } from './augment-views.js';
import { invalidOption } from './errors.js';
import * as is from './is.js';
import type { Pipeline } from './pipeline.js';

/** Options of previewGrid. */
export interface PreviewOptions {
  /** Number of views. Default 8. */
  views?: number;
  /** Seed of the views. Default 0. */
  seed?: number;
  /** Views per row. Default ceil(sqrt(views)). */
  columns?: number;
  /** Key mixed into the seed (and named in errors). Default 'preview'. */
  key?: string;
  /** Gap between views in pixels (white). Default 4. */
  gap?: number;
  /** Pixel limit for the input. Default 100,000,000. */
  maxPixels?: number;
}

/** Render `views` views of `input` side by side in a grid and return it as PNG bytes. */
export async function previewGrid(input: Uint8Array, pipeline: Pipeline, options: PreviewOptions = {}): Promise<Buffer> {
  const views = options.views ?? 8;
  if (!(is.integer(views) && views >= 1)) throw invalidOption('options.views', 'positive integer', options.views);
  const columns = options.columns ?? Math.ceil(Math.sqrt(views));
  if (!(is.integer(columns) && columns >= 1)) throw invalidOption('options.columns', 'positive integer', options.columns);
  const gap = options.gap ?? 4;
  if (!(is.integer(gap) && gap >= 0)) throw invalidOption('options.gap', 'non-negative integer', options.gap);
  const result = await augmentViews(input, pipeline, {
    seed: options.seed ?? 0, key: options.key ?? 'preview', views, maxPixels: options.maxPixels,
  });
  const { width, height } = result;
  const rows = Math.ceil(views / columns);
  const cols = Math.min(columns, views);
  const gridWidth = cols * width + (cols - 1) * gap;
  const gridHeight = rows * height + (rows - 1) * gap;
  const grid = Buffer.alloc(gridWidth * gridHeight * 3, 255);
  result.views.forEach((view, v) => {
    const x0 = (v % columns) * (width + gap);
    const y0 = Math.floor(v / columns) * (height + gap);
    for (let y = 0; y < height; y++) {
      grid.set(view.subarray(y * width * 3, (y + 1) * width * 3), ((y0 + y) * gridWidth + x0) * 3);
    }
  });
  return sharp(grid, { raw: { width: gridWidth, height: gridHeight, channels: 3 } }).png().toBuffer();
}
