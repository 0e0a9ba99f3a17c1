import * as tf from '@tensorflow/tfjs';
import { BatchError, MethodError } from '../errors.js';
import { chunkedGradientStep, gradientStep, trainableVariables } from '../gradient-step.js';
import { MoCoProjectionHead } from '../heads/moco-projection-head.js';
import { InfoNCELoss } from '../losses/info-nce-loss.js';
import { l2Normalize } from '../losses/normalize.js';
import type { EncoderFactory, InputShape, Method, MethodState, StepContext, StepResult } from '../method.js';
import { MomentumSGD } from '../optim/momentum-sgd.js';
import { Rng } from '../rng.js';
import { scaleLearningRate, warmupCosine } from '../schedules/schedules.js';
import { assertInteger, assertNumber, assertOneOf, assertPositive } from '../validate.js';
import { checkViews } from './check-views.js';
import { copyWeights, emaUpdate } from './ema.js';
import { encoderFactory, featureDim } from './encoder.js';
import type { EncoderSpec } from './encoder.js';
import { MoCoQueue } from './moco-queue.js';
import { splitByPrefix } from './state.js';

/** Options of MoCoV2; every default is facebookresearch/moco's (https://arxiv.org/abs/2003.04297). */
export interface MoCoV2Options {
  /** Encoder: an architecture name for createEncoder ('convnet', 'resnet18-cifar', 'resnet18', 'resnet34', 'resnet50') or a factory of the input shape. */
  encoder: EncoderSpec;
  /** Number of negative keys K (default 65536); must be a multiple of the batch size. */
  queueSize?: number;
  /** Hidden width of the head (default: the encoder's feature width). */
  hiddenDim?: number;
  /** Output width of the head and of the keys (default 128). */
  projectionDim?: number;
  /** InfoNCE temperature (default 0.2; MoCo v1 used 0.07). */
  temperature?: number;
  /** Key encoder EMA momentum m (default 0.999). */
  keyMomentum?: number;
  /** Base learning rate per 256 images, scaled linearly with the batch (default 0.03). */
  learningRate?: number;
  /** SGD momentum (default 0.9). */
  momentum?: number;
  /** SGD weight decay (default 1e-4). */
  weightDecay?: number;
  /**
   * Shuffle-BN substitute on one device: the number of sub-batches ("ghost" batches) that BN
   * normalises separately (default 2; 1 turns it off). See the class comment.
   */
  batchNormGroups?: number;
  /**
   * Back-propagate the query sub-batches one at a time (the engine's GradCache-style
   * chunkedGradients): the same loss and gradient as one tape, since BN already normalises each
   * sub-batch on its own, at the memory of one sub-batch plus one extra forward. Default false.
   */
  chunked?: boolean;
  /** Seed of the head, the queue's initial keys, the key shuffles and createEncoder (default 0). */
  seed?: number;
}

/**
 * MoCo v2: a query encoder trained by SGD (lr 0.03 x B/256, wd 1e-4, half-cosine per epoch, no
 * warm-up), a key encoder that is its EMA (updated before the key forward), a queue of K keys and
 * InfoNCE with the positive at index 0.
 *
 * Shuffle BN, on one device: the reference shuffles the key batch across GPUs so that the BN
 * statistics of a query and of its key come from different sets of images. Here both batches are
 * split into `batchNormGroups` sub-batches that the encoder normalises separately ("ghost BN"):
 * the queries in order, the keys after a seeded permutation of the batch (drawn from
 * (seed, step)), and the keys are put back in order afterwards. With 8 GPUs of 32 the reference
 * has 8 groups; the default here is 2 for the small batches a CPU can afford.
 */
export class MoCoV2 implements Method {
  readonly name = 'moco-v2';
  readonly options: Required<Omit<MoCoV2Options, 'hiddenDim'>> & Pick<MoCoV2Options, 'hiddenDim'>;
  private built:
    | {
        shape: string;
        encoder: tf.LayersModel;
        head: MoCoProjectionHead;
        keyEncoder: tf.LayersModel;
        keyHead: MoCoProjectionHead;
        queue: MoCoQueue;
        optimizer: MomentumSGD;
      }
    | undefined;
  private readonly makeEncoder: EncoderFactory;
  private readonly loss: InfoNCELoss;
  private batchSize = 0;

  constructor(options: MoCoV2Options) {
    this.options = {
      encoder: options.encoder,
      queueSize: options.queueSize ?? 65536,
      hiddenDim: options.hiddenDim,
      projectionDim: options.projectionDim ?? 128,
      temperature: options.temperature ?? 0.2,
      keyMomentum: options.keyMomentum ?? 0.999,
      learningRate: options.learningRate ?? 0.03,
      momentum: options.momentum ?? 0.9,
      weightDecay: options.weightDecay ?? 1e-4,
      batchNormGroups: options.batchNormGroups ?? 2,
      chunked: options.chunked ?? false,
      seed: options.seed ?? 0,
    };
    const o = this.options;
    assertInteger('options.queueSize', o.queueSize, 1);
    if (o.hiddenDim !== undefined) assertInteger('options.hiddenDim', o.hiddenDim, 1);
    assertInteger('options.projectionDim', o.projectionDim, 1);
    assertPositive('options.temperature', o.temperature);
    assertNumber('options.keyMomentum', o.keyMomentum, 0, 1);
    assertPositive('options.learningRate', o.learningRate);
    assertNumber('options.momentum', o.momentum, 0, 1);
    assertNumber('options.weightDecay', o.weightDecay, 0);
    assertInteger('options.batchNormGroups', o.batchNormGroups, 1);
    assertOneOf('options.chunked', o.chunked, [true, false] as const);
    assertInteger('options.seed', o.seed, 0);
    this.makeEncoder = encoderFactory(o.encoder, o.seed);
    this.loss = new InfoNCELoss(o.temperature);
  }

