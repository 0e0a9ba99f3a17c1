import * as tf from '@tensorflow/tfjs';
import type { LayerVariable } from '@tensorflow/tfjs';

/** PyTorch's defaults: momentum 0.1 of the new batch statistic (Keras momentum 0.9), epsilon 1e-5. */
export const batchNormDefaults = { momentum: 0.9, epsilon: 1e-5 } as const;

export interface BatchNormArgs {
  /** Weight kept by the running statistics per update, Keras convention (= 1 - PyTorch momentum). */
  momentum?: number;
  epsilon?: number;
  /** Learn a shift (beta); SimCLR v2's last head BN turns it off. */
  center?: boolean;
  /** Learn a scale (gamma). */
  scale?: boolean;
  name?: string;
  trainable?: boolean;
}

type Serialized = tf.serialization.ConfigDict;

/**
 * Batch normalisation over every axis but the last (NHWC or (batch, dim)) with a closed-form gradient:
 * one custom op whose backward is dbeta = sum(dy), dgamma = sum(dy * xhat),
 * dx = gamma / sigma * (dy - dbeta / m - xhat * dgamma / m). tfjs's own BatchNormalization differentiates
 * moments + FusedBatchNorm op by op (Tile, broadcasts, several saved intermediates); this keeps one saved
 * tensor (xhat) and ~7 element-wise passes. Running variance is updated with the unbiased batch variance,
 * as PyTorch does. Keras weight names (gamma, beta, moving_mean, moving_variance).
 */
export class BatchNorm extends tf.layers.Layer {
  static readonly className = 'TwinflowBatchNorm';
  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  private gamma?: LayerVariable;
  private beta?: LayerVariable;
  private movingMean!: LayerVariable;
  private movingVariance!: LayerVariable;

  constructor(args: BatchNormArgs = {}) {
    super(args);
    this.momentum = args.momentum ?? batchNormDefaults.momentum;
    this.epsilon = args.epsilon ?? batchNormDefaults.epsilon;
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const channels = shape[shape.length - 1];
    if (channels == null) throw new Error(`${this.name}: the last axis of the input must have a known size`);
    if (this.scale) this.gamma = this.addWeight('gamma', [channels], 'float32', tf.initializers.ones(), undefined, true);
    if (this.center) this.beta = this.addWeight('beta', [channels], 'float32', tf.initializers.zeros(), undefined, true);
    this.movingMean = this.addWeight('moving_mean', [channels], 'float32', tf.initializers.zeros(), undefined, false);
    this.movingVariance = this.addWeight('moving_variance', [channels], 'float32', tf.initializers.ones(), undefined, false);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const channels = x.shape[x.rank - 1];
      const gamma = this.gamma?.read() ?? tf.ones([channels]);
      const beta = this.beta?.read() ?? tf.zeros([channels]);
      if (kwargs.training !== true) {
        return tf.batchNorm(x, this.movingMean.read(), this.movingVariance.read(), beta, gamma, this.epsilon);
      }
      const axes = [...Array(x.rank - 1).keys()];
      const count = x.size / channels;
      const normalize = tf.customGrad((input, g, b, save) => {
        const inp = input as tf.Tensor;
        const mean = tf.mean(inp, axes);
        const centered = tf.sub(inp, mean);
        const variance = tf.mean(tf.square(centered), axes);
        // Updated here because customGrad runs this function in a tidy that frees mean and variance.
        this.updateRunningStats(mean, tf.mul(variance, count / Math.max(count - 1, 1)));
        const invStd = tf.rsqrt(tf.add(variance, this.epsilon));
        const xhat = tf.mul(centered, invStd);
        const gammaInvStd = tf.mul(g as tf.Tensor, invStd);
        (save as tf.GradSaveFunc)([xhat, gammaInvStd]);
        return {
          value: tf.add(tf.mul(xhat, g as tf.Tensor), b as tf.Tensor),
          gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
            const dout = dy as tf.Tensor;
            const [savedXhat, savedGammaInvStd] = saved;
            const dbeta = tf.sum(dout, axes);
            const dgamma = tf.sum(tf.mul(dout, savedXhat), axes);
            const dx = tf.mul(
              tf.sub(tf.sub(dout, tf.div(dbeta, count)), tf.mul(savedXhat, tf.div(dgamma, count))),
              savedGammaInvStd);
            return [dx, dgamma, dbeta];
          },
        };
      });
      return normalize(x, gamma, beta);
    });
  }

  private updateRunningStats(mean: tf.Tensor, unbiasedVariance: tf.Tensor): void {
    const m = this.momentum;
    this.movingMean.write(tf.add(tf.mul(this.movingMean.read(), m), tf.mul(mean, 1 - m)));
    this.movingVariance.write(tf.add(tf.mul(this.movingVariance.read(), m), tf.mul(unbiasedVariance, 1 - m)));
  }

  override getConfig(): Serialized {
    return { ...super.getConfig(), momentum: this.momentum, epsilon: this.epsilon, center: this.center, scale: this.scale };
  }
}
tf.serialization.registerClass(BatchNorm);
