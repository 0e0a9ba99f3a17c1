// Weighted k-NN classification on L2-normalised features (InstDisc / lightly / solo-learn monitor).
import * as tf from '@tensorflow/tfjs';
import type { LayersModel } from '@tensorflow/tfjs';
import type { BatchSource } from './batch.js';
import { resolveClassCount } from './classes.js';
import { invalidOption, shapeMismatch } from './errors.js';
import { extractFeatures, rowCount } from './features.js';
import type { FeatureSet } from './features.js';
import { intOption, numberOption, objectOption } from './is.js';
import { topKHits } from './linear-classifier.js';

export interface KnnOptions {
  /** Neighbours that vote. Default 200 (lightly); solo-learn uses 20. Capped at the bank size. */
  k?: number;
  /** Vote weight exp(similarity / temperature). Default 0.1 (0.07 in InstDisc). */
  temperature?: number;
  /** Number of classes; default max bank label + 1. Test labels outside it are an error. */
  numClasses?: number;
  /** Test rows compared with the bank at once. Default 1024. */
  chunkSize?: number;
  /** Bank rows per similarity block; memory is about chunkSize x blockSize floats per block. Default 4096. */
  blockSize?: number;
}

export interface KnnResult {
  /** Fraction of test samples whose highest-voted class is the label, in [0, 1]. */
  top1: number;
  /** Fraction whose label is among the 5 highest-voted classes. */
  top5: number;
  k: number;
  temperature: number;
  bankSamples: number;
  testSamples: number;
  seconds: number;
}

interface ParsedKnn {
  k: number;
  temperature: number;
  numClasses: number | undefined;
  chunkSize: number;
  blockSize: number;
}

function parseKnn(options: KnnOptions | undefined): ParsedKnn {
  const o = objectOption(options, 'options');
  return {
    k: intOption(o.k, 'options.k', 1, 1 << 20, 200),
    temperature: numberOption(o.temperature, 'options.temperature', { min: 0, exclusiveMin: true }, 0.1),
    numClasses: o.numClasses === undefined ? undefined : intOption(o.numClasses, 'options.numClasses', 2, 1 << 20, 2),
    chunkSize: intOption(o.chunkSize, 'options.chunkSize', 1, 1 << 20, 1024),
    blockSize: intOption(o.blockSize, 'options.blockSize', 1, 1 << 24, 4096),
  };
}

/** Rows [start, start + count) of (n, dim) features, L2-normalised, in float64 arithmetic. */
function normalizedRows(features: Float32Array, dim: number, start: number, count: number): Float32Array {
  const out = new Float32Array(count * dim);
  for (let i = 0; i < count; i++) {
    const row = (start + i) * dim;
    let sum = 0;
    for (let j = 0; j < dim; j++) sum += features[row + j] * features[row + j];
    const scale = 1 / Math.max(Math.sqrt(sum), 1e-12);
    for (let j = 0; j < dim; j++) out[i * dim + j] = features[row + j] * scale;
  }
  return out;
}

/** The L2-normalised bank as column blocks (dim, cols) of its transpose, for plain (untransposed) matMuls. */
function bankBlocks(bank: FeatureSet, n: number, blockSize: number): { tensor: tf.Tensor2D; start: number; cols: number }[] {
  const { dim } = bank;
  const blocks: { tensor: tf.Tensor2D; start: number; cols: number }[] = [];
  for (let start = 0; start < n; start += blockSize) {
    const cols = Math.min(blockSize, n - start);
    const rows = normalizedRows(bank.features, dim, start, cols);
    const transposed = new Float32Array(dim * cols);
    for (let i = 0; i < cols; i++) for (let j = 0; j < dim; j++) transposed[j * cols + i] = rows[i * dim + j];
    blocks.push({ tensor: tf.tensor2d(transposed, [dim, cols]), start, cols });
  }
  return blocks;
}

/**
 * Class votes (test rows, classes) of weighted k-NN: cosine similarity of each L2-normalised test feature to the
 * L2-normalised bank, the k most similar bank rows each adding exp(sim / temperature) to their class.
 * Calls `visit(votes chunk, first row)` per chunk so that the caller need not hold all votes.
 */
function forEachVoteChunk(
  bank: FeatureSet,
  test: FeatureSet,
  p: ParsedKnn,
  classes: number,
  visit: (votes: tf.Tensor2D, start: number) => void,
): number {
  const n = rowCount(bank, 'k-NN bank');
  const m = rowCount(test, 'k-NN test features');
  if (n === 0) throw shapeMismatch('The k-NN bank is empty');
  if (test.dim !== bank.dim) throw shapeMismatch(`Test features have dimension ${test.dim} but the k-NN bank has ${bank.dim}`);
  const k = Math.min(p.k, n);
  // The one-hot vote tensor is chunk x k x classes floats; keep it near 16 M elements whatever the class count.
  const chunk = Math.max(1, Math.min(p.chunkSize, Math.floor((1 << 24) / (k * classes))));
  // Similarities are computed against blocks of bank columns (cache-sized matMuls, much faster on wasm than one
  // (chunk, n) product), each block keeps its own top k, and the per-block candidates are merged by a final top k.
  const blocks = bankBlocks(bank, n, p.blockSize);
  const bankY = tf.tensor1d(bank.labels, 'int32');
  try {
    for (let start = 0; start < m; start += chunk) {
      const count = Math.min(chunk, m - start);
      tf.tidy(() => {
        const q = tf.tensor2d(normalizedRows(test.features, test.dim, start, count), [count, test.dim]);
        const values: tf.Tensor[] = [];
        const indices: tf.Tensor[] = [];
        for (const block of blocks) {
          const top = tf.topk(tf.matMul(q, block.tensor), Math.min(k, block.cols));
          values.push(top.values);
          indices.push(block.start === 0 ? top.indices : tf.add(top.indices, tf.scalar(block.start, 'int32')));
        }
        let topValues = values[0];
        let topIndices = indices[0];
        if (blocks.length > 1) {
          const merged = tf.topk(tf.concat(values, 1), k);
          const candidates = tf.concat(indices, 1);
          // Row-wise gather through flat positions (gather with batchDims is wrong on the wasm backend).
          const rowOffsets = tf.mul(tf.range(0, count, 1, 'int32'), tf.scalar(candidates.shape[1] as number, 'int32')).expandDims(1);
          const positions = tf.reshape(tf.add(merged.indices, rowOffsets), [-1]);
          topValues = merged.values;
          topIndices = tf.reshape(tf.gather(tf.reshape(candidates, [-1]), positions), [count, k]);
        }
        const weights = tf.exp(tf.div(topValues, p.temperature));
        const neighbourLabels = tf.gather(bankY, topIndices);
        const votes = tf.sum(tf.mul(tf.oneHot(neighbourLabels, classes), tf.expandDims(weights, 2)), 1) as tf.Tensor2D;
        visit(votes, start);
      });
    }
  } finally {
    for (const block of blocks) block.tensor.dispose();
    bankY.dispose();
  }
  return k;
}

