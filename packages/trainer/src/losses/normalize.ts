import * as tf from '@tensorflow/tfjs';

/** Row-wise L2 normalisation of (batch, dim); norms are floored at 1e-12 as torch's F.normalize does. */
export function l2Normalize(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => x.div(tf.maximum(x.square().sum(1, true).sqrt(), 1e-12)));
}
