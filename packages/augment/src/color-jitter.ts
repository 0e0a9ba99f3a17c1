// ColorJitter (SimCLR https://arxiv.org/abs/2002.05709, Appendix A) with torchvision's float semantics:
// the four ops in a random order per image, each result clipped to [0, 1].

import { arena, inArena } from './arena.js';
import { LUMA_B, LUMA_G, LUMA_R, type ViewImage } from './image.js';
import * as is from './is.js';
import * as check from './options.js';
import type { Transform } from './transform.js';
import { COLOUR_OPS, colourProgram, kernels } from './wasm-kernels.js';

/** Options of colorJitter; defaults are SimCLR's at strength 1 (0.8, 0.8, 0.8, 0.2) applied with p = 0.8. */
export interface ColorJitterOptions {
  /** Factor drawn from [max(0, 1 - b), 1 + b], or an explicit [lo, hi]; 0 or null disables. Default 0.8. */
  brightness?: number | [number, number] | null;
  /** Factor drawn like brightness; blends with the mean of the grayscale image. Default 0.8. */
  contrast?: number | [number, number] | null;
  /** Factor drawn like brightness; blends with the grayscale image. Default 0.8. */
  saturation?: number | [number, number] | null;
  /** Hue shift in turns drawn from [-h, h] (h <= 0.5), or an explicit [lo, hi] within [-0.5, 0.5]. Default 0.2. */
  hue?: number | [number, number] | null;
  /** Probability of jittering at all (SimCLR's RandomApply). Default 0.8; torchvision's bare ColorJitter is p = 1. */
  p?: number;
}

/** One step of a colour program: [opcode, a, b] (see the `colour` kernel). */
export type ColourStep = [number, number, number];

/** Run `steps` over the view in one pass; with `sums`, return the per-channel sums of the result. */
export function runColour(image: ViewImage, steps: ColourStep[], sums = false): [number, number, number] {
  const pixels = image.width * image.height;
  const totals: [number, number, number] = [0, 0, 0];
  const program = colourProgram(steps.map((step) => step[0]), sums);
  const factors = steps.flatMap((step) => [step[1], step[2]]);
  inArena(image, (ptr) => {
    const mark = arena.save();
    const out = sums ? arena.alloc(48) : 0;
    program(ptr, pixels, out, ...factors);
    if (sums) {
      const lanes = arena.f32(out, 12);
      for (let c = 0; c < 3; c++) totals[c] = lanes[c * 4] + lanes[c * 4 + 1] + lanes[c * 4 + 2] + lanes[c * 4 + 3];
    }
    arena.release(mark);
  });
  return totals;
}

/** Per-channel sums of the view. */
function channelSums(image: ViewImage): [number, number, number] {
  const totals: [number, number, number] = [0, 0, 0];
  inArena(image, (ptr) => {
    const mark = arena.save();
    const out = arena.alloc(16);
    kernels.channelSums(ptr, image.width * image.height, out);
    const s = arena.f32(out, 3);
    totals[0] = s[0]; totals[1] = s[1]; totals[2] = s[2];
    arena.release(mark);
  });
  return totals;
}

/** torchvision's `adjust_contrast` offset: (1 - factor) * mean luma, from per-channel sums. */
function contrastStep(factor: number, sums: [number, number, number], pixels: number): ColourStep {
  const mean = (LUMA_R * sums[0] + LUMA_G * sums[1] + LUMA_B * sums[2]) / pixels;
  return [COLOUR_OPS.affine, factor, (1 - factor) * mean];
}

const brightnessStep = (factor: number): ColourStep => [COLOUR_OPS.affine, factor, 0];
const saturationStep = (factor: number): ColourStep => [COLOUR_OPS.saturation, factor, 1 - factor];
const hueStep = (shift: number): ColourStep => [COLOUR_OPS.hue, 6 * shift, 0];

/** Multiply by `factor`, clip (torchvision `adjust_brightness`). */
export function adjustBrightness(image: ViewImage, factor: number): void {
  runColour(image, [brightnessStep(factor)]);
}

/** Blend with the mean of the grayscale image, clip (torchvision `adjust_contrast`). */
export function adjustContrast(image: ViewImage, factor: number): void {
  runColour(image, [contrastStep(factor, channelSums(image), image.width * image.height)]);
}

