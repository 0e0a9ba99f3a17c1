// Feature matrices: encoder features (frozen, BN in inference mode) or raw pixels, with labels, cached in memory.
import * as tf from '@tensorflow/tfjs';
import { batchLabels, eachBatch, viewTensor } from './batch.js';
import type { BatchSource, LabelledBatch } from './batch.js';
import { invalidOption, shapeMismatch } from './errors.js';
import { intOption, objectOption } from './is.js';

/** n labelled feature vectors: `features` is row-major (n, dim), `labels` (n); `keys` when the batches carried them. */
export interface FeatureSet {
  features: Float32Array;
  labels: Int32Array;
  dim: number;
  keys?: string[];
}

export interface ExtractOptions {
  /** Split name used in error messages ("train", "test"). Default "train". */
  split?: string;
  /** Which view of each batch to read. Default 0. */
  view?: number;
  /** Largest number of images put through the encoder at once, bounding memory. Default 256. */
  chunkSize?: number;
}

/** Grows a Float32Array / Int32Array by doubling so that a split of unknown length is gathered without copies per batch. */
class Rows {
  private data: Float32Array;
  private labelData: Int32Array;
  private keyList: string[] = [];
  private anyKeys = false;
  count = 0;
  constructor(readonly dim: number) {
    this.data = new Float32Array(dim * 1024);
    this.labelData = new Int32Array(1024);
  }
  push(values: Float32Array, labels: Int32Array, keys: string[] | undefined): void {
    const n = labels.length;
    while (this.count + n > this.labelData.length) {
      const data = new Float32Array(this.data.length * 2);
      data.set(this.data);
      this.data = data;
      const labelData = new Int32Array(this.labelData.length * 2);
      labelData.set(this.labelData);
      this.labelData = labelData;
    }
    this.data.set(values, this.count * this.dim);
    this.labelData.set(labels, this.count);
    if (keys !== undefined) this.anyKeys = true;
    for (let i = 0; i < n; i++) this.keyList.push(keys?.[i] ?? `#${this.count + i}`);
    this.count += n;
  }
  result(): FeatureSet {
    const set: FeatureSet = {
      features: this.data.slice(0, this.count * this.dim),
      labels: this.labelData.slice(0, this.count),
      dim: this.dim,
    };
    if (this.anyKeys) set.keys = this.keyList;
    return set;
  }
}

function parseExtract(options: ExtractOptions | undefined): Required<ExtractOptions> {
  const o = objectOption(options, 'options');
  const split = o.split === undefined ? 'train' : o.split;
  if (typeof split !== 'string') throw invalidOption('a string', 'options.split', split);
  return {
    split,
    view: intOption(o.view, 'options.view', 0, 63, 0),
    chunkSize: intOption(o.chunkSize, 'options.chunkSize', 1, 1 << 20, 256),
  };
}

/** Encoder features of one view through a frozen encoder, BN in inference mode: (n, dim) float32 plus labels. */
export function encodeBatch(encoder: tf.LayersModel, batch: LabelledBatch, view = 0, chunkSize = 256): { values: Float32Array; dim: number } {
  const parts: Float32Array[] = [];
  let dim = -1;
  const x = viewTensor(batch, view);
  try {
    for (let start = 0; start < batch.size; start += chunkSize) {
      const count = Math.min(chunkSize, batch.size - start);
      const out = tf.tidy(() => {
        const chunk = count === batch.size ? x : x.slice([start, 0, 0, 0], [count, -1, -1, -1]);
        // predict() runs every layer with training=false, so BN uses (and never updates) its moving statistics.
        const y = encoder.predict(chunk, { batchSize: count });
        if (Array.isArray(y)) throw shapeMismatch(`Encoder has ${y.length} outputs; expected one pooled (batch, dim) output`);
        if (y.rank !== 2) throw shapeMismatch(`Encoder output has shape [${y.shape.join(', ')}]; expected pooled (batch, dim)`);
        return y as tf.Tensor2D;
      });
      dim = out.shape[1];
      parts.push(out.dataSync() as Float32Array);
      out.dispose();
    }
  } finally {
    x.dispose();
  }
  if (parts.length === 1) return { values: parts[0], dim };
  const values = new Float32Array(batch.size * dim);
  let offset = 0;
  for (const part of parts) {
    values.set(part, offset);
    offset += part.length;
  }
  return { values, dim };
}

/** Extracts (n, dim) features and labels of a labelled split through a frozen encoder (predict, training=false), batched, leak-free. */
export async function extractFeatures(encoder: tf.LayersModel, batches: BatchSource, options?: ExtractOptions): Promise<FeatureSet> {
  const { split, view, chunkSize } = parseExtract(options);
  let rows: Rows | undefined;
  for await (const batch of eachBatch(batches)) {
    const labels = batchLabels(batch, split, rows?.count ?? 0);
    const { values, dim } = encodeBatch(encoder, batch, view, chunkSize);
    rows ??= new Rows(dim);
    if (dim !== rows.dim) throw shapeMismatch(`Encoder feature size changed from ${rows.dim} to ${dim} between batches`);
    rows.push(values, labels, batch.keys);
  }
  if (rows === undefined) throw shapeMismatch(`The ${split} split yielded no batches`);
  return rows.result();
}

/** Raw pixels of one view, flattened per sample to (n, height*width*channels) in the batch's value range. */
export async function rawPixelFeatures(batches: BatchSource, options?: Omit<ExtractOptions, 'chunkSize'>): Promise<FeatureSet> {
  const { split, view } = parseExtract(options);
  let rows: Rows | undefined;
  for await (const batch of eachBatch(batches)) {
    const labels = batchLabels(batch, split, rows?.count ?? 0);
    const dim = batch.height * batch.width * batch.channels;
    const data = batch.views[view];
    if (data === undefined || data.length !== batch.size * dim) {
      throw shapeMismatch(`The ${split} batch view ${view} does not hold ${batch.size} x ${batch.height} x ${batch.width} x ${batch.channels} values`);
    }
    rows ??= new Rows(dim);
    if (dim !== rows.dim) throw shapeMismatch(`Image size changed between ${split} batches (${rows.dim} to ${dim} values per sample)`);
    rows.push(Float32Array.from(data), labels, batch.keys);
  }
  if (rows === undefined) throw shapeMismatch(`The ${split} split yielded no batches`);
  return rows.result();
}

/** Number of rows of a feature set, after checking that features, labels and dim agree. */
export function rowCount(set: FeatureSet, name: string): number {
  const n = set.labels.length;
  if (!(set.dim > 0) || set.features.length !== n * set.dim) {
    throw shapeMismatch(`${name} holds ${set.features.length} feature values for ${n} labels of dimension ${set.dim}`);
  }
  return n;
}
