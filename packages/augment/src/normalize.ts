// Normalize: (x - mean) / std per channel, applied while writing float32 output.

import * as is from './is.js';
import * as check from './options.js';
import type { Transform } from './transform.js';

/** Options of normalize; defaults are the ImageNet statistics every reference recipe uses. */
export interface NormalizeOptions {
  /** Per-channel mean on the [0, 1] scale, one value per output channel or one for all. Default [0.485, 0.456, 0.406]. */
  mean?: number[];
  /** Per-channel standard deviation, same shape as mean. Default [0.229, 0.224, 0.225]. */
  std?: number[];
}

function values(value: unknown, name: string, fallback: number[], positive: boolean): number[] {
  if (value === undefined) return fallback;
  if (!Array.isArray(value) || (value.length !== 1 && value.length !== 3) ||
    !value.every((v) => is.number(v) && (!positive || v > 0))) {
    throw check.invalid(name, `array of 1 or 3 ${positive ? 'positive ' : ''}numbers`, value);
  }
  return [...value];
}

/** Standardise each channel; needs dtype 'float32' and must be the last transform. */
export function normalize(options?: NormalizeOptions): Transform {
  const o = check.bag(options, 'options');
  check.known(o, 'options', ['mean', 'std']);
  const mean = values(o.mean, 'options.mean', [0.485, 0.456, 0.406], false);
  const std = values(o.std, 'options.std', [0.229, 0.224, 0.225], true);
  if (mean.length !== std.length) throw check.invalid('options.std', `array of ${mean.length} positive numbers (as many as options.mean)`, o.std);
  return {
    spec: { op: 'normalize', mean, std },
    kind: 'normalize',
    plan(plan) {
      plan.normalization = { mean, std };
    },
    outputSize: (input) => input,
  };
}
