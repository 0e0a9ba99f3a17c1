// Crop + resize in one separable pass, straight from the decoded 8-bit source into the float view.
// The weights are PIL's / torch's antialiased ones (`_upsample_bilinear2d_aa`): when shrinking, the
// filter support widens with the scale factor, so a 500 px crop resized to 224 is low-passed, not aliased.

import { arena, ArenaImage, type Taps } from './arena.js';
import type { DecodedImage } from './image.js';
import { kernels, UNROLLED_TAPS } from './wasm-kernels.js';

/** Resampling filter for resizes: torchvision's default is bilinear; SimCLR's TensorFlow code uses bicubic. */
export type Interpolation = 'bilinear' | 'bicubic';

/** Where a view comes from: a source box, the size it is resized to, and the window of that resized grid to keep. */
export interface Geometry {
  /** Source box, integer pixels. */
  sx: number; sy: number; sw: number; sh: number;
  /** Size the source box is resized to. */
  rw: number; rh: number;
  /** Kept window of the resized grid; parts outside it are zero padding (torchvision's CenterCrop pads). */
  wx: number; wy: number; ww: number; wh: number;
  /** Mirror left-right. */
  flip: boolean;
  interpolation: Interpolation;
}

const filters = {
  bilinear: { support: 1, weight: (x: number): number => { x = Math.abs(x); return x < 1 ? 1 - x : 0; } },
  // Keys' cubic with a = -0.5, as PIL and torch's antialiased bicubic use.
  bicubic: {
    support: 2,
    weight: (x: number): number => {
      const a = -0.5;
      x = Math.abs(x);
      if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
      if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
      return 0;
    },
  },
};

/**
 * Taps for `windowSize` outputs starting at `windowStart` of a resize of `boxSize` source pixels
 * (starting at `boxStart`) to `scaledSize`. Outputs outside [0, scaledSize) get no taps (zero padding).
 */
export function taps(boxStart: number, boxSize: number, scaledSize: number, windowStart: number, windowSize: number,
  interpolation: Interpolation): Taps {
  const filter = filters[interpolation];
  const scale = boxSize / scaledSize;
  const filterScale = Math.max(scale, 1);
  const support = filter.support * filterScale;
  const ksize = Math.ceil(support) * 2 + 1;
  const first = new Int32Array(windowSize);
  const count = new Int32Array(windowSize);
  const weights = new Float64Array(windowSize * ksize);
  const inv = 1 / filterScale;
  for (let o = 0; o < windowSize; o++) {
    const xx = windowStart + o;
    if (xx < 0 || xx >= scaledSize) continue;
    const center = (xx + 0.5) * scale;
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const n = Math.min(Math.trunc(center + support + 0.5), boxSize) - xmin;
    let total = 0;
    for (let t = 0; t < n; t++) {
      const w = filter.weight((t + xmin - center + 0.5) * inv);
      weights[o * ksize + t] = w;
      total += w;
    }
    if (total !== 0) for (let t = 0; t < n; t++) weights[o * ksize + t] /= total;
    first[o] = boxStart + xmin;
    count[o] = n;
  }
  return { first, count, weights, ksize };
}

/**
 * Give every output exactly `k` taps inside [0, size) for the unrolled pass: an output with fewer taps whose
 * window would run past the end starts earlier, its weights moved up behind leading zeros (0 * x adds nothing,
 * and the real taps keep their order, so the sums are unchanged).
 */
function fit(t: Taps, k: number, size: number): void {
  for (let o = 0; o < t.first.length; o++) {
    const shift = t.first[o] + k - size;
    if (shift <= 0 || t.count[o] === 0) continue;
    const base = o * t.ksize;
    for (let i = t.count[o] - 1; i >= 0; i--) t.weights[base + i + shift] = t.weights[base + i];
    t.weights.fill(0, base, base + shift);
    t.first[o] -= shift;
  }
}

/**
 * The tap count of `t` when an unrolled pass can take it (1 to UNROLLED_TAPS, and no more than the box's `boxSize`
 * inputs), with every output fitted to exactly that many taps inside [0, end); 0 for the general pass.
 */
export function unrolledTaps(t: Taps, boxSize: number, end: number): number {
  const k = t.count.reduce((most, c) => Math.max(most, c), 0);
  if (k < 1 || k > UNROLLED_TAPS || k > boxSize) return 0;
  fit(t, k, end);
  return k;
}

/** Render `g` from `source` into a new arena view (float32 RGB in [0, 1], `g.ww` x `g.wh`): vertical pass first
 * (byte rows of the source box to float rows), then horizontal (and the flip) straight into the view. */
export function resample(source: DecodedImage, g: Geometry): ArenaImage {
  const src = arena.begin(source);
  const { ww, wh } = g;
  const ay = taps(g.sy, g.sh, g.rh, g.wy, wh, g.interpolation);
  const ax = taps(0, g.sw, g.rw, g.wx, ww, g.interpolation);
  const n = g.sw * 3;
  // + 16: the unrolled vertical pass writes rows rounded up to 16 floats, 12 more than the arena's slack covers
  const tmp = arena.alloc(wh * n * 4 + 16);
  const out = arena.alloc(ww * wh * 12);
  const ky = unrolledTaps(ay, g.sh, g.sy + g.sh);
  const y = arena.taps(ay, 1 / 255);
  const k = unrolledTaps(ax, g.sw, g.sw);
  const x = arena.taps(ax, 1);
  const stride = source.width * 3;
  if (ky) kernels[`vpass${ky}`](tmp, src + g.sx * 3, stride, n, y.first, y.weights, ay.ksize, wh);
  else kernels.vpassU8(tmp, src + g.sx * 3, stride, n, y.first, y.count, y.weights, ay.ksize, wh);
  if (k) kernels[`hpass${k}`](out, tmp, n * 4, wh, x.first, x.weights, ax.ksize, ww, g.flip ? 1 : 0);
  else kernels.hpass(out, tmp, n * 4, wh, x.first, x.count, x.weights, ax.ksize, ww, g.flip ? 1 : 0);
  const view = new ArenaImage(out, ww, wh);
  if (g.interpolation === 'bicubic') {
    // Cubic weights overshoot; torchvision clamps when it converts back to 8 bits, we clamp here.
    const d = view.data;
    for (let i = 0; i < d.length; i++) {
      const v = d[i];
      d[i] = v < 0 ? 0 : v > 1 ? 1 : v;
    }
  }
  return view;
}
