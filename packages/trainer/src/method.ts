import type * as tf from '@tensorflow/tfjs';

/** Input shape of one image, [height, width, channels]. */
export type InputShape = [number, number, number];

/** Where the training loop is when it asks a method for a step. */
export interface StepContext {
  /** 0-based global step about to run. */
  step: number;
  /** 0-based epoch of the batch. */
  epoch: number;
  /** Steps in one epoch (for schedules that count epochs, e.g. SimCLR's 10-epoch warm-up). */
  stepsPerEpoch: number;
  /** Steps in the whole run (the schedule reaches its end there). */
  totalSteps: number;
  /** Run seed; derive per-step randomness from (seed, step) so a resumed run repeats it. */
  seed: number;
}

/** What one training step reports. */
export interface StepResult {
  /** The loss of the step, already read back from the backend. */
  loss: number;
  /** The learning rate the step used. */
  learningRate: number;
  /** Any other scalars to log (written into the JSONL metrics as they are). */
  metrics?: Record<string, number>;
}

/** A tensor with a name, as tf.Optimizer.getWeights returns them. */
export interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

/** Method state that is not a layers model: optimizer slots, queues, counters. */
export interface MethodState {
  /** Tensors, saved as one binary blob; the method owns their names. */
  tensors: NamedTensor[];
  /** Plain JSON (e.g. a queue pointer). */
  json: Record<string, unknown>;
}

/**
 * A self-supervised method, as the training loop sees it. SimCLR and MoCoV2 implement it; a
 * user's own method (see examples/simsiam) needs nothing else.
 *
 * Life cycle: `build(inputShape)` once, then `trainStep` per batch. To checkpoint, the loop saves
 * every model of `models()` in the tf.loadLayersModel format and `saveState()` beside them; to
 * resume it builds a fresh method, sets the models' weights by position and calls `loadState`.
 */
export interface Method {
  /** Short name written into checkpoints and metrics, e.g. 'simclr'. */
  readonly name: string;
  /** Creates models and optimizer for images of shape [h, w, c]; a second call with the same shape does nothing. */
  build(inputShape: InputShape): void | Promise<void>;
  /**
   * One optimisation step. `views` holds one float32 tensor (batch, h, w, c) per view, pixel values
   * 0..255 (the encoder normalises in its graph); the loop disposes them after the step. The method
   * must not leak tensors: everything it creates is disposed or kept in its own variables.
   */
  trainStep(views: tf.Tensor4D[], context: StepContext): StepResult | Promise<StepResult>;
  /** Every model whose weights make up the method, by file-safe name; 'encoder' is the one to evaluate. */
  models(): Record<string, tf.LayersModel>;
  /** The encoder to evaluate: maps (batch, h, w, c) to features (batch, dim). */
  encoder(): tf.LayersModel;
  /** Non-model state to checkpoint. */
  saveState(): Promise<MethodState>;
  /** Restores what saveState returned, after build(). */
  loadState(state: MethodState): Promise<void>;
  /** Frees every tensor the method holds. */
  dispose(): void;
}

/** Builds an encoder for an input shape; it must output pooled features (batch, dim). */
export type EncoderFactory = (inputShape: InputShape) => tf.LayersModel;
