import * as tf from '@tensorflow/tfjs';
import type { LayerVariable } from '@tensorflow/tfjs';
import { invalidOption } from '../errors.js';

export interface ChunkedGradientsOptions {
  /** Training-mode forward of one chunk: (chunk, ...input) -> embeddings (chunk, dim). */
  embed: (inputs: tf.Tensor) => tf.Tensor;
  /** Loss over the embeddings of the whole batch, (batch, dim), rows in input order. */
  loss: (embeddings: tf.Tensor) => tf.Scalar;
  /** The whole batch, (batch, ...input); split along axis 0. */
  inputs: tf.Tensor;
  /** Rows per chunk; the last chunk may be smaller. */
  chunkSize: number;
  /** Variables to differentiate; default every trainable variable `embed` reads. */
  variables?: tf.Variable[];
  /**
   * Non-trainable weights the forward pass writes (batch-norm running statistics, e.g.
   * `encoder.nonTrainableWeights`): restored after the backward re-forward so each chunk updates them once.
   */
  state?: LayerVariable[];
}

/**
 * GradCache-style step (Gao et al. 2021): the exact gradient of a full-batch loss at the memory of one
 * chunk. 1) embed every chunk without a tape; 2) differentiate the loss w.r.t. the (small) embedding
 * matrix; 3) per chunk, re-run the forward under a tape and backpropagate that chunk's slice of the
 * embedding gradient, summing the parameter gradients. Costs one extra forward pass.
 * Batch norm sees per-chunk statistics in both passes ("ghost" batch norm of `chunkSize` rows), so the
 * gradient is exact for that model, not for full-batch BN; running statistics move once per chunk.
 * Returns the loss and the summed gradients keyed by variable name; the caller disposes both.
 */
export function chunkedGradients(options: ChunkedGradientsOptions): { value: tf.Scalar; grads: tf.NamedTensorMap } {
  const { embed, loss, inputs, chunkSize, variables, state = [] } = options;
  if (typeof embed !== 'function') throw invalidOption('options.embed', 'a function', embed);
  if (typeof loss !== 'function') throw invalidOption('options.loss', 'a function', loss);
  if (!(inputs instanceof tf.Tensor) || inputs.rank < 1) throw invalidOption('options.inputs', 'a tensor of rank >= 1', inputs);
  if (!Number.isInteger(chunkSize) || chunkSize < 1) throw invalidOption('options.chunkSize', 'a positive integer', chunkSize);
  const rows = inputs.shape[0];
  const sizes = Array.from({ length: Math.ceil(rows / chunkSize) }, (_, i) => Math.min(chunkSize, rows - i * chunkSize));

  const chunks = tf.split(inputs, sizes);
  try {
    const embeddings = tf.tidy(() => tf.concat(chunks.map((chunk) => tf.tidy(() => embed(chunk)))));
    const snapshot = state.map((v) => tf.clone(v.read()));
    const { value, grad } = tf.tidy(() => {
      const { value: v, grad: g } = tf.valueAndGrad((z: tf.Tensor) => loss(z))(embeddings);
      return { value: v as tf.Scalar, grad: g };
    });
    embeddings.dispose();
    const gradChunks = tf.split(grad, sizes);
    grad.dispose();
    const grads: tf.NamedTensorMap = {};
    chunks.forEach((chunk, i) => {
      const { value: partial, grads: chunkGrads } = tf.variableGrads(
        () => tf.sum(tf.mul(embed(chunk), gradChunks[i])), variables);
      partial.dispose();
      for (const [name, g] of Object.entries(chunkGrads)) {
        const previous = grads[name];
        grads[name] = previous === undefined ? g : tf.add(previous, g);
        if (previous !== undefined) tf.dispose([previous, g]);
      }
    });
    tf.dispose(gradChunks);
    state.forEach((v, i) => v.write(snapshot[i]));
    tf.dispose(snapshot);
    return { value, grads };
  } finally {
    tf.dispose(chunks);
  }
}
