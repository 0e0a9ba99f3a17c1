// Rebuild pipelines from their JSON specs (what the stream package posts to worker threads).

import { centerCrop } from './center-crop.js';
import { colorJitter } from './color-jitter.js';
import { invalidOption } from './errors.js';
import { gaussianBlur } from './gaussian-blur.js';
import { horizontalFlip } from './horizontal-flip.js';
import * as is from './is.js';
import { normalize } from './normalize.js';
import { compose, type Pipeline, type PipelineSpec } from './pipeline.js';
import { evaluation, mocoV2, simclr } from './presets.js';
import { randomApply } from './random-apply.js';
import { randomGrayscale } from './random-grayscale.js';
import { randomResizedCrop } from './random-resized-crop.js';
import { resize } from './resize.js';
import { solarize } from './solarize.js';
import type { Transform, TransformSpec } from './transform.js';

const OPS = ['randomResizedCrop', 'horizontalFlip', 'colorJitter', 'randomApply', 'randomGrayscale', 'gaussianBlur',
  'solarize', 'resize', 'centerCrop', 'normalize'];

/** Rebuild one transform from its spec; `name` is the spec's path for error messages. */
export function transformFromSpec(spec: TransformSpec, name = 'spec'): Transform {
  if (!is.object(spec)) throw invalidOption(name, 'transform spec object', spec);
  const { op, ...options } = spec as Record<string, unknown>;
  switch (op) {
    case 'randomResizedCrop': return randomResizedCrop(options as never);
    case 'horizontalFlip': return horizontalFlip(options);
    case 'colorJitter': return colorJitter(options);
    case 'randomGrayscale': return randomGrayscale(options);
    case 'gaussianBlur': return gaussianBlur(options);
    case 'solarize': return solarize(options);
    case 'resize': return resize(options as never);
    case 'centerCrop': return centerCrop(options);
    case 'normalize': return normalize(options);
    case 'randomApply': {
      const { transforms, ...rest } = options;
      if (!Array.isArray(transforms)) throw invalidOption(`${name}.transforms`, 'array of transform specs', transforms);
      return randomApply(transforms.map((t, i) => transformFromSpec(t, `${name}.transforms[${i}]`)), rest);
    }
    default:
      throw invalidOption(`${name}.op`, `one of ${OPS.join(', ')}`, op);
  }
}

/** Rebuild a pipeline from `pipeline.spec` (a preset name and options, or a list of transform specs). */
export function pipelineFromSpec(spec: PipelineSpec): Pipeline {
  if (!is.object(spec)) throw invalidOption('spec', 'pipeline spec object', spec);
  if ('compose' in spec) {
    const list = spec.compose;
    if (!Array.isArray(list)) throw invalidOption('spec.compose', 'array of transform specs', list);
    return compose(list.map((t, i) => transformFromSpec(t, `spec.compose[${i}]`)));
  }
  const { preset, ...options } = spec as Record<string, unknown>;
  switch (preset) {
    case 'simclr': return simclr(options);
    case 'mocoV2': return mocoV2(options);
    case 'evaluation': return evaluation(options);
    default: throw invalidOption('spec.preset', "one of 'simclr', 'mocoV2', 'evaluation' (or spec.compose)", preset);
  }
}
