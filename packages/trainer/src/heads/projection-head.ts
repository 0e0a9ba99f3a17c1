import * as tf from '@tensorflow/tfjs';
import { BatchNorm } from '../models/index.js';
import { initializerSeed } from '../rng.js';
import { assertInteger } from '../validate.js';

/** One block of a projection head: Dense(units) -> optional BN (the engine's closed-form-gradient BatchNorm) -> optional ReLU. */
export interface ProjectionBlock {
  /** Output width of the Dense layer. */
  units: number;
  /** Batch norm after the Dense layer; `center: false` drops the learned offset (SimCLR v2's last layer). */
  batchNorm?: false | { center?: boolean; scale?: boolean };
  /** ReLU after the block (default false). */
  relu?: boolean;
  /** Dense bias; defaults to true without BN and false with it (BN's offset makes it redundant). */
  useBias?: boolean;
}

/** Options shared by every head. */
export interface HeadOptions {
  /** Seed of the Glorot-uniform kernel initialisers, so a head is reproducible. */
  seed?: number;
  /** BN momentum of the running statistics (default 0.9, google-research/simclr's batch_norm_decay). */
  batchNormMomentum?: number;
  /** BN epsilon (default 1e-5, as google-research/simclr). */
  batchNormEpsilon?: number;
}

/**
 * A stack of Dense -> BN -> ReLU blocks as a tf.LayersModel mapping (batch, inputDim) to
 * (batch, last units); the base of the named heads, after lightly's ProjectionHead(blocks).
 */
export class ProjectionHead {
  /** The head as a Keras-style model; saved and restored with the method's other models. */
  readonly model: tf.LayersModel;

  constructor(readonly inputDim: number, readonly blocks: ProjectionBlock[], options: HeadOptions = {}) {
    assertInteger('inputDim', inputDim, 1);
    const seed = options.seed ?? 0;
    const layers: tf.layers.Layer[] = [];
    blocks.forEach((block, i) => {
      assertInteger(`blocks[${i}].units`, block.units, 1);
      const bn = block.batchNorm === undefined ? false : block.batchNorm;
      layers.push(
        tf.layers.dense({
          units: block.units,
          useBias: block.useBias ?? bn === false,
          kernelInitializer: tf.initializers.glorotUniform({ seed: initializerSeed(seed, 'projection-head', i) }),
        }),
      );
      if (bn !== false) {
        layers.push(
          new BatchNorm({
            center: bn.center ?? true,
            scale: bn.scale ?? true,
            momentum: options.batchNormMomentum ?? 0.9,
            epsilon: options.batchNormEpsilon ?? 1e-5,
          }),
        );
      }
      if (block.relu === true) layers.push(tf.layers.reLU());
    });
    const input = tf.input({ shape: [inputDim] });
    const output = layers.reduce<tf.SymbolicTensor>((x, layer) => layer.apply(x) as tf.SymbolicTensor, input);
    this.model = tf.model({ inputs: input, outputs: output });
  }

  /** Projects features (batch, inputDim) to (batch, outputDim); `training` selects BN batch statistics. */
  apply(features: tf.Tensor2D, training: boolean): tf.Tensor2D {
    return this.model.apply(features, { training }) as tf.Tensor2D;
  }

  /** Width of the head's output. */
  get outputDim(): number {
    return this.blocks[this.blocks.length - 1].units;
  }
}
