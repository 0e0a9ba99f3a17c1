import * as tf from '@tensorflow/tfjs';
import { chunkedGradients } from './backend/index.js';

/** The trainable tf.Variables of some layers models, in a stable order (the optimizer keys slots by position). */
export function trainableVariables(...models: tf.LayersModel[]): tf.Variable[] {
  return models.flatMap((m) => m.trainableWeights.map((w) => w.read() as tf.Variable));
}

/**
 * Computes the gradient of the scalar `loss()` with respect to `variables` and applies it with
 * `optimizer`. Returns the loss as a number; when it is NaN or Inf the update is skipped, so the
 * weights stay those of the last good step. Disposes every tensor it creates.
 */
export function gradientStep(optimizer: tf.Optimizer, loss: () => tf.Scalar, variables: tf.Variable[]): number {
  return applyIfFinite(optimizer, tf.variableGrads(loss, variables));
}

/** Options of chunkedGradientStep. */
export interface ChunkedStepOptions {
  /** Training-mode embedding of a chunk of inputs: (chunk, ...) -> (chunk, dim). */
  embed: (inputs: tf.Tensor) => tf.Tensor;
  /** Loss of the whole batch's embeddings (batch, dim), rows in input order. */
  loss: (embeddings: tf.Tensor) => tf.Scalar;
  /** The whole batch (batch, ...). */
  inputs: tf.Tensor;
  /** Rows per chunk. */
  chunkSize: number;
  /** Variables to train. */
  variables: tf.Variable[];
  /** Models whose BN running statistics the forward passes write (restored after the re-forward). */
  models: tf.LayersModel[];
}

/**
 * gradientStep at bounded memory: the engine's GradCache-style chunkedGradients (exact full-batch
 * loss gradient; BN sees per-chunk statistics) followed by the same NaN-guarded update.
 */
export function chunkedGradientStep(optimizer: tf.Optimizer, options: ChunkedStepOptions): number {
  return applyIfFinite(
    optimizer,
    chunkedGradients({
      embed: options.embed,
      loss: options.loss,
      inputs: options.inputs,
      chunkSize: options.chunkSize,
      variables: options.variables,
      state: options.models.flatMap((m) => m.nonTrainableWeights),
    }),
  );
}

function applyIfFinite(optimizer: tf.Optimizer, { value, grads }: { value: tf.Scalar; grads: tf.NamedTensorMap }): number {
  const result = value.dataSync()[0];
  if (Number.isFinite(result)) optimizer.applyGradients(grads);
  tf.dispose(value);
  tf.dispose(grads);
  return result;
}
