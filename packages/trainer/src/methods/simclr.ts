import * as tf from '@tensorflow/tfjs';
import { MethodError } from '../errors.js';
import { chunkedGradientStep, gradientStep, trainableVariables } from '../gradient-step.js';
import { SimCLRProjectionHead } from '../heads/simclr-projection-head.js';
import { NTXentLoss } from '../losses/ntxent-loss.js';
import type { EncoderFactory, InputShape, Method, MethodState, StepContext, StepResult } from '../method.js';
import { LARS } from '../optim/lars.js';
import type { ExcludePredicate } from '../optim/slot-optimizer.js';
import { scaleLearningRate, warmupCosine } from '../schedules/schedules.js';
import type { LearningRateScaling } from '../schedules/schedules.js';
import { assertFunction, assertInteger, assertNumber, assertOneOf, assertPositive } from '../validate.js';
import { checkViews } from './check-views.js';
import { encoderFactory, featureDim } from './encoder.js';
import type { EncoderSpec } from './encoder.js';
import { splitByPrefix } from './state.js';

/** Options of SimCLR; every default is google-research/simclr's (https://arxiv.org/abs/2002.05709). */
export interface SimCLROptions {
  /** Encoder: an architecture name for createEncoder ('convnet', 'resnet18-cifar', 'resnet18', 'resnet34', 'resnet50') or a factory of the input shape. */
  encoder: EncoderSpec;
  /** Projection head version: 1 = two layers, 2 = three layers with a final BN (default 2, SimCLR v2). */
  headVersion?: 1 | 2;
  /** Hidden width of the head (default: the encoder's feature width). */
  hiddenDim?: number;
  /** Output width of the head (default 128). */
  projectionDim?: number;
  /** NT-Xent temperature (default 0.1, ImageNet; the CIFAR runs use 0.5). */
  temperature?: number;
  /** Base learning rate before batch scaling (default 0.3 for linear, 0.075 for sqrt scaling). */
  learningRate?: number;
  /** 'linear': base x B/256 (default, as the reference); 'sqrt': base x sqrt(B), better for small batches. */
  learningRateScaling?: LearningRateScaling;
  /** LARS weight decay (default 1e-6; the README's ImageNet command uses 1e-4). */
  weightDecay?: number;
  /** LARS momentum (default 0.9). */
  momentum?: number;
  /** LARS trust coefficient (default 0.001). */
  trustCoefficient?: number;
  /** Variables excluded from weight decay and LARS adaptation (default: BN parameters and biases). */
  exclude?: ExcludePredicate;
  /** Linear warm-up length in epochs (default 10), then cosine decay to 0. */
  warmupEpochs?: number;
  /**
   * Views per backward chunk (default: none, one tape over all 2N views). With it the step is
   * GradCache-style (the engine's chunkedGradients): the NT-Xent gradient stays exact for the full
   * batch while memory is bounded by one chunk, but BN normalises each chunk with its own statistics.
   */
  chunkSize?: number;
  /** Seed of the head's initialisers and of createEncoder (default 0). */
  seed?: number;
}

/**
 * SimCLR: both views through one encoder and projection head (one forward over the 2N views,
 * so BN sees the whole batch as the reference's global BN), NT-Xent, LARS, warm-up then cosine.
 */
export class SimCLR implements Method {
  readonly name = 'simclr';
  readonly options: Required<Omit<SimCLROptions, 'hiddenDim' | 'exclude' | 'chunkSize'>> & Pick<SimCLROptions, 'hiddenDim' | 'exclude' | 'chunkSize'>;
  private built: { shape: string; encoder: tf.LayersModel; head: SimCLRProjectionHead; optimizer: LARS } | undefined;
  private readonly makeEncoder: EncoderFactory;
  private readonly loss: NTXentLoss;
  private batchSize = 0;

