// Public surface of @twinflow/trainer.

// The TensorFlow.js instance the trainer uses; a plugin method builds its tensors with this one.
export * as tf from '@tensorflow/tfjs';
export * from './errors.js';
export type { EncoderFactory, InputShape, Method, MethodState, NamedTensor, StepContext, StepResult } from './method.js';
export { chunkedGradientStep, gradientStep, trainableVariables } from './gradient-step.js';
export type { ChunkedStepOptions } from './gradient-step.js';
export { Rng, hash32, hashString } from './rng.js';

export { NTXentLoss, SELF_MASK } from './losses/ntxent-loss.js';
export { InfoNCELoss } from './losses/info-nce-loss.js';
export { l2Normalize } from './losses/normalize.js';

export { ProjectionHead } from './heads/projection-head.js';
export type { HeadOptions, ProjectionBlock } from './heads/projection-head.js';
export { SimCLRProjectionHead } from './heads/simclr-projection-head.js';
export type { SimCLRProjectionHeadOptions } from './heads/simclr-projection-head.js';
export { MoCoProjectionHead } from './heads/moco-projection-head.js';
export type { MoCoProjectionHeadOptions } from './heads/moco-projection-head.js';

export { SlotOptimizer, excludeBatchNormAndBias } from './optim/slot-optimizer.js';
export type { ExcludePredicate } from './optim/slot-optimizer.js';
export { LARS } from './optim/lars.js';
export type { LARSOptions } from './optim/lars.js';
export { AdamW } from './optim/adamw.js';
export type { AdamWOptions } from './optim/adamw.js';
export { MomentumSGD } from './optim/momentum-sgd.js';
export type { MomentumSGDOptions } from './optim/momentum-sgd.js';
export { scaleLearningRate, warmupCosine } from './schedules/schedules.js';
export type { LearningRateScaling, Schedule, WarmupCosineOptions } from './schedules/schedules.js';

export { encoderFactory, featureDim } from './methods/encoder.js';
export type { EncoderSpec } from './methods/encoder.js';
export { SimCLR } from './methods/simclr.js';
export type { SimCLROptions } from './methods/simclr.js';
export { MoCoV2 } from './methods/moco.js';
export type { MoCoV2Options } from './methods/moco.js';
export { MoCoQueue } from './methods/moco-queue.js';
export { copyWeights, emaUpdate } from './methods/ema.js';
export { splitByPrefix } from './methods/state.js';

export { train } from './loop/train.js';
export type { DataContext, DataSource, TrainOptions, TrainResult } from './loop/train.js';
export { viewTensors } from './loop/train-batch.js';
export type { TrainBatch } from './loop/train-batch.js';
export type { StepRecord } from './loop/metrics-log.js';

export { fileIO, readWeights } from './checkpoint/file-io.js';
export {
  CHECKPOINT_FORMAT,
  checkpointName,
  latestCheckpoint,
  loadEncoder,
  readCheckpointMeta,
  restoreCheckpoint,
  saveCheckpoint,
} from './checkpoint/checkpoint.js';
export type { CheckpointMeta } from './checkpoint/checkpoint.js';

// The engine: backend loading and wasm kernels (src/backend), encoders (src/models).
export * from './backend/index.js';
export * from './models/index.js';
