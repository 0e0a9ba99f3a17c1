// Center crop for evaluation pipelines: a fixed size (torchvision `CenterCrop`) or a proportion of the
// shorter side (SimCLR's `center_crop`, crop_proportion 0.875).

import * as is from './is.js';
import * as check from './options.js';
import { roundHalfEven } from './random-resized-crop.js';
import type { Transform } from './transform.js';

/** Options of centerCrop: exactly one of size and proportion. */
export interface CenterCropOptions {
  /** Crop size in pixels, a side or [height, width]; larger than the view pads with zeros (torchvision). */
  size?: number | [number, number];
  /** Square crop of this fraction of the shorter side, in (0, 1] (SimCLR: 0.875). */
  proportion?: number;
}

/** Keep the centre of the view. */
export function centerCrop(options: CenterCropOptions): Transform {
  const o = check.bag(options, 'options');
  check.known(o, 'options', ['size', 'proportion']);
  if ((o.size === undefined) === (o.proportion === undefined)) {
    throw check.invalid('options', 'exactly one of options.size and options.proportion', o);
  }
  if (o.proportion !== undefined) {
    const proportion = o.proportion;
    if (!is.inRange(proportion, Number.MIN_VALUE, 1)) throw check.invalid('options.proportion', 'number in (0, 1]', proportion);
    return {
      spec: { op: 'centerCrop', proportion },
      kind: 'geometry',
      plan(plan) {
        const side = Math.max(1, roundHalfEven(proportion * Math.min(plan.width, plan.height)));
        // SimCLR's offsets: ((dim - crop) + 1) // 2.
        plan.crop(Math.floor((plan.width - side + 1) / 2), Math.floor((plan.height - side + 1) / 2), side, side);
      },
      outputSize: (input) => {
        if (!input) return undefined;
        const side = Math.max(1, roundHalfEven(proportion * Math.min(input[0], input[1])));
        return [side, side];
      },
    };
  }
  const [height, width] = check.size(o.size, 'options.size');
  return {
    spec: { op: 'centerCrop', size: Array.isArray(o.size) ? [height, width] : height },
    kind: 'geometry',
    plan(plan) {
      // torchvision: int(round((dim - crop) / 2.0)); negative offsets pad.
      plan.crop(roundHalfEven((plan.width - width) / 2), roundHalfEven((plan.height - height) / 2), width, height);
    },
    outputSize: () => [height, width],
  };
}