/** Blend with the grayscale image, clip (torchvision `adjust_saturation`). */
export function adjustSaturation(image: ViewImage, factor: number): void {
  runColour(image, [saturationStep(factor)]);
}

/** Rotate hue by `shift` turns through HSV, as torchvision's `_rgb2hsv` / `_hsv2rgb` do (gray pixels unchanged). */
export function adjustHue(image: ViewImage, shift: number): void {
  runColour(image, [hueStep(shift)]);
}

/**
 * The four ops in `order` (0 brightness, 1 contrast, 2 saturation, 3 hue; null factors skipped) in at most two
 * passes: contrast needs the mean of the image as it is when contrast runs, so the ops before it run first and
 * sum the result on the way.
 */
export function jitter(image: ViewImage, order: readonly number[], b: number | null, c: number | null, s: number | null,
  h: number | null): void {
  const before: ColourStep[] = [];
  const after: ColourStep[] = [];
  let seenContrast = false;
  for (const op of order) {
    if (op === 1) {
      seenContrast = c !== null;
      continue;
    }
    const step = op === 0 ? b !== null && brightnessStep(b) : op === 2 ? s !== null && saturationStep(s) : h !== null && hueStep(h);
    if (step) (seenContrast ? after : before).push(step);
  }
  if (c === null) {
    if (before.length > 0) runColour(image, before);
    return;
  }
  const pixels = image.width * image.height;
  const sums = before.length > 0 ? runColour(image, before, true) : channelSums(image);
  runColour(image, [contrastStep(c, sums, pixels), ...after]);
}

/** torchvision's `_check_input` for brightness, contrast and saturation: v becomes [max(0, 1 - v), 1 + v]; 0 disables. */
function factorRange(value: unknown, name: string, fallback: number): [number, number] | null {
  if (value === null) return null;
  const v = value ?? fallback;
  if (is.number(v) && v >= 0) return v === 0 ? null : [Math.max(0, 1 - v), 1 + v];
  if (is.range(v, 0, Number.MAX_VALUE)) return [v[0], v[1]];
  throw check.invalid(name, 'non-negative number or [lo, hi] with 0 <= lo <= hi', value);
}

/** torchvision's `_check_input` for hue: h becomes [-h, h] (h <= 0.5); 0 disables. */
function hueRange(value: unknown, name: string, fallback: number): [number, number] | null {
  if (value === null) return null;
  const v = value ?? fallback;
  if (is.inRange(v, 0, 0.5)) return v === 0 ? null : [-v, v];
  if (is.range(v, -0.5, 0.5)) return [v[0], v[1]];
  throw check.invalid(name, 'number between 0 and 0.5 or [lo, hi] with -0.5 <= lo <= hi <= 0.5', value);
}

const KEYS = ['brightness', 'contrast', 'saturation', 'hue', 'p'] as const;

/** Jitter brightness, contrast, saturation and hue in a random order per view. */
export function colorJitter(options?: ColorJitterOptions): Transform {
  const o = check.bag(options, 'options');
  check.known(o, 'options', KEYS);
  const brightness = factorRange(o.brightness, 'options.brightness', 0.8);
  const contrast = factorRange(o.contrast, 'options.contrast', 0.8);
  const saturation = factorRange(o.saturation, 'options.saturation', 0.8);
  const hue = hueRange(o.hue, 'options.hue', 0.2);
  const p = check.probability(o.p, 'options.p', 0.8);
  return {
    spec: { op: 'colorJitter', brightness, contrast, saturation, hue, p },
    kind: 'pixel',
    plan(plan, random) {
      if (!random.bernoulli(p)) return;
      const order = random.permutation(4);
      const b = brightness && random.uniform(brightness[0], brightness[1]);
      const c = contrast && random.uniform(contrast[0], contrast[1]);
      const s = saturation && random.uniform(saturation[0], saturation[1]);
      const h = hue && random.uniform(hue[0], hue[1]);
      plan.ops.push((image) => jitter(image, order, b, c, s, h));
    },
    outputSize: (input) => input,
  };
}
