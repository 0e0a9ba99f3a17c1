// A pipeline: an ordered list of transforms plus its JSON spec. Building one only validates and records;
// `plan` draws a view's parameters in pipeline order and `ViewPlan.render` runs them in the engine's order.

import { invalidPipeline } from './errors.js';
import type { DecodedImage } from './image.js';
import { ViewPlan } from './plan.js';
import type { Random } from './random.js';
import type { Transform, TransformSpec } from './transform.js';

/** A preset pipeline described by name and options. */
export type PresetSpec =
  | { preset: 'simclr'; size?: number; strength?: number; blur?: boolean }
  | { preset: 'mocoV2'; size?: number }
  | { preset: 'evaluation'; size?: number; cropProportion?: number; interpolation?: 'bilinear' | 'bicubic' };

/** Plain-JSON description of a pipeline, safe to post to a worker thread and rebuild with `pipelineFromSpec`. */
export type PipelineSpec = PresetSpec | { compose: TransformSpec[] };

/** True for an object built by one of this package's transform factories. */
export function isTransform(value: unknown): value is Transform {
  return typeof value === 'object' && value !== null && typeof (value as Transform).plan === 'function' &&
    typeof (value as Transform).spec === 'object';
}

/** An immutable augmentation recipe. */
export class Pipeline {
  readonly spec: PipelineSpec;
  readonly transforms: readonly Transform[];
  /** [height, width] of every view when it does not depend on the input, else undefined. */
  readonly outputSize: [number, number] | undefined;

  constructor(transforms: readonly Transform[], spec?: PipelineSpec) {
    let seenPixel = false;
    let seenNormalize = false;
    transforms.forEach((t, i) => {
      if (t.kind === 'geometry' && seenPixel) {
        throw invalidPipeline(`transforms[${i}] (${t.spec.op}) changes geometry after a pixel transform; ` +
          'put crops and resizes first (flips may go anywhere)');
      }
      if (t.kind !== 'flip' && seenNormalize) {
        throw invalidPipeline(`transforms[${i}] (${t.spec.op}) follows normalize; normalize must come last`);
      }
      if (t.kind === 'pixel') seenPixel = true;
      if (t.kind === 'normalize') seenNormalize = true;
    });
    this.transforms = Object.freeze([...transforms]);
    this.spec = spec ?? { compose: transforms.map((t) => t.spec) };
    let size: [number, number] | undefined;
    for (const t of transforms) size = t.outputSize(size);
    this.outputSize = size;
  }

  /** True when the pipeline ends in normalize, so its output must be float32. */
  get normalizes(): boolean {
    return this.transforms.some((t) => t.kind === 'normalize');
  }

  /** Draw every parameter of one view of `source`. */
  plan(source: DecodedImage, random: Random): ViewPlan {
    const plan = new ViewPlan(source);
    for (const t of this.transforms) t.plan(plan, random);
    return plan;
  }
}

/** Chain transforms into a pipeline; geometry (crops, resizes) first, pixel ops next, normalize last. */
export function compose(transforms: Transform[]): Pipeline {
  if (!Array.isArray(transforms) || !transforms.every(isTransform)) {
    throw invalidPipeline('compose() takes an array of transforms made by this package');
  }
  return new Pipeline(transforms);
}
