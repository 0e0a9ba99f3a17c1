// Render one view of a small synthetic image through a pipeline, for transform tests.

import type { DecodedImage } from '../../src/image.js';
import { compose } from '../../src/pipeline.js';
import { Random } from '../../src/random.js';
import type { Transform } from '../../src/transform.js';
import { picture } from './images.js';

/** The synthetic test picture as a decoded image. */
export function decoded(width: number, height: number): DecodedImage {
  return { data: new Uint8Array(picture(width, height)), width, height };
}

/** One rendered view (a copy, float RGB HWC) of `source` through `transforms`, drawing from a fixed generator. */
export function renderWith(source: DecodedImage, transforms: Transform[], seed = 1): { data: Float32Array; width: number; height: number } {
  const view = compose(transforms).plan(source, new Random(seed, 2, 3, 4)).render();
  return { data: view.data.slice(), width: view.width, height: view.height };
}

/** The source as float RGB in [0, 1]. */
export function asFloat(source: DecodedImage): Float32Array {
  return Float32Array.from(source.data, (v) => v / 255);
}
