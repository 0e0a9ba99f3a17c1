// The papers' recipes as ready pipelines (see ../../shared REFERENCE: SimCLR, MoCo v2 aug+, SimCLR evaluation).

import { centerCrop } from './center-crop.js';
import { colorJitter } from './color-jitter.js';
import { gaussianBlur } from './gaussian-blur.js';
import { horizontalFlip } from './horizontal-flip.js';
import * as is from './is.js';
import * as check from './options.js';
import { Pipeline } from './pipeline.js';
import { randomGrayscale } from './random-grayscale.js';
import { randomResizedCrop } from './random-resized-crop.js';
import { resize } from './resize.js';

function side(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(is.integer(value) && value > 0)) throw check.invalid('options.size', 'positive integer', value);
  return value;
}

/** Options of the simclr preset. */
export interface SimCLROptions {
  /** Output side in pixels. Default 224 (CIFAR: 32). */
  size?: number;
  /** Colour distortion strength s: jitter (0.8s, 0.8s, 0.8s, 0.2s). Default 1 (SimCLR's CIFAR runs use 0.5). */
  strength?: number;
  /** Include the Gaussian blur (p = 0.5). Default true; SimCLR drops it for CIFAR-10. */
  blur?: boolean;
}

/**
 * SimCLR (Chen et al. 2020, https://arxiv.org/abs/2002.05709, Appendix A): random resized crop [0.08, 1], flip,
 * colour jitter with p 0.8, grayscale with p 0.2, blur with p 0.5 and sigma U(0.1, 2).
 */
export function simclr(options?: SimCLROptions): Pipeline {
  const o = check.bag(options, 'options');
  check.known(o, 'options', ['size', 'strength', 'blur']);
  const size = side(o.size, 224);
  const strength = o.strength ?? 1;
  if (!is.inRange(strength, 0, 1.25)) throw check.invalid('options.strength', 'number between 0 and 1.25', o.strength);
  const blur = o.blur ?? true;
  if (typeof blur !== 'boolean') throw check.invalid('options.blur', 'boolean', o.blur);
  const s = strength;
  return new Pipeline([
    randomResizedCrop({ size }),
    horizontalFlip({ p: 0.5 }),
    colorJitter({ brightness: 0.8 * s, contrast: 0.8 * s, saturation: 0.8 * s, hue: 0.2 * s, p: 0.8 }),
    randomGrayscale({ p: 0.2 }),
    ...(blur ? [gaussianBlur({ sigma: [0.1, 2], p: 0.5 })] : []),
  ], { preset: 'simclr', size, strength, blur });
}

/** Options of the mocoV2 preset. */
export interface MoCoV2Options {
  /** Output side in pixels. Default 224. */
  size?: number;
}

/**
 * MoCo v2 "aug+" (Chen et al. 2020, https://arxiv.org/abs/2003.04297): random resized crop [0.2, 1], jitter
 * (0.4, 0.4, 0.4, 0.1) with p 0.8, grayscale p 0.2, blur p 0.5 sigma U(0.1, 2), flip. Normalisation is left to the model.
 */
export function mocoV2(options?: MoCoV2Options): Pipeline {
  const o = check.bag(options, 'options');
  check.known(o, 'options', ['size']);
  const size = side(o.size, 224);
  return new Pipeline([
    randomResizedCrop({ size, scale: [0.2, 1] }),
    colorJitter({ brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1, p: 0.8 }),
    randomGrayscale({ p: 0.2 }),
    gaussianBlur({ sigma: [0.1, 2], p: 0.5 }),
    horizontalFlip({ p: 0.5 }),
  ], { preset: 'mocoV2', size });
}

/** Options of the evaluation preset. */
export interface EvaluationOptions {
  /** Output side in pixels. Default 224. */
  size?: number;
  /** Fraction of the shorter side kept by the centre crop. Default 0.875 (= torchvision's Resize(256) + CenterCrop(224)). */
  cropProportion?: number;
  /** Resize filter. Default 'bilinear' (torchvision); SimCLR's TensorFlow code uses 'bicubic'. */
  interpolation?: 'bilinear' | 'bicubic';
}

/** SimCLR's evaluation transform: square centre crop of `cropProportion` of the shorter side, resized to `size`. */
export function evaluation(options?: EvaluationOptions): Pipeline {
  const o = check.bag(options, 'options');
  check.known(o, 'options', ['size', 'cropProportion', 'interpolation']);
  const size = side(o.size, 224);
  const cropProportion = o.cropProportion ?? 0.875;
  if (!is.inRange(cropProportion, Number.MIN_VALUE, 1)) {
    throw check.invalid('options.cropProportion', 'number in (0, 1]', o.cropProportion);
  }
  const interpolation = check.oneOf(o.interpolation, 'options.interpolation', ['bilinear', 'bicubic'], 'bilinear');
  return new Pipeline([centerCrop({ proportion: cropProportion }), resize({ size: [size, size], interpolation })],
    { preset: 'evaluation', size, cropProportion, interpolation });
}
