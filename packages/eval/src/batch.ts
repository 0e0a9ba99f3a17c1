// The batches eval consumes: structurally the trainer's TrainBatch (and the stream's ViewBatch), so either fits.
import * as tf from '@tensorflow/tfjs';
import type { TrainBatch } from '@twinflow/trainer';
import { missingLabel, shapeMismatch } from './errors.js';

/** The trainer's batch of NHWC views with class labels (-1 = no label); `keys` name samples in errors. */
export interface LabelledBatch extends TrainBatch {
  keys?: string[];
}

/** Anything that yields batches: an array, a generator, a `viewStream(...)`. */
export type BatchSource = Iterable<LabelledBatch> | AsyncIterable<LabelledBatch>;

/** Yields the batches of a sync or async source, releasing each one after the consumer is done with it. */
export async function* eachBatch(source: BatchSource): AsyncGenerator<LabelledBatch> {
  for await (const batch of source as AsyncIterable<LabelledBatch>) {
    try {
      yield batch;
    } finally {
      batch.release?.();
    }
  }
}

/** One view of a batch as a float32 tensor (size, height, width, channels); values are passed through unscaled. */
export function viewTensor(batch: LabelledBatch, view = 0): tf.Tensor4D {
  const data = batch.views[view];
  const expected = batch.size * batch.height * batch.width * batch.channels;
  if (data === undefined) throw shapeMismatch(`Batch has ${batch.views.length} view(s); view ${view} was requested`);
  if (data.length !== expected) {
    throw shapeMismatch(
      `Batch view ${view} holds ${data.length} values but size x height x width x channels = ` +
        `${batch.size} x ${batch.height} x ${batch.width} x ${batch.channels} = ${expected}`,
    );
  }
  const values = data instanceof Float32Array || data instanceof Uint8Array || data instanceof Int32Array ? data : Float32Array.from(data);
  return tf.tensor4d(values, [batch.size, batch.height, batch.width, batch.channels], 'float32');
}

/** The labels of a batch, checked: every sample must carry one (the error names the first unlabelled key). */
export function batchLabels(batch: LabelledBatch, split: string, offset: number): Int32Array {
  const labels = batch.labels;
  if (labels === undefined) throw missingLabel(split, batch.keys?.[0] ?? `#${offset}`);
  if (labels.length !== batch.size) {
    throw shapeMismatch(`${split} batch has ${labels.length} labels for ${batch.size} samples`);
  }
  for (let i = 0; i < labels.length; i++) {
    if (!(labels[i] >= 0)) throw missingLabel(split, batch.keys?.[i] ?? `#${offset + i}`);
  }
  return labels;
}

/**
 * Reads a source once into memory (copies of the first `views` views, labels and keys; each batch released), so that
 * the several passes of an evaluation (features, BN recomputation, baselines) read the split only once.
 */
export async function collectBatches(source: BatchSource, views = 1): Promise<LabelledBatch[]> {
  const out: LabelledBatch[] = [];
  for await (const batch of eachBatch(source)) {
    const copy: LabelledBatch = {
      views: batch.views.slice(0, views).map((v) => (v instanceof Uint8Array ? Uint8Array.from(v) : Float32Array.from(v))),
      size: batch.size, height: batch.height, width: batch.width, channels: batch.channels,
    };
    if (batch.labels) copy.labels = Int32Array.from(batch.labels);
    if (batch.keys) copy.keys = [...batch.keys];
    out.push(copy);
  }
  return out;
}
