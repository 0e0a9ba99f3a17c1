// The shape every transform shares: a JSON spec plus a planner that draws parameters for one view.

import type { ViewPlan } from './plan.js';
import type { Random } from './random.js';
import type { Interpolation } from './resample.js';

/** Where a transform may sit: geometry before pixel ops, flips anywhere, normalize last. */
export type TransformKind = 'geometry' | 'flip' | 'pixel' | 'normalize';

/** JSON description of one transform; `pipelineFromSpec` turns it back into the transform. */
export type TransformSpec =
  | { op: 'randomResizedCrop'; size: number | [number, number]; scale: [number, number]; ratio: [number, number]; interpolation: Interpolation }
  | { op: 'horizontalFlip'; p: number }
  | { op: 'colorJitter'; brightness: [number, number] | null; contrast: [number, number] | null; saturation: [number, number] | null; hue: [number, number] | null; p: number }
  | { op: 'randomApply'; transforms: TransformSpec[]; p: number }
  | { op: 'randomGrayscale'; p: number }
  | { op: 'gaussianBlur'; sigma: [number, number]; kernelSize: number | 'auto'; p: number }
  | { op: 'solarize'; threshold: number; p: number }
  | { op: 'resize'; size: number | [number, number]; interpolation: Interpolation }
  | { op: 'centerCrop'; size: number | [number, number] }
  | { op: 'centerCrop'; proportion: number }
  | { op: 'normalize'; mean: number[]; std: number[] };

/** One augmentation step. */
export interface Transform {
  /** JSON form, enough to rebuild this transform in another thread. */
  readonly spec: TransformSpec;
  readonly kind: TransformKind;
  /** Draw this transform's random parameters for one view and record its work in the plan. */
  plan(plan: ViewPlan, random: Random): void;
  /** Output [height, width] given the input size (undefined when unknown), or undefined when it varies. */
  outputSize(input: [number, number] | undefined): [number, number] | undefined;
}
