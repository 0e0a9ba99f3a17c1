// views.png of a run: a few training images, one row each, with several augmented views per row,
// upscaled (nearest neighbour) when the views are small so a person can see them.
import { augmentViews, type Pipeline } from '@twinflow/augment';
import { imagePart, shards } from '@twinflow/shards';
import sharp from 'sharp';

export interface ViewsGridOptions {
  /** Shard spec to take the first images from. */
  data: string;
  pipeline: Pipeline;
  seed: number;
  /** Images (rows). Default 4. */
  images?: number;
  /** Views per image (columns). Default 8. */
  views?: number;
  /** Views narrower than this are upscaled by a whole factor to about this width. Default 96. */
  minSide?: number;
  /** Pixels between views. Default 2 (before upscaling). */
  gap?: number;
}

/** PNG bytes of the grid: the first `images` samples of `data` (in shard order), `views` views each. */
export async function viewsGrid(o: ViewsGridOptions): Promise<Buffer> {
  const rows = o.images ?? 4;
  const cols = o.views ?? 8;
  const gap = o.gap ?? 2;
  const rendered: { views: (Uint8Array | Float32Array)[]; width: number; height: number }[] = [];
  for await (const sample of shards(o.data)) {
    const image = imagePart(sample);
    if (image === undefined) continue;
    rendered.push(await augmentViews(image, o.pipeline, { seed: o.seed, key: sample.key, views: cols }));
    if (rendered.length === rows) break;
  }
  if (rendered.length === 0) throw new Error(`no images in ${o.data} to preview`);
  const { width, height } = rendered[0];
  const gridW = cols * width + (cols - 1) * gap;
  const gridH = rendered.length * height + (rendered.length - 1) * gap;
  const grid = Buffer.alloc(gridW * gridH * 3, 255);
  rendered.forEach((r, row) => {
    r.views.forEach((view, col) => {
      for (let y = 0; y < height; y++) {
        grid.set(view.subarray(y * width * 3, (y + 1) * width * 3), ((row * (height + gap) + y) * gridW + col * (width + gap)) * 3);
      }
    });
  });
  const scale = Math.max(1, Math.round((o.minSide ?? 96) / width));
  return sharp(grid, { raw: { width: gridW, height: gridH, channels: 3 } })
    .resize(gridW * scale, gridH * scale, { kernel: 'nearest' })
    .png()
    .toBuffer();
}
