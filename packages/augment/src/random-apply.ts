// RandomApply: run a group of transforms with probability p (torchvision `RandomApply`).

import * as check from './options.js';
import type { Transform, TransformKind } from './transform.js';
import { isTransform } from './pipeline.js';

/** Options of randomApply. */
export interface RandomApplyOptions {
  /** Probability of applying the transforms. Default 0.5. */
  p?: number;
}

/** Apply `transforms` (in order) with probability p, or none of them. */
export function randomApply(transforms: Transform | Transform[], options?: RandomApplyOptions): Transform {
  const list = Array.isArray(transforms) ? transforms : [transforms];
  if (list.length === 0 || !list.every(isTransform)) throw check.invalid('transforms', 'a transform or a non-empty array of transforms', transforms);
  const o = check.bag(options, 'options');
  check.known(o, 'options', ['p']);
  const p = check.probability(o.p, 'options.p', 0.5);
  const order: TransformKind[] = ['flip', 'pixel', 'geometry', 'normalize'];
  const kind = list.map((t) => t.kind).reduce((a, b) => (order.indexOf(a) >= order.indexOf(b) ? a : b));
  return {
    spec: { op: 'randomApply', transforms: list.map((t) => t.spec), p },
    kind,
    plan(plan, random) {
      if (!random.bernoulli(p)) return;
      for (const t of list) t.plan(plan, random);
    },
    outputSize: (input) => {
      let size = input;
      for (const t of list) size = t.outputSize(size);
      return size && input && size[0] === input[0] && size[1] === input[1] ? size : undefined;
    },
  };
}
