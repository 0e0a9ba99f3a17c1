// Shared by the engine's backend comparisons (test/backend-*.test.ts, test/models-encoders.test.ts) and by
// bench/conditioning.ts, which measures the noise floor those tests' tolerances rest on: both must compute
// the same step and the same error.
import * as tf from '@tensorflow/tfjs';

/** SimCLR's NT-Xent (T = 0.5) over 2N embeddings (2N, dim) whose positives are i <-> i + N. */
export function ntXent(z: tf.Tensor): tf.Scalar {
  const n2 = z.shape[0];
  const unit = tf.div(z, tf.norm(z, 2, 1, true));
  const logits = tf.sub(tf.div(tf.matMul(unit, unit, false, true), 0.5), tf.mul(tf.eye(n2), 1e9));
  const positives = tf.oneHot(tf.tensor1d([...Array(n2).keys()].map((i) => (i + n2 / 2) % n2), 'int32'), n2);
  return tf.losses.softmaxCrossEntropy(positives, logits) as tf.Scalar;
}

/** max |actual - expected| / max |expected|: an error relative to the tensor's scale, not per element. */
export function relativeError(actual: Float32Array, expected: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return diff / scale;
}
