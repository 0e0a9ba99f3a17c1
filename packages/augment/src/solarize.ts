// Random solarize (BYOL https://arxiv.org/abs/2006.07733, Table 6: threshold 0.5, p = 0 / 0.2 for the two views).

import type { ViewImage } from './image.js';
import * as check from './options.js';
import type { Transform } from './transform.js';

/** Options of solarize. */
export interface SolarizeOptions {
  /** Pixels >= threshold (on the [0, 1] scale) are inverted. Default 0.5. */
  threshold?: number;
  /** Probability of solarizing. Default 0.2. */
  p?: number;
}

/** Invert every channel value >= threshold (torchvision `solarize`). */
export function solarizeImage(image: ViewImage, threshold: number): void {
  const d = image.data;
  for (let i = 0; i < d.length; i++) if (d[i] >= threshold) d[i] = 1 - d[i];
}

/** Solarize the view with probability p. */
export function solarize(options?: SolarizeOptions): Transform {
  const o = check.bag(options, 'options');
  check.known(o, 'options', ['threshold', 'p']);
  const threshold = o.threshold === undefined ? 0.5 : o.threshold;
  if (typeof threshold !== 'number' || !(threshold >= 0 && threshold <= 1)) {
    throw check.invalid('options.threshold', 'number between 0 and 1', o.threshold);
  }
  const p = check.probability(o.p, 'options.p', 0.2);
  return {
    spec: { op: 'solarize', threshold, p },
    kind: 'pixel',
    plan(plan, random) {
      if (random.bernoulli(p)) plan.ops.push((image) => solarizeImage(image, threshold));
    },
    outputSize: (input) => input,
  };
}
