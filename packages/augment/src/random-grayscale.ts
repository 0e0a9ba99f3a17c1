// Random grayscale (SimCLR https://arxiv.org/abs/2002.05709: p = 0.2), keeping three channels.

import { runColour } from './color-jitter.js';
import type { ViewImage } from './image.js';
import * as check from './options.js';
import type { Transform } from './transform.js';
import { COLOUR_OPS } from './wasm-kernels.js';

/** Options of randomGrayscale. */
export interface RandomGrayscaleOptions {
  /** Probability of converting. Default 0.2. */
  p?: number;
}

/** Replace R, G and B by the luma (torchvision `rgb_to_grayscale` weights, 3 channels kept): saturation 0. */
export function grayscale(image: ViewImage): void {
  runColour(image, [[COLOUR_OPS.saturation, 0, 1]]);
}

/** Convert the view to grayscale with probability p. */
export function randomGrayscale(options?: RandomGrayscaleOptions): Transform {
  const o = check.bag(options, 'options');
  check.known(o, 'options', ['p']);
  const p = check.probability(o.p, 'options.p', 0.2);
  return {
    spec: { op: 'randomGrayscale', p },
    kind: 'pixel',
    plan(plan, random) {
      if (random.bernoulli(p)) plan.ops.push(grayscale);
    },
    outputSize: (input) => input,
  };
}
