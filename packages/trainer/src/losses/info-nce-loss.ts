import * as tf from '@tensorflow/tfjs';
import { assertPositive } from '../validate.js';
import { l2Normalize } from './normalize.js';

/**
 * InfoNCE as MoCo computes it (https://arxiv.org/abs/1911.05722): logits [l_pos, l_neg] / T with
 * the positive at index 0 and the negatives drawn from a queue of keys. Default T = 0.2 (MoCo v2;
 * v1 used 0.07).
 */
export class InfoNCELoss {
  constructor(readonly temperature = 0.2) {
    assertPositive('temperature', temperature);
  }

  /**
   * Loss of queries q (batch, dim) against their keys k (batch, dim) and the negatives in
   * queue (K, dim); q and k are L2-normalised here, the queue is expected to hold unit rows.
   * Returns a scalar, the cross-entropy averaged over the batch.
   */
  call(q: tf.Tensor2D, k: tf.Tensor2D, queue: tf.Tensor2D): tf.Scalar {
    return tf.tidy(() => {
      const qn = l2Normalize(q);
      const kn = l2Normalize(k);
      const lPos = qn.mul(kn).sum(1, true);
      const lNeg = tf.matMul(qn, queue, false, true);
      const logits = tf.concat([lPos, lNeg], 1).div(this.temperature);
      return tf.logSumExp(logits, 1).sub(logits.slice([0, 0], [-1, 1]).reshape([-1])).mean() as tf.Scalar;
    });
  }
}
