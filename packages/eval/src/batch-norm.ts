// Batch-norm statistics of an encoder: read them, and recompute them exactly from data (for random-init baselines).
import * as tf from '@tensorflow/tfjs';
import type { LayersModel } from '@tensorflow/tfjs';
import { eachBatch, viewTensor } from './batch.js';
import type { BatchSource } from './batch.js';
import { shapeMismatch } from './errors.js';

interface BatchNormLike extends tf.layers.Layer {
  momentum: number;
}

/**
 * Every batch-norm layer of a model, nested models included, in graph order: tf.layers.batchNormalization and
 * any custom layer (the trainer's TwinflowBatchNorm) with moving_mean / moving_variance weights and a momentum
 * under the Keras convention (moving = momentum * moving + (1 - momentum) * batch statistic).
 */
export function batchNormLayers(model: LayersModel): BatchNormLike[] {
  const out: BatchNormLike[] = [];
  const visit = (layers: tf.layers.Layer[]): void => {
    for (const layer of layers) {
      const nested = (layer as unknown as { layers?: tf.layers.Layer[] }).layers;
      if (Array.isArray(nested)) visit(nested);
      else if (isBatchNorm(layer)) out.push(layer);
    }
  };
  visit(model.layers);
  return out;
}

function isBatchNorm(layer: tf.layers.Layer): layer is BatchNormLike {
  const names = layer.weights.map((w) => w.originalName);
  return (
    typeof (layer as Partial<BatchNormLike>).momentum === 'number' &&
    names.some((n) => n.endsWith('moving_mean')) &&
    names.some((n) => n.endsWith('moving_variance'))
  );
}

/** Moving mean and variance of each BN layer, by layer name (copies). */
export function batchNormStatistics(model: LayersModel): Map<string, { mean: Float32Array; variance: Float32Array }> {
  const out = new Map<string, { mean: Float32Array; variance: Float32Array }>();
  for (const layer of batchNormLayers(model)) {
    const mean = layer.weights.find((w) => /moving_mean/.test(w.originalName));
    const variance = layer.weights.find((w) => /moving_variance/.test(w.originalName));
    if (mean && variance) {
      out.set(layer.name, { mean: mean.read().dataSync().slice() as Float32Array, variance: variance.read().dataSync().slice() as Float32Array });
    }
  }
  return out;
}

/**
 * Replaces the moving mean / variance of every BN layer by the average of its batch statistics over `batches`
 * (each batch weighted by its size), the way PyTorch does with momentum=None. A freshly initialised encoder
 * has mean 0 / variance 1 in every BN layer, which is not the statistics of any data; the random-init baseline
 * is meaningful only after this. Layers see training-mode (batch-statistics) activations from the layers before
 * them, as in PyTorch's recomputation; weights are not touched. Returns the number of samples used.
 */
export async function recomputeBatchNormStatistics(model: LayersModel, batches: BatchSource, options: { view?: number } = {}): Promise<number> {
  const layers = batchNormLayers(model);
  const momenta = layers.map((layer) => layer.momentum);
  let seen = 0;
  try {
    for await (const batch of eachBatch(batches)) {
      if (batch.size < 2) continue;
      // new = m * old + (1 - m) * batch; with m = seen / (seen + size) the moving value is the running average.
      for (const layer of layers) layer.momentum = seen / (seen + batch.size);
      const x = viewTensor(batch, options.view ?? 0);
      try {
        tf.tidy(() => {
          model.apply(x, { training: true });
        });
      } finally {
        x.dispose();
      }
      seen += batch.size;
    }
  } finally {
    layers.forEach((layer, i) => {
      layer.momentum = momenta[i];
    });
  }
  if (seen === 0) throw shapeMismatch('Recomputing batch-norm statistics needs at least one batch of 2 or more samples');
  return seen;
}
