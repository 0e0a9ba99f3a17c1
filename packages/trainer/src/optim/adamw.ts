import * as tf from '@tensorflow/tfjs';
import { assertNumber, assertPositive } from '../validate.js';
import { SlotOptimizer } from './slot-optimizer.js';

/** Options of AdamW; defaults are torch.optim.AdamW's. */
export interface AdamWOptions {
  /** Learning rate (default 1e-3). */
  learningRate?: number;
  /** First-moment decay (default 0.9). */
  beta1?: number;
  /** Second-moment decay (default 0.999). */
  beta2?: number;
  /** Denominator epsilon (default 1e-8). */
  epsilon?: number;
  /** Decoupled weight decay (default 1e-2). */
  weightDecay?: number;
}

/**
 * AdamW (https://arxiv.org/abs/1711.05101), decoupled weight decay as torch.optim.AdamW:
 * m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; w -= lr * (m/(1-b1^t) / (sqrt(v/(1-b2^t)) + eps) + wd * w).
 */
export class AdamW extends SlotOptimizer {
  static className = 'AdamW';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  protected readonly slotNames = ['m', 'v'] as const;

  constructor(options: AdamWOptions = {}) {
    super(options.learningRate ?? 1e-3);
    assertPositive('options.learningRate', this.learningRate);
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 1e-2;
    assertNumber('options.beta1', this.beta1, 0, 1);
    assertNumber('options.beta2', this.beta2, 0, 1);
    assertPositive('options.epsilon', this.epsilon);
    assertNumber('options.weightDecay', this.weightDecay, 0);
  }

  protected update(variable: tf.Variable, gradient: tf.Tensor, [m, v]: tf.Variable[]): tf.Tensor {
    const t = this.iterations + 1;
    const mNew = m.mul(this.beta1).add(gradient.mul(1 - this.beta1));
    const vNew = v.mul(this.beta2).add(gradient.square().mul(1 - this.beta2));
    m.assign(mNew);
    v.assign(vNew);
    const mHat = mNew.div(1 - this.beta1 ** t);
    const vHat = vNew.div(1 - this.beta2 ** t);
    const step = mHat.div(vHat.sqrt().add(this.epsilon)).add(variable.mul(this.weightDecay));
    return variable.sub(step.mul(this.learningRate));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      learningRate: this.learningRate,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      weightDecay: this.weightDecay,
    };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(config as unknown as AdamWOptions);
  }
}
tf.serialization.registerClass(AdamW);
