import * as tf from '@tensorflow/tfjs';
import { assertFunction, assertNumber, assertPositive } from '../validate.js';
import { SlotOptimizer, excludeBatchNormAndBias } from './slot-optimizer.js';
import type { ExcludePredicate } from './slot-optimizer.js';

/** Options of LARS; defaults are google-research/simclr's. */
export interface LARSOptions {
  learningRate: number;
  /** Momentum (default 0.9). */
  momentum?: number;
  /** Weight decay (default 1e-6; the SimCLR README's ImageNet command uses 1e-4). */
  weightDecay?: number;
  /** Trust coefficient eeta (default 0.001). */
  trustCoefficient?: number;
  /** Variables excluded from weight decay and trust-ratio adaptation (default: BN parameters and biases). */
  exclude?: ExcludePredicate;
}

/**
 * LARS (https://arxiv.org/abs/1708.03888) as google-research/simclr's lars_optimizer.py with
 * classic momentum: g' = g + wd * w; trust = eeta * |w| / |g'| (1 when either norm is 0);
 * v = mu * v + lr * trust * g'; w -= v. Excluded variables get neither decay nor adaptation.
 */
export class LARS extends SlotOptimizer {
  static className = 'LARS';
  readonly momentum: number;
  readonly weightDecay: number;
  readonly trustCoefficient: number;
  readonly exclude: ExcludePredicate;
  protected readonly slotNames = ['momentum'] as const;
  private excluded = new Map<string, boolean>();

  constructor(options: LARSOptions) {
    super(options.learningRate);
    assertNumber('options.learningRate', options.learningRate, 0);
    this.momentum = options.momentum ?? 0.9;
    this.weightDecay = options.weightDecay ?? 1e-6;
    this.trustCoefficient = options.trustCoefficient ?? 0.001;
    this.exclude = options.exclude ?? excludeBatchNormAndBias;
    assertNumber('options.momentum', this.momentum, 0, 1);
    assertNumber('options.weightDecay', this.weightDecay, 0);
    assertPositive('options.trustCoefficient', this.trustCoefficient);
    assertFunction('options.exclude', this.exclude);
  }

  protected update(variable: tf.Variable, gradient: tf.Tensor, [velocity]: tf.Variable[]): tf.Tensor {
    let excluded = this.excluded.get(variable.name);
    if (excluded === undefined) {
      excluded = this.exclude(variable.name, variable);
      this.excluded.set(variable.name, excluded);
    }
    let g = gradient;
    let lr: tf.Tensor | number = this.learningRate;
    if (!excluded) {
      if (this.weightDecay > 0) g = g.add(variable.mul(this.weightDecay));
      const wNorm = tf.norm(variable);
      const gNorm = tf.norm(g);
      const one = tf.onesLike(wNorm);
      const trust = tf.where(
        wNorm.greater(0),
        tf.where(gNorm.greater(0), wNorm.mul(this.trustCoefficient).div(gNorm), one),
        one,
      );
      lr = trust.mul(this.learningRate);
    }
    const v = velocity.mul(this.momentum).add(g.mul(lr));
    velocity.assign(v);
    return variable.sub(v);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      learningRate: this.learningRate,
      momentum: this.momentum,
      weightDecay: this.weightDecay,
      trustCoefficient: this.trustCoefficient,
    };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(config as unknown as LARSOptions);
  }
}
tf.serialization.registerClass(LARS);