/** Class votes (test rows, classes) of weighted k-NN as a row-major Float32Array. */
export function knnVotes(bank: FeatureSet, test: FeatureSet, options?: KnnOptions): { votes: Float32Array; classes: number; k: number } {
  const p = parseKnn(options);
  const classes = resolveClassCount(bank, test, p.numClasses);
  const votes = new Float32Array(test.labels.length * classes);
  const k = forEachVoteChunk(bank, test, p, classes, (chunk, start) => votes.set(chunk.dataSync(), start * classes));
  return { votes, classes, k };
}

/** Weighted k-NN top-1 / top-5 of labelled test features (m, dim) against a labelled bank (n, dim); chunked over the test rows. */
export function knn(bank: FeatureSet, test: FeatureSet, options?: KnnOptions): KnnResult {
  const p = parseKnn(options);
  const started = performance.now();
  const classes = resolveClassCount(bank, test, p.numClasses);
  let top1 = 0;
  let top5 = 0;
  const k = forEachVoteChunk(bank, test, p, classes, (votes, start) => {
    const hits = topKHits(votes, test.labels, start, 5);
    top1 += hits.top1;
    top5 += hits.topK;
  });
  const m = test.labels.length;
  return {
    top1: m ? top1 / m : 0, top5: m ? top5 / m : 0, k, temperature: p.temperature,
    bankSamples: bank.labels.length, testSamples: m, seconds: (performance.now() - started) / 1000,
  };
}

export interface KnnMonitorOptions extends KnnOptions {
  /** Labelled train batches (evaluation transform) for the bank; called anew at every evaluation. */
  bank: () => BatchSource;
  /** Labelled test batches (evaluation transform); called anew at every evaluation. */
  test: () => BatchSource;
  /** Evaluate every this many steps (see `onStep`). Default 1000. */
  every?: number;
  /** Receives one line per evaluation. */
  log?: (line: string) => void;
}

/** One k-NN measurement taken during pretraining. */
export interface KnnMonitorEntry extends KnnResult {
  step: number;
}

/**
 * Weighted k-NN accuracy of the current encoder, every N steps during pretraining. Features are extracted with
 * `predict` (BN in inference mode), so monitoring never changes the encoder or its BN statistics.
 */
export class KnnMonitor {
  readonly history: KnnMonitorEntry[] = [];
  readonly every: number;
  private readonly knnOptions: KnnOptions;
  private readonly log: ((line: string) => void) | undefined;

  constructor(private readonly options: KnnMonitorOptions) {
    const o = objectOption(options, 'options');
    if (typeof o.bank !== 'function') throw invalidOption('a function returning batches', 'options.bank', o.bank);
    if (typeof o.test !== 'function') throw invalidOption('a function returning batches', 'options.test', o.test);
    if (o.log !== undefined && typeof o.log !== 'function') throw invalidOption('a function', 'options.log', o.log);
    this.every = intOption(o.every, 'options.every', 1, Number.MAX_SAFE_INTEGER, 1000);
    const { k, temperature, numClasses, chunkSize, blockSize } = options;
    this.knnOptions = { k, temperature, numClasses, chunkSize, blockSize };
    parseKnn(this.knnOptions);
    this.log = options.log;
  }

  /** Extracts bank and test features with the encoder as it is now and returns weighted k-NN accuracy. */
  async evaluate(encoder: LayersModel, step = this.history.length ? this.history[this.history.length - 1].step + 1 : 0): Promise<KnnMonitorEntry> {
    const bank = await extractFeatures(encoder, this.options.bank(), { split: 'train' });
    const test = await extractFeatures(encoder, this.options.test(), { split: 'test' });
    const entry = { step, ...knn(bank, test, this.knnOptions) };
    this.history.push(entry);
    this.log?.(`step ${step} k-NN top-1 ${(entry.top1 * 100).toFixed(2)}% (k=${entry.k}, T=${entry.temperature})`);
    return entry;
  }

  /** Call after every optimisation step (1-based count); evaluates when `step` is a multiple of `every`. */
  async onStep(step: number, encoder: LayersModel): Promise<KnnMonitorEntry | undefined> {
    if (step <= 0 || step % this.every !== 0) return undefined;
    return this.evaluate(encoder, step);
  }
}