  constructor(options: SimCLROptions) {
    const scaling = options.learningRateScaling ?? 'linear';
    assertOneOf('options.learningRateScaling', scaling, ['linear', 'sqrt'] as const);
    this.options = {
      encoder: options.encoder,
      headVersion: options.headVersion ?? 2,
      hiddenDim: options.hiddenDim,
      projectionDim: options.projectionDim ?? 128,
      temperature: options.temperature ?? 0.1,
      learningRate: options.learningRate ?? (scaling === 'linear' ? 0.3 : 0.075),
      learningRateScaling: scaling,
      weightDecay: options.weightDecay ?? 1e-6,
      momentum: options.momentum ?? 0.9,
      trustCoefficient: options.trustCoefficient ?? 0.001,
      exclude: options.exclude,
      warmupEpochs: options.warmupEpochs ?? 10,
      chunkSize: options.chunkSize,
      seed: options.seed ?? 0,
    };
    const o = this.options;
    assertOneOf('options.headVersion', o.headVersion, [1, 2] as const);
    if (o.hiddenDim !== undefined) assertInteger('options.hiddenDim', o.hiddenDim, 1);
    assertInteger('options.projectionDim', o.projectionDim, 1);
    assertPositive('options.temperature', o.temperature);
    assertPositive('options.learningRate', o.learningRate);
    assertNumber('options.weightDecay', o.weightDecay, 0);
    assertNumber('options.momentum', o.momentum, 0, 1);
    assertPositive('options.trustCoefficient', o.trustCoefficient);
    if (o.exclude !== undefined) assertFunction('options.exclude', o.exclude);
    assertNumber('options.warmupEpochs', o.warmupEpochs, 0);
    if (o.chunkSize !== undefined) assertInteger('options.chunkSize', o.chunkSize, 1);
    assertInteger('options.seed', o.seed, 0);
    this.makeEncoder = encoderFactory(o.encoder, o.seed);
    this.loss = new NTXentLoss(o.temperature);
  }

  build(inputShape: InputShape): void {
    const shape = inputShape.join('x');
    if (this.built !== undefined) {
      if (this.built.shape === shape) return;
      throw new MethodError(`SimCLR was built for ${this.built.shape} images, not ${shape}`);
    }
    const o = this.options;
    const encoder = this.makeEncoder(inputShape);
    const head = new SimCLRProjectionHead(featureDim(encoder), {
      version: o.headVersion,
      hiddenDim: o.hiddenDim,
      outputDim: o.projectionDim,
      seed: o.seed,
    });
    const optimizer = new LARS({
      learningRate: 0,
      momentum: o.momentum,
      weightDecay: o.weightDecay,
      trustCoefficient: o.trustCoefficient,
      exclude: o.exclude,
    });
    this.built = { shape, encoder, head, optimizer };
  }

  /** Learning rate at a step: batch-scaled peak, linear warm-up over warmupEpochs, cosine to 0. */
  learningRate(batchSize: number, context: StepContext): number {
    const o = this.options;
    return warmupCosine({
      peak: scaleLearningRate(o.learningRate, batchSize, o.learningRateScaling),
      totalSteps: context.totalSteps,
      warmupSteps: Math.round(o.warmupEpochs * context.stepsPerEpoch),
    })(context.step);
  }

  trainStep(views: tf.Tensor4D[], context: StepContext): StepResult {
    const { encoder, head, optimizer } = this.parts();
    const b = checkViews('SimCLR', views, 2);
    // The rate is scaled by the run's batch size, fixed at the first step, so a short last batch
    // does not change it.
    if (this.batchSize === 0) this.batchSize = b;
    const lr = this.learningRate(this.batchSize, context);
    optimizer.learningRate = lr;
    const variables = trainableVariables(encoder, head.model);
    const embed = (x: tf.Tensor) => head.apply(encoder.apply(x, { training: true }) as tf.Tensor2D, true);
    const ntXent = (z: tf.Tensor) => this.loss.call(z.slice([0, 0], [b, -1]) as tf.Tensor2D, z.slice([b, 0], [b, -1]) as tf.Tensor2D);
    const chunkSize = this.options.chunkSize;
    if (chunkSize === undefined) {
      return { loss: gradientStep(optimizer, () => ntXent(embed(tf.concat(views, 0))), variables), learningRate: lr };
    }
    const inputs = tf.concat(views, 0);
    try {
      const models = [encoder, head.model];
      return { loss: chunkedGradientStep(optimizer, { embed, loss: ntXent, inputs, chunkSize, variables, models }), learningRate: lr };
    } finally {
      inputs.dispose();
    }
  }

  models(): Record<string, tf.LayersModel> {
    const { encoder, head } = this.parts();
    return { encoder, head: head.model };
  }

  encoder(): tf.LayersModel {
    return this.parts().encoder;
  }

  async saveState(): Promise<MethodState> {
    const weights = await this.parts().optimizer.getWeights();
    return { tensors: weights.map((w) => ({ name: `optimizer/${w.name}`, tensor: w.tensor })), json: { batchSize: this.batchSize } };
  }

  async loadState(state: MethodState): Promise<void> {
    const { optimizer } = this.parts();
    await optimizer.setWeights(splitByPrefix(state, 'optimizer/'));
    this.batchSize = Number(state.json.batchSize ?? 0);
  }

  dispose(): void {
    if (this.built === undefined) return;
    this.built.encoder.dispose();
    this.built.head.model.dispose();
    this.built.optimizer.dispose();
    this.built = undefined;
  }

  private parts() {
    if (this.built === undefined) throw new MethodError('SimCLR: call build(inputShape) before training or saving');
    return this.built;
  }
}
