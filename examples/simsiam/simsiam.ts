// SimSiam (Chen & He, "Exploring Simple Siamese Representation Learning", https://arxiv.org/abs/2011.10566)
// as a plugin method: it lives outside the trainer package and uses only @twinflow/trainer's public API.
import {
  MethodError,
  MomentumSGD,
  ProjectionHead,
  encoderFactory,
  featureDim,
  gradientStep,
  l2Normalize,
  scaleLearningRate,
  splitByPrefix,
  tf,
  trainableVariables,
  warmupCosine,
} from '@twinflow/trainer';
import type { EncoderFactory, EncoderSpec, InputShape, Method, MethodState, StepContext, StepResult } from '@twinflow/trainer';

/** Options of SimSiam; defaults are the paper's ImageNet settings. */
export interface SimSiamOptions {
  /** Encoder: an architecture name for createEncoder or a factory of the input shape. */
  encoder: EncoderSpec;
  /** Projector width (default 2048). */
  projectionDim?: number;
  /** Predictor bottleneck width (default 512). */
  predictorHiddenDim?: number;
  /** Base learning rate per 256 images (default 0.05), cosine decay to 0. */
  learningRate?: number;
  /** SGD weight decay (default 1e-4). */
  weightDecay?: number;
  /** Seed of the heads' initialisers and of createEncoder (default 0). */
  seed?: number;
}

// Identity whose gradient is zero: the stop-gradient that keeps SimSiam from collapsing.
const stopGradient = tf.customGrad((...inputs) => ({
  value: (inputs[0] as tf.Tensor).clone(),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
}));

/** D(p, z) = -cos(p, stopgrad(z)), averaged over the batch; p and z are (batch, dim). */
function negativeCosine(p: tf.Tensor2D, z: tf.Tensor2D): tf.Scalar {
  return l2Normalize(p).mul(l2Normalize(stopGradient(z) as tf.Tensor2D)).sum(1).mean().neg() as tf.Scalar;
}

/**
 * SimSiam: encoder f + projector (3 x Linear-BN, ReLU between), predictor h (Linear-BN-ReLU-Linear);
 * loss D(h(z1), z2)/2 + D(h(z2), z1)/2 with stop-gradient on z; SGD 0.05 x B/256, momentum 0.9,
 * wd 1e-4, cosine. Difference from the paper: the predictor follows the same schedule (the paper
 * keeps its rate fixed).
 */
export class SimSiam implements Method {
  readonly name = 'simsiam';
  private readonly makeEncoder: EncoderFactory;
  private readonly o: Required<Omit<SimSiamOptions, 'encoder'>>;
  private parts?: { shape: string; encoder: tf.LayersModel; projector: ProjectionHead; predictor: ProjectionHead; optimizer: MomentumSGD };
  private batchSize = 0;

  constructor(options: SimSiamOptions) {
    this.o = {
      projectionDim: options.projectionDim ?? 2048,
      predictorHiddenDim: options.predictorHiddenDim ?? 512,
      learningRate: options.learningRate ?? 0.05,
      weightDecay: options.weightDecay ?? 1e-4,
      seed: options.seed ?? 0,
    };
    this.makeEncoder = encoderFactory(options.encoder, this.o.seed);
  }

  build(inputShape: InputShape): void {
    const shape = inputShape.join('x');
    if (this.parts !== undefined) {
      if (this.parts.shape === shape) return;
      throw new MethodError(`SimSiam was built for ${this.parts.shape} images, not ${shape}`);
    }
    const encoder = this.makeEncoder(inputShape);
    const d = this.o.projectionDim;
    const projector = new ProjectionHead(
      featureDim(encoder),
      [
        { units: d, batchNorm: {}, relu: true },
        { units: d, batchNorm: {}, relu: true },
        { units: d, batchNorm: {} },
      ],
      { seed: this.o.seed },
    );
    const predictor = new ProjectionHead(d, [{ units: this.o.predictorHiddenDim, batchNorm: {}, relu: true }, { units: d }], {
      seed: this.o.seed + 1,
    });
    const optimizer = new MomentumSGD({ learningRate: this.o.learningRate, momentum: 0.9, weightDecay: this.o.weightDecay });
    this.parts = { shape, encoder, projector, predictor, optimizer };
  }

  trainStep(views: tf.Tensor4D[], context: StepContext): StepResult {
    const { encoder, projector, predictor, optimizer } = this.built();
    const b = views[0].shape[0];
    if (this.batchSize === 0) this.batchSize = b;
    const lr = warmupCosine({ peak: scaleLearningRate(this.o.learningRate, this.batchSize, 'linear'), totalSteps: context.totalSteps })(
      context.step,
    );
    optimizer.learningRate = lr;
    const loss = gradientStep(
      optimizer,
      () => {
        const z = projector.apply(encoder.apply(tf.concat(views, 0), { training: true }) as tf.Tensor2D, true);
        const p = predictor.apply(z, true);
        const [z1, z2] = tf.split(z, 2) as tf.Tensor2D[];
        const [p1, p2] = tf.split(p, 2) as tf.Tensor2D[];
        return negativeCosine(p1, z2).add(negativeCosine(p2, z1)).div(2) as tf.Scalar;
      },
      trainableVariables(encoder, projector.model, predictor.model),
    );
    return { loss, learningRate: lr };
  }

  models(): Record<string, tf.LayersModel> {
    const { encoder, projector, predictor } = this.built();
    return { encoder, projector: projector.model, predictor: predictor.model };
  }

  encoder(): tf.LayersModel {
    return this.built().encoder;
  }

  async saveState(): Promise<MethodState> {
    const weights = await this.built().optimizer.getWeights();
    return { tensors: weights.map((w) => ({ name: `optimizer/${w.name}`, tensor: w.tensor })), json: { batchSize: this.batchSize } };
  }

  async loadState(state: MethodState): Promise<void> {
    await this.built().optimizer.setWeights(splitByPrefix(state, 'optimizer/'));
    this.batchSize = Number(state.json.batchSize ?? 0);
  }

  dispose(): void {
    if (this.parts === undefined) return;
    for (const m of [this.parts.encoder, this.parts.projector.model, this.parts.predictor.model]) m.dispose();
    this.parts.optimizer.dispose();
    this.parts = undefined;
  }

  private built() {
    if (this.parts === undefined) throw new MethodError('SimSiam: call build(inputShape) first');
    return this.parts;
  }
}
