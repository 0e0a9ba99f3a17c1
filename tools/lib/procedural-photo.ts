// Synthetic "photos" for fixtures: smooth backgrounds, soft blobs, one antialiased foreground shape whose
// kind is the class label, vignetting and sensor-like noise. They compress like photographs (so JPEG/PNG
// sizes and decode costs are realistic) while being generated from a seed, not copied from a data set.
import sharp from 'sharp';
import type { Sharp } from 'sharp';
import { Rng } from './prng.js';

/** Foreground shape per class index; the label of a procedural photo is the index of its shape here. */
export const PHOTO_CLASSES = ['disc', 'box', 'triangle', 'stripes', 'ring'] as const;

export interface PhotoOptions {
  width: number;
  height: number;
  /** Index into PHOTO_CLASSES. */
  cls: number;
  seed: number;
  /** Standard deviation of the additive noise in 8-bit levels; lower keeps PNGs small. */
  noise?: number;
}

/** Interleaved 8-bit pixels, (height, width, channels). */
export interface RawPixels { data: Buffer; width: number; height: number; channels: 3 | 4 }

type Rgb = [number, number, number];

function colour(rng: Rng, lo: number, hi: number): Rgb {
  return [rng.range(lo, hi), rng.range(lo, hi), rng.range(lo, hi)];
}

/** Signed distance (pixels, negative inside) from (x, y) to the class shape centred at (cx, cy). */
function shapeDistance(cls: number, x: number, y: number, cx: number, cy: number, r: number, angle: number): number {
  const dx = x - cx;
  const dy = y - cy;
  const u = dx * Math.cos(angle) + dy * Math.sin(angle);
  const v = -dx * Math.sin(angle) + dy * Math.cos(angle);
  switch (PHOTO_CLASSES[cls]) {
    case 'disc':
    case 'stripes':
      return Math.hypot(dx, dy) - r;
    case 'box':
      return Math.max(Math.abs(u) - r, Math.abs(v) - r * 0.65);
    case 'triangle': {
      // Equilateral triangle with circumradius r: max of the three edge half-plane distances.
      let d = -Infinity;
      for (let k = 0; k < 3; k++) {
        const a = angle + (k * 2 * Math.PI) / 3;
        d = Math.max(d, dx * Math.cos(a) + dy * Math.sin(a) - r / 2);
      }
      return d;
    }
    case 'ring':
      return Math.abs(Math.hypot(dx, dy) - r * 0.8) - r * 0.22;
    default:
      throw new RangeError(`Expected a class index in [0, ${PHOTO_CLASSES.length}) but received ${cls}`);
  }
}

/** Render a procedural photo as RGB pixels; same options => same pixels. */
export function renderPhoto(options: PhotoOptions): RawPixels {
  const { width, height, cls, seed } = options;
  const noise = options.noise ?? 6;
  const rng = new Rng(seed);
  const corners = [colour(rng, 30, 220), colour(rng, 30, 220), colour(rng, 30, 220), colour(rng, 30, 220)];
  const blobs = Array.from({ length: 2 + rng.int(3) }, () => ({
    x: rng.range(0, width), y: rng.range(0, height), r: rng.range(0.15, 0.45) * Math.min(width, height),
    c: colour(rng, 0, 255), a: rng.range(0.25, 0.6),
  }));
  const side = Math.min(width, height);
  const shape = {
    cx: rng.range(0.35, 0.65) * width, cy: rng.range(0.35, 0.65) * height, r: rng.range(0.22, 0.38) * side,
    angle: rng.range(0, 2 * Math.PI), c: colour(rng, 20, 240), c2: colour(rng, 20, 240),
    stripe: rng.range(0.08, 0.16) * side,
  };
  const light = rng.range(0, 2 * Math.PI);
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    const fy = y / Math.max(1, height - 1);
    for (let x = 0; x < width; x++) {
      const fx = x / Math.max(1, width - 1);
      const px: Rgb = [0, 0, 0];
      for (let ch = 0; ch < 3; ch++) {
        px[ch] = (corners[0][ch] * (1 - fx) + corners[1][ch] * fx) * (1 - fy)
          + (corners[2][ch] * (1 - fx) + corners[3][ch] * fx) * fy;
      }
      for (const b of blobs) {
        const w = b.a * Math.exp(-((x - b.x) ** 2 + (y - b.y) ** 2) / (b.r * b.r));
        for (let ch = 0; ch < 3; ch++) px[ch] += (b.c[ch] - px[ch]) * w;
      }
      // One-pixel ramp on the signed distance gives antialiased edges.
      const coverage = Math.min(1, Math.max(0, 0.5 - shapeDistance(cls, x + 0.5, y + 0.5, shape.cx, shape.cy, shape.r, shape.angle)));
      if (coverage > 0) {
        const along = (x - shape.cx) * Math.cos(shape.angle) + (y - shape.cy) * Math.sin(shape.angle);
        const fill = PHOTO_CLASSES[cls] === 'stripes' && Math.floor(along / shape.stripe) % 2 === 0 ? shape.c2 : shape.c;
        const shade = 1 + 0.25 * (((x - shape.cx) * Math.cos(light) + (y - shape.cy) * Math.sin(light)) / shape.r);
        for (let ch = 0; ch < 3; ch++) px[ch] += (fill[ch] * shade - px[ch]) * coverage;
      }
      const vignette = 1 - 0.3 * ((fx - 0.5) ** 2 + (fy - 0.5) ** 2);
      for (let ch = 0; ch < 3; ch++) {
        // Sum of three uniforms: a cheap bell-shaped noise with standard deviation 0.5 * noise.
        const n = (rng.next() + rng.next() + rng.next() - 1.5) * noise;
        data[(y * width + x) * 3 + ch] = Math.min(255, Math.max(0, Math.round(px[ch] * vignette + n)));
      }
    }
  }
  return { data, width, height, channels: 3 };
}

/** A sharp pipeline reading the raw pixels. */
export function fromPixels(pixels: RawPixels): Sharp {
  return sharp(pixels.data, { raw: { width: pixels.width, height: pixels.height, channels: pixels.channels } });
}

/** Fixed encoder settings: the same pixels always produce the same bytes with a given sharp/libvips build. */
export const JPEG_OPTIONS = { quality: 90, chromaSubsampling: '4:2:0', progressive: false, optimiseCoding: true, mozjpeg: false } as const;
export const PNG_OPTIONS = { compressionLevel: 9, adaptiveFiltering: true, palette: false } as const;
export const WEBP_OPTIONS = { quality: 85, effort: 4, smartSubsample: false } as const;

/** Encode pixels as a baseline sRGB JPEG, quality 90. */
export function encodeJpeg(pixels: RawPixels): Promise<Buffer> {
  return fromPixels(pixels).jpeg(JPEG_OPTIONS).toBuffer();
}

/** Encode pixels as an 8-bit PNG. */
export function encodePng(pixels: RawPixels): Promise<Buffer> {
  return fromPixels(pixels).png(PNG_OPTIONS).toBuffer();
}
