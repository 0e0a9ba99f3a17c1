import * as tf from '@tensorflow/tfjs';
import { BatchError } from '../errors.js';

/**
 * A batch of augmented views, as @twinflow/stream's ViewBatch delivers it (the trainer does not
 * depend on the stream package; any object of this shape works).
 */
export interface TrainBatch {
  /** One NHWC buffer per view, each size x height x width x channels values (uint8 0..255 or float32). */
  views: ArrayLike<number>[];
  size: number;
  height: number;
  width: number;
  channels: number;
  /** Class per image, -1 when unknown. */
  labels?: Int32Array;
  /** Lets the producer reuse the buffers; called once the tensors are made. */
  release?(): void;
}

/** Float32 tensors (size, height, width, channels) of a batch's views, values as given (0..255 for uint8). */
export function viewTensors(batch: TrainBatch): tf.Tensor4D[] {
  const { size, height, width, channels } = batch;
  const n = size * height * width * channels;
  return batch.views.map((view, i) => {
    if (view.length !== n) {
      throw new BatchError(
        `view ${i} holds ${view.length} values but the batch declares ${size}x${height}x${width}x${channels} = ${n}`,
      );
    }
    const values = view instanceof Float32Array ? view : Float32Array.from(view);
    return tf.tensor4d(values, [size, height, width, channels], 'float32');
  });
}
