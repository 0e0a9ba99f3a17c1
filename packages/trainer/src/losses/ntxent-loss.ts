import * as tf from '@tensorflow/tfjs';
import { assertPositive } from '../validate.js';
import { l2Normalize } from './normalize.js';

/** Large negative logit that removes an anchor's similarity with itself (as google-research/simclr). */
export const SELF_MASK = -1e9;

/**
 * NT-Xent, the normalised temperature-scaled cross-entropy of SimCLR (https://arxiv.org/abs/2002.05709).
 *
 * Both views are L2-normalised; each of the 2N anchors scores its positive (the other view of the
 * same image) against the 2N-2 other embeddings with logits z_i . z_j / T, and the cross-entropy is
 * averaged over all 2N anchors. Default T = 0.1, the paper's ImageNet value; its CIFAR examples
 * (and lightly's default) use 0.5, which suits small images better.
 */
export class NTXentLoss {
  constructor(readonly temperature = 0.1) {
    assertPositive('temperature', temperature);
  }

  /** Loss of two batches of embeddings, each (batch, dim); returns a scalar. */
  call(z1: tf.Tensor2D, z2: tf.Tensor2D): tf.Scalar {
    return tf.tidy(() => {
      const n = z1.shape[0];
      const z = l2Normalize(tf.concat([z1, z2], 0));
      const logits = tf.matMul(z, z, false, true).div(this.temperature);
      const eye = tf.eye(2 * n);
      const masked = logits.add(eye.mul(SELF_MASK));
      // Anchor i's positive is i + N (mod 2N); a one-hot mask avoids gather, whose gradient
      // (UnsortedSegmentSum) some backends lack.
      const positives = tf.concat([tf.concat([tf.zeros([n, n]), tf.eye(n)], 1), tf.concat([tf.eye(n), tf.zeros([n, n])], 1)], 0);
      const positive = masked.mul(positives).sum(1);
      return tf.logSumExp(masked, 1).sub(positive).mean() as tf.Scalar;
    });
  }
}
