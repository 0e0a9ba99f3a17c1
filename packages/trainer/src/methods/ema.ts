import * as tf from '@tensorflow/tfjs';
import { MethodError } from '../errors.js';

/**
 * Exponential moving average of weights, in place: target = m * target + (1 - m) * source, over
 * the trainable weights of two models of the same architecture (matched by position). MoCo's key
 * encoder (m = 0.999) and BYOL's target network use it.
 */
export function emaUpdate(target: tf.LayersModel, source: tf.LayersModel, momentum: number): void {
  const t = target.trainableWeights;
  const s = source.trainableWeights;
  if (t.length !== s.length) {
    throw new MethodError(`emaUpdate: models differ (${t.length} against ${s.length} trainable weights)`);
  }
  tf.tidy(() => {
    t.forEach((w, i) => w.write(w.read().mul(momentum).add(s[i].read().mul(1 - momentum))));
  });
}

/** Copies every weight (trainable and BN statistics) of `source` into `target`. */
export function copyWeights(target: tf.LayersModel, source: tf.LayersModel): void {
  const weights = source.getWeights();
  target.setWeights(weights);
}
