// Random horizontal flip (SimCLR and MoCo v2 both flip with p = 0.5).

import * as check from './options.js';
import type { Transform } from './transform.js';

/** Options of horizontalFlip. */
export interface HorizontalFlipOptions {
  /** Probability of flipping. Default 0.5. */
  p?: number;
}

/** Mirror the view left-right with probability p. */
export function horizontalFlip(options?: HorizontalFlipOptions): Transform {
  const o = check.bag(options, 'options');
  check.known(o, 'options', ['p']);
  const p = check.probability(o.p, 'options.p', 0.5);
  return {
    spec: { op: 'horizontalFlip', p },
    kind: 'flip',
    plan(plan, random) {
      if (random.bernoulli(p)) plan.flip();
    },
    outputSize: (input) => input,
  };
}
