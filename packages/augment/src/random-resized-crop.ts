// RandomResizedCrop (Szegedy et al. 2015, "Going deeper with convolutions", https://arxiv.org/abs/1409.4842;
// SimCLR https://arxiv.org/abs/2002.05709) with torchvision's sampling.

import * as check from './options.js';
import type { Random } from './random.js';
import type { Interpolation } from './resample.js';
import type { Transform } from './transform.js';

/** Options of randomResizedCrop; defaults are SimCLR's and torchvision's. */
export interface RandomResizedCropOptions {
  /** Output size: a side in pixels or [height, width]. Required. */
  size: number | [number, number];
  /** Range of the crop's area as a fraction of the image. Default [0.08, 1] (MoCo v2 uses [0.2, 1]). */
  scale?: [number, number];
  /** Range of the crop's aspect ratio (width / height), sampled log-uniformly. Default [3/4, 4/3]. */
  ratio?: [number, number];
  /** Resize filter. Default 'bilinear' (torchvision); SimCLR's TensorFlow code uses 'bicubic'. */
  interpolation?: Interpolation;
}

/** A crop box in pixels. */
export interface CropBox {
  top: number;
  left: number;
  height: number;
  width: number;
}

/** Python's round(): half to even, as torchvision's `int(round(...))` does. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** torchvision's `RandomResizedCrop.get_params`: 10 attempts, log-uniform ratio, then a centre-crop fallback. */
export function sampleCrop(width: number, height: number, scale: readonly [number, number], ratio: readonly [number, number],
  random: Random): CropBox {
  const area = width * height;
  const logLo = Math.log(ratio[0]);
  const logHi = Math.log(ratio[1]);
  for (let attempt = 0; attempt < 10; attempt++) {
    const targetArea = area * random.uniform(scale[0], scale[1]);
    const aspect = Math.exp(random.uniform(logLo, logHi));
    const w = roundHalfEven(Math.sqrt(targetArea * aspect));
    const h = roundHalfEven(Math.sqrt(targetArea / aspect));
    if (w > 0 && w <= width && h > 0 && h <= height) {
      const top = random.int(height - h + 1);
      const left = random.int(width - w + 1);
      return { top, left, height: h, width: w };
    }
  }
  const inRatio = width / height;
  let w = width;
  let h = height;
  if (inRatio < ratio[0]) h = roundHalfEven(w / ratio[0]);
  else if (inRatio > ratio[1]) w = roundHalfEven(h * ratio[1]);
  return { top: Math.floor((height - h) / 2), left: Math.floor((width - w) / 2), height: h, width: w };
}

const KEYS = ['size', 'scale', 'ratio', 'interpolation'] as const;

/** Crop a random box (area fraction `scale`, aspect `ratio`) and resize it to `size`; small images are resized up. */
export function randomResizedCrop(options: RandomResizedCropOptions): Transform {
  const o = check.bag(options, 'options');
  check.known(o, 'options', KEYS);
  const [height, width] = check.size(o.size, 'options.size');
  const scale = check.pair(o.scale, 'options.scale', 0, 1, [0.08, 1]);
  if (scale[1] === 0) throw check.invalid('options.scale', '[lo, hi] with hi > 0', o.scale);
  const ratio = check.positivePair(o.ratio, 'options.ratio', [3 / 4, 4 / 3]);
  const interpolation = check.oneOf(o.interpolation, 'options.interpolation', ['bilinear', 'bicubic'], 'bilinear');
  return {
    spec: { op: 'randomResizedCrop', size: o.size as number | [number, number], scale, ratio, interpolation },
    kind: 'geometry',
    plan(plan, random) {
      const box = sampleCrop(plan.width, plan.height, scale, ratio, random);
      plan.crop(box.left, box.top, box.width, box.height);
      plan.resize(width, height, interpolation);
    },
    outputSize: () => [height, width],
  };
}
