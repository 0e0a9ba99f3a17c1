// Resize for evaluation pipelines (torchvision `Resize`).

import * as check from './options.js';
import type { Interpolation } from './resample.js';
import type { Transform } from './transform.js';

/** Options of resize. */
export interface ResizeOptions {
  /** A number resizes the shorter side to it, keeping the aspect ratio (torchvision); [height, width] is exact. Required. */
  size: number | [number, number];
  /** Resize filter. Default 'bilinear'. */
  interpolation?: Interpolation;
}

/** torchvision's output size for an int size: shorter side = size, longer = floor(size * long / short). */
export function resizedSize(size: number | [number, number], height: number, width: number): [number, number] {
  if (Array.isArray(size)) return size;
  return width <= height ? [Math.floor(size * height / width), size] : [size, Math.floor(size * width / height)];
}

/** Resize the view (antialiased when shrinking, like torchvision's `antialias=True`). */
export function resize(options: ResizeOptions): Transform {
  const o = check.bag(options, 'options');
  check.known(o, 'options', ['size', 'interpolation']);
  const [h, w] = check.size(o.size, 'options.size');
  const size: number | [number, number] = Array.isArray(o.size) ? [h, w] : h;
  const interpolation = check.oneOf(o.interpolation, 'options.interpolation', ['bilinear', 'bicubic'], 'bilinear');
  return {
    spec: { op: 'resize', size, interpolation },
    kind: 'geometry',
    plan(plan) {
      const [height, width] = resizedSize(size, plan.height, plan.width);
      plan.resize(width, height, interpolation);
    },
    outputSize: (input) => (Array.isArray(size) ? size : input && resizedSize(size, input[0], input[1])),
  };
}