  build(inputShape: InputShape): void {
    const shape = inputShape.join('x');
    if (this.built !== undefined) {
      if (this.built.shape === shape) return;
      throw new MethodError(`MoCoV2 was built for ${this.built.shape} images, not ${shape}`);
    }
    const o = this.options;
    const encoder = this.makeEncoder(inputShape);
    const keyEncoder = this.makeEncoder(inputShape);
    const dim = featureDim(encoder);
    const headOptions = { hiddenDim: o.hiddenDim, outputDim: o.projectionDim, seed: o.seed };
    const head = new MoCoProjectionHead(dim, headOptions);
    const keyHead = new MoCoProjectionHead(dim, headOptions);
    copyWeights(keyEncoder, encoder);
    copyWeights(keyHead.model, head.model);
    const queue = new MoCoQueue(o.queueSize, o.projectionDim, o.seed);
    const optimizer = new MomentumSGD({ learningRate: o.learningRate, momentum: o.momentum, weightDecay: o.weightDecay });
    this.built = { shape, encoder, head, keyEncoder, keyHead, queue, optimizer };
  }

  /** Learning rate at a step: 0.03 x B/256, half-cosine to 0 adjusted once per epoch (as the reference). */
  learningRate(batchSize: number, context: StepContext): number {
    return warmupCosine({
      peak: scaleLearningRate(this.options.learningRate, batchSize, 'linear'),
      totalSteps: context.totalSteps,
      stepSize: Math.max(1, context.stepsPerEpoch),
    })(context.step);
  }

  trainStep(views: tf.Tensor4D[], context: StepContext): StepResult {
    const { encoder, head, keyEncoder, keyHead, queue, optimizer } = this.parts();
    const b = checkViews('MoCoV2', views, 2);
    queue.check(b);
    const groups = this.options.batchNormGroups;
    if (b % groups !== 0) {
      throw new BatchError(`MoCoV2: the batch of ${b} does not split into options.batchNormGroups = ${groups} equal sub-batches`);
    }
    if (this.batchSize === 0) this.batchSize = b;
    const lr = this.learningRate(this.batchSize, context);
    optimizer.learningRate = lr;

    emaUpdate(keyEncoder, encoder, this.options.keyMomentum);
    emaUpdate(keyHead.model, head.model, this.options.keyMomentum);
    const keys = tf.tidy(() => {
      const perm = new Rng(context.seed, 'moco-shuffle-bn', context.step).permutation(b);
      const inverse = new Int32Array(b);
      perm.forEach((p, i) => (inverse[p] = i));
      const shuffled = tf.gather(views[1], perm);
      const k = tf.concat(
        tf.split(shuffled, groups).map((x) => keyHead.apply(keyEncoder.apply(x, { training: true }) as tf.Tensor2D, true)),
        0,
      );
      return l2Normalize(tf.gather(k, inverse));
    });
    const embed = (x: tf.Tensor) => head.apply(encoder.apply(x, { training: true }) as tf.Tensor2D, true);
    const infoNce = (q: tf.Tensor) => this.loss.call(q as tf.Tensor2D, keys, queue.keys);
    const variables = trainableVariables(encoder, head.model);
    const loss = this.options.chunked
      ? chunkedGradientStep(optimizer, { embed, loss: infoNce, inputs: views[0], chunkSize: b / groups, variables, models: [encoder, head.model] })
      : gradientStep(optimizer, () => infoNce(tf.concat(tf.split(views[0], groups).map(embed), 0)), variables);
    if (Number.isFinite(loss)) queue.enqueue(keys);
    keys.dispose();
    return { loss, learningRate: lr };
  }

  models(): Record<string, tf.LayersModel> {
    const { encoder, head, keyEncoder, keyHead } = this.parts();
    return { encoder, head: head.model, 'key-encoder': keyEncoder, 'key-head': keyHead.model };
  }

  encoder(): tf.LayersModel {
    return this.parts().encoder;
  }

  /** The queue of negative keys (K, projectionDim). */
  queue(): MoCoQueue {
    return this.parts().queue;
  }

  async saveState(): Promise<MethodState> {
    const { optimizer, queue } = this.parts();
    const weights = await optimizer.getWeights();
    return {
      tensors: [
        ...weights.map((w) => ({ name: `optimizer/${w.name}`, tensor: w.tensor })),
        { name: 'queue', tensor: queue.keys },
      ],
      json: { batchSize: this.batchSize, queuePointer: queue.pointer },
    };
  }

  async loadState(state: MethodState): Promise<void> {
    const { optimizer, queue } = this.parts();
    await optimizer.setWeights(splitByPrefix(state, 'optimizer/'));
    const keys = state.tensors.find((t) => t.name === 'queue');
    if (keys === undefined) throw new MethodError('MoCoV2: the saved state has no queue');
    queue.restore(keys.tensor, Number(state.json.queuePointer ?? 0));
    this.batchSize = Number(state.json.batchSize ?? 0);
  }

  dispose(): void {
    if (this.built === undefined) return;
    const p = this.built;
    for (const m of [p.encoder, p.head.model, p.keyEncoder, p.keyHead.model]) m.dispose();
    p.queue.dispose();
    p.optimizer.dispose();
    this.built = undefined;
  }

  private parts() {
    if (this.built === undefined) throw new MethodError('MoCoV2: call build(inputShape) before training or saving');
    return this.built;
  }
}
