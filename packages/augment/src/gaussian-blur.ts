// Gaussian blur (SimCLR https://arxiv.org/abs/2002.05709, Appendix A: p = 0.5, sigma U(0.1, 2.0), kernel 10% of
// the side). Done here as two 1-D passes with reflect padding, like torchvision's `gaussian_blur` but separable:
// sharp's blur cannot go below sigma 0.3 and costs a pipeline call per view.

import { arena, inArena } from './arena.js';
import type { ViewImage } from './image.js';
import * as is from './is.js';
import * as check from './options.js';
import type { Transform } from './transform.js';
import { columnBlur, kernels, UNROLLED_RADIUS } from './wasm-kernels.js';

/** Options of gaussianBlur. */
export interface GaussianBlurOptions {
  /** Range sigma is drawn from uniformly, in pixels of the view. Default [0.1, 2]. */
  sigma?: [number, number];
  /** Odd kernel size in taps, or 'auto' for SimCLR's 10% of the view height (224 -> 23). Default 'auto'. */
  kernelSize?: number | 'auto';
  /** Probability of blurring. Default 0.5. */
  p?: number;
}

/** SimCLR's kernel for a side: radius = floor(side / 10) / 2, rounded down; size = 2 radius + 1. */
export function autoKernelSize(side: number): number {
  return 2 * Math.floor(Math.floor(side / 10) / 2) + 1;
}

/**
 * Normalised 1-D weights w[0..r] (w[t] for offsets +-t) of torchvision's kernel. Taps below 1e-4 of the centre
 * (beyond 4.3 sigma) are dropped: they change no output by more than about 1e-5 and can be half the work.
 */
export function gaussianWeights(kernelSize: number, sigma: number): Float64Array {
  const half = (kernelSize - 1) / 2;
  const radius = Math.min(half, Math.ceil(4.3 * sigma));
  const w = new Float64Array(radius + 1);
  let total = 0;
  for (let t = 0; t <= radius; t++) {
    const x = t / sigma;
    w[t] = Math.exp(-0.5 * x * x);
    total += t === 0 ? w[t] : 2 * w[t];
  }
  for (let t = 0; t <= radius; t++) w[t] /= total;
  return w;
}

/** Mirror an out-of-range index back into [0, n) without repeating the edge (torch's 'reflect' padding). */
function reflect(i: number, n: number): number {
  if (n === 1) return 0;
  for (;;) {
    if (i < 0) i = -i;
    else if (i >= n) i = 2 * n - 2 - i;
    else return i;
  }
}

/** Blur in place with a Gaussian of `sigma` pixels and `kernelSize` taps, reflect padding (torchvision `gaussian_blur`). */
export function blurImage(image: ViewImage, kernelSize: number, sigma: number): void {
  const w = gaussianWeights(kernelSize, sigma);
  const r = w.length - 1;
  if (r === 0) return;
  const { width, height } = image;
  const row = width * 3;
  const paddedRow = (width + 2 * r) * 3;
  inArena(image, (ptr) => {
    const mark = arena.save();
    // Vertical pass: the view with r reflected rows above and below, into rows with r pixels of margin.
    const tall = arena.alloc((height + 2 * r) * row * 4);
    const wide = arena.alloc(height * paddedRow * 4);
    const weights = arena.alloc(w.length * 4);
    arena.f32(weights, w.length).set(w);
    const view = arena.f32(ptr, height * row);
    const rows = arena.f32(tall, (height + 2 * r) * row);
    rows.set(view, r * row);
    for (let k = 1; k <= r; k++) {
      const above = reflect(-k, height) * row;
      const below = reflect(height - 1 + k, height) * row;
      rows.set(view.subarray(above, above + row), (r - k) * row);
      rows.set(view.subarray(below, below + row), (r + height - 1 + k) * row);
    }
    if (r <= UNROLLED_RADIUS) columnBlur(r, row * 4)(wide + r * 12, paddedRow * 4, tall, row, height, weights);
    else kernels.sym(wide + r * 12, paddedRow * 4, tall + r * row * 4, row * 4, row * 4, row, height, weights, r);
    // Horizontal pass from the margin-padded rows straight back into the view.
    const padded = arena.f32(wide, height * paddedRow);
    for (let y = 0; y < height; y++) {
      const base = y * paddedRow + 3 * r;
      for (let k = 1; k <= r; k++) {
        const left = base + reflect(-k, width) * 3;
        const right = base + reflect(width - 1 + k, width) * 3;
        const l = base - 3 * k;
        const e = base + (width - 1 + k) * 3;
        padded[l] = padded[left];
        padded[l + 1] = padded[left + 1];
        padded[l + 2] = padded[left + 2];
        padded[e] = padded[right];
        padded[e + 1] = padded[right + 1];
        padded[e + 2] = padded[right + 2];
      }
    }
    if (r <= UNROLLED_RADIUS) kernels[`blurH${r}`](ptr, row * 4, wide + r * 12, paddedRow * 4, row, height, weights);
    else kernels.sym(ptr, row * 4, wide + r * 12, paddedRow * 4, 12, row, height, weights, r);
    arena.release(mark);
  });
}

/** Blur the view with probability p, sigma drawn uniformly from `sigma`. */
export function gaussianBlur(options?: GaussianBlurOptions): Transform {
  const o = check.bag(options, 'options');
  check.known(o, 'options', ['sigma', 'kernelSize', 'p']);
  const sigma = check.positivePair(o.sigma, 'options.sigma', [0.1, 2]);
  const kernelSize = o.kernelSize ?? 'auto';
  if (kernelSize !== 'auto' && !(is.integer(kernelSize) && kernelSize > 0 && kernelSize % 2 === 1)) {
    throw check.invalid('options.kernelSize', "odd positive integer or 'auto'", o.kernelSize);
  }
  const p = check.probability(o.p, 'options.p', 0.5);
  return {
    spec: { op: 'gaussianBlur', sigma, kernelSize, p },
    kind: 'pixel',
    plan(plan, random) {
      if (!random.bernoulli(p)) return;
      const s = random.uniform(sigma[0], sigma[1]);
      const k = kernelSize === 'auto' ? autoKernelSize(plan.height) : kernelSize;
      plan.ops.push((image) => blurImage(image, k, s));
    },
    outputSize: (input) => input,
  };
}
