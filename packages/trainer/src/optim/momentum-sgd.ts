import * as tf from '@tensorflow/tfjs';
import { assertNumber, assertPositive } from '../validate.js';
import { SlotOptimizer } from './slot-optimizer.js';

/** Options of MomentumSGD; defaults follow torch.optim.SGD as MoCo uses it. */
export interface MomentumSGDOptions {
  learningRate: number;
  /** Momentum (default 0.9). */
  momentum?: number;
  /** L2 weight decay added to the gradient (default 0). */
  weightDecay?: number;
  /** Nesterov momentum (default false). */
  nesterov?: boolean;
}

/**
 * SGD with momentum and coupled weight decay, exactly torch.optim.SGD (dampening 0):
 * g' = g + wd * w;  v = mu * v + g';  w -= lr * v  (Nesterov: w -= lr * (g' + mu * v)).
 * tfjs' MomentumOptimizer has no weight decay, hence this class.
 */
export class MomentumSGD extends SlotOptimizer {
  static className = 'MomentumSGD';
  readonly momentum: number;
  readonly weightDecay: number;
  readonly nesterov: boolean;
  protected readonly slotNames = ['momentum'] as const;

  constructor(options: MomentumSGDOptions) {
    super(options.learningRate);
    assertPositive('options.learningRate', options.learningRate);
    this.momentum = options.momentum ?? 0.9;
    this.weightDecay = options.weightDecay ?? 0;
    this.nesterov = options.nesterov ?? false;
    assertNumber('options.momentum', this.momentum, 0, 1);
    assertNumber('options.weightDecay', this.weightDecay, 0);
  }

  protected update(variable: tf.Variable, gradient: tf.Tensor, [velocity]: tf.Variable[]): tf.Tensor {
    const g = this.weightDecay > 0 ? gradient.add(variable.mul(this.weightDecay)) : gradient;
    const v = velocity.mul(this.momentum).add(g);
    velocity.assign(v);
    const step = this.nesterov ? g.add(v.mul(this.momentum)) : v;
    return variable.sub(step.mul(this.learningRate));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, momentum: this.momentum, weightDecay: this.weightDecay, nesterov: this.nesterov };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(config as unknown as MomentumSGDOptions);
  }
}
tf.serialization.registerClass(MomentumSGD);
