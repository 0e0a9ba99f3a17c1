import type * as tf from '@tensorflow/tfjs';
import { BatchError } from '../errors.js';

/** Throws BatchError unless `views` holds `count` tensors of one shape (batch, h, w, c). Returns the batch size. */
export function checkViews(method: string, views: tf.Tensor4D[], count: number): number {
  if (views.length !== count) {
    throw new BatchError(`${method} trains on ${count} views per image but the batch has ${views.length}`);
  }
  const shape = views[0].shape.join('x');
  for (const v of views) {
    if (v.shape.join('x') !== shape) throw new BatchError(`${method}: views differ in shape (${shape} and ${v.shape.join('x')})`);
  }
  return views[0].shape[0];
}
