// Linear evaluation of a frozen encoder (MoCo / SimCLR protocol): a linear softmax layer on encoder features.
import * as tf from '@tensorflow/tfjs';
import type { LayersModel } from '@tensorflow/tfjs';
import { batchLabels, eachBatch } from './batch.js';
import type { BatchSource } from './batch.js';
import { checkLabels, resolveClassCount } from './classes.js';
import { invalidOption, shapeMismatch } from './errors.js';
import { encodeBatch, rowCount } from './features.js';
import type { FeatureSet } from './features.js';
import { boolOption, enumOption, intOption, numberOption, objectOption } from './is.js';
import { LinearClassifier, topKHits } from './linear-classifier.js';
import { permutation, rng } from './random.js';
import { featureStatistics, standardize } from './standardize.js';
import type { FeatureStatistics } from './standardize.js';

export type ProbeSchedule = 'cosine' | 'step';

export interface ProbeOptions {
  /** Training epochs over the train split. Default 100 (both protocols). */
  epochs?: number;
  /** Mini-batch size of the cached-feature path (the augmented path uses the batches it is given). Default 256. */
  batchSize?: number;
  /** Peak learning rate. Default 0.1 (SimCLR; MoCo uses 30 on unstandardised features). */
  lr?: number;
  /** SGD momentum. Default 0.9. */
  momentum?: number;
  /** Nesterov momentum. Default true (SimCLR). */
  nesterov?: boolean;
  /** 'cosine' decays lr to 0 per step (SimCLR); 'step' multiplies it by `gamma` at each milestone epoch (MoCo). Default 'cosine'. */
  schedule?: ProbeSchedule;
  /** Epochs at which the 'step' schedule decays lr. Default 60% and 80% of `epochs` (60 and 80 of 100). */
  milestones?: number[];
  /** Decay factor of the 'step' schedule. Default 0.1. */
  gamma?: number;
  /** Standardise each feature with the train split's mean and std before the linear layer. Default true (see README). */
  standardize?: boolean;
  /** Number of classes; default max train label + 1. Test labels outside it are an error. */
  numClasses?: number;
  /** Seed of the weight init and the per-epoch shuffle. Default 0. */
  seed?: number;
  /** Receives one progress line per epoch. */
  log?: (line: string) => void;
}

/** The MoCo v1/v2 protocol (lr 30, steps at 60/80, no Nesterov, raw features) and the SimCLR one (the defaults). */
export const probePresets = {
  moco: { lr: 30, nesterov: false, schedule: 'step', standardize: false },
  simclr: { lr: 0.1, nesterov: true, schedule: 'cosine', standardize: true },
} as const satisfies Record<string, ProbeOptions>;

/** Which train inputs the probe saw: cached centre-crop features (fast) or fresh random-resized-crop + flip views. */
export type ProbeProtocol = 'cached-features' | 'augmented';

export interface ProbeResult {
  /** Fraction of test samples whose top-scoring class is the label, in [0, 1]. */
  top1: number;
  /** Fraction of test samples whose label is among the 5 top-scoring classes (all of them when classes <= 5). */
  top5: number;
  epochs: number;
  protocol: ProbeProtocol;
  /** Mean train cross-entropy of the last epoch, nats. */
  trainLoss: number;
  classes: number;
  trainSamples: number;
  testSamples: number;
  /** Wall time of training and evaluation, seconds (feature extraction of the cached path excluded). */
  seconds: number;
}

/** The full protocol's train split: augmented views per epoch put through the frozen encoder at every step. */
export interface AugmentedTrain {
  encoder: LayersModel;
  /** Batches of random-resized-crop + flip views for an epoch (seeded by it); one view per sample is read. */
  views: (epoch: number) => BatchSource;
  /** Clean train features supplying the standardisation statistics and class count; when absent one extra pass over `views(0)` does. */
  reference?: FeatureSet;
}

interface ParsedProbe {
  epochs: number;
  batchSize: number;
  lr: number;
  momentum: number;
  nesterov: boolean;
  schedule: ProbeSchedule;
  milestones: number[];
  gamma: number;
  standardize: boolean;
  numClasses: number | undefined;
  seed: number;
  log: ((line: string) => void) | undefined;
}

export function parseProbeOptions(options: ProbeOptions | undefined): ParsedProbe {
  const o = objectOption(options, 'options');
  const epochs = intOption(o.epochs, 'options.epochs', 1, 100_000, 100);
  let milestones = [Math.round(epochs * 0.6), Math.round(epochs * 0.8)];
  if (o.milestones !== undefined) {
    if (!Array.isArray(o.milestones) || !o.milestones.every((m) => Number.isInteger(m) && m >= 0)) {
      throw invalidOption('an array of non-negative integer epochs', 'options.milestones', o.milestones);
    }
    milestones = [...(o.milestones as number[])].sort((a, b) => a - b);
  }
  if (o.log !== undefined && typeof o.log !== 'function') throw invalidOption('a function', 'options.log', o.log);
  return {
    epochs,
    batchSize: intOption(o.batchSize, 'options.batchSize', 1, 1 << 20, 256),
    lr: numberOption(o.lr, 'options.lr', { min: 0, exclusiveMin: true }, 0.1),
    momentum: numberOption(o.momentum, 'options.momentum', { min: 0, max: 1 }, 0.9),
    nesterov: boolOption(o.nesterov, 'options.nesterov', true),
    schedule: enumOption(o.schedule, 'options.schedule', ['cosine', 'step'] as const, 'cosine'),
    milestones,
    gamma: numberOption(o.gamma, 'options.gamma', { min: 0, max: 1, exclusiveMin: true }, 0.1),
    standardize: boolOption(o.standardize, 'options.standardize', true),
    numClasses: o.numClasses === undefined ? undefined : intOption(o.numClasses, 'options.numClasses', 2, 1 << 20, 2),
    seed: intOption(o.seed, 'options.seed', 0, 2 ** 32 - 1, 0),
    log: o.log as ParsedProbe['log'],
  };
}

/** Learning rate at a fractional epoch (epoch + step / stepsPerEpoch). */
function learningRate(p: ParsedProbe, epoch: number, progress: number): number {
  if (p.schedule === 'cosine') return 0.5 * p.lr * (1 + Math.cos((Math.PI * (epoch + progress)) / p.epochs));
  let lr = p.lr;
  for (const m of p.milestones) if (epoch >= m) lr *= p.gamma;
  return lr;
}

/** Top-1 / top-5 accuracy of a trained classifier on (n, dim) features, evaluated in chunks. */
function accuracy(classifier: LinearClassifier, features: Float32Array, labels: Int32Array, dim: number): { top1: number; top5: number } {
  const n = labels.length;
  const chunk = 4096;
  let top1 = 0;
  let top5 = 0;
  for (let start = 0; start < n; start += chunk) {
    const count = Math.min(chunk, n - start);
    const hits = tf.tidy(() => {
      const x = tf.tensor2d(features.subarray(start * dim, (start + count) * dim), [count, dim]);
      const logits = classifier.logits(x);
      return topKHits(logits, labels, start, 5);
    });
    top1 += hits.top1;
    top5 += hits.topK;
  }
  return { top1: top1 / n, top5: top5 / n };
}

function prepareTest(test: FeatureSet, dim: number, stats: FeatureStatistics | undefined): Float32Array {
  const n = rowCount(test, 'test features');
  if (test.dim !== dim) throw shapeMismatch(`Test features have dimension ${test.dim} but train features have ${dim}`);
  if (n === 0) throw shapeMismatch('The test split is empty');
  return stats ? standardize(test.features, stats) : test.features;
}

/**
 * Fast path: trains the linear probe on cached train features (n, dim) and reports top-1 / top-5 on cached test
 * features. Train and test features come from the evaluation transform (resize + centre crop), so this is the
 * "linear probe on frozen features" number, usually a little below the full protocol's.
 */
export async function linearProbe(train: FeatureSet, test: FeatureSet, options?: ProbeOptions): Promise<ProbeResult> {
  const p = parseProbeOptions(options);
  const started = performance.now();
  const n = rowCount(train, 'train features');
  if (n === 0) throw shapeMismatch('The train split is empty');
  const dim = train.dim;
  const classes = resolveClassCount(train, test, p.numClasses);
  const stats = p.standardize ? featureStatistics(train.features, dim) : undefined;
  const trainX = stats ? standardize(train.features, stats) : train.features;
  const testX = prepareTest(test, dim, stats);

  const classifier = new LinearClassifier(dim, classes, { momentum: p.momentum, nesterov: p.nesterov, seed: p.seed });
  const stepsPerEpoch = Math.ceil(n / p.batchSize);
  // The epoch's shuffled copy is made in JS and each step uploads its rows: slicing or gathering a large
  // backend tensor costs far more than the step itself on the wasm backend.
  const xs = new Float32Array(n * dim);
  const ys = new Int32Array(n);
  let trainLoss = Number.NaN;
  try {
    for (let epoch = 0; epoch < p.epochs; epoch++) {
      const order = permutation(n, rng(p.seed, epoch, 0x5eed));
      for (let i = 0; i < n; i++) {
        xs.set(trainX.subarray(order[i] * dim, (order[i] + 1) * dim), i * dim);
        ys[i] = train.labels[order[i]];
      }
      for (let s = 0; s < stepsPerEpoch; s++) {
        const start = s * p.batchSize;
        const count = Math.min(p.batchSize, n - start);
        tf.tidy(() => {
          const x = tf.tensor2d(xs.subarray(start * dim, (start + count) * dim), [count, dim]);
          const y = tf.tensor1d(ys.subarray(start, start + count), 'int32');
          classifier.step(x, y, learningRate(p, epoch, s / stepsPerEpoch));
        });
      }
      trainLoss = classifier.takeLoss();
      p.log?.(`probe epoch ${epoch + 1}/${p.epochs} loss ${trainLoss.toFixed(4)}`);
      // Yield to the event loop between epochs so that a long probe does not starve timers and signals.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const { top1, top5 } = accuracy(classifier, testX, test.labels, dim);
    return {
      top1, top5, epochs: p.epochs, protocol: 'cached-features', trainLoss, classes,
      trainSamples: n, testSamples: test.labels.length, seconds: (performance.now() - started) / 1000,
    };
  } finally {
    classifier.dispose();
  }
}

/** Statistics and class count from one pass over the first epoch's augmented views. */
async function augmentedReference(train: AugmentedTrain): Promise<{ stats: FeatureStatistics; classes: number; dim: number }> {
  let sum: Float64Array | undefined;
  let sumSq: Float64Array | undefined;
  let count = 0;
  let maxLabel = -1;
  let dim = 0;
  for await (const batch of eachBatch(train.views(0))) {
    const labels = batchLabels(batch, 'train', count);
    const encoded = encodeBatch(train.encoder, batch);
    dim = encoded.dim;
    sum ??= new Float64Array(dim);
    sumSq ??= new Float64Array(dim);
    for (let i = 0; i < batch.size; i++) {
      for (let j = 0; j < dim; j++) {
        const v = encoded.values[i * dim + j];
        sum[j] += v;
        sumSq[j] += v * v;
      }
      if (labels[i] > maxLabel) maxLabel = labels[i];
    }
    count += batch.size;
  }
  if (sum === undefined || sumSq === undefined || count === 0) throw shapeMismatch('The augmented train split yielded no batches');
  const mean = new Float32Array(dim);
  const std = new Float32Array(dim);
  for (let j = 0; j < dim; j++) {
    mean[j] = sum[j] / count;
    const s = Math.sqrt(Math.max(0, sumSq[j] / count - mean[j] * mean[j]));
    std[j] = s > 1e-6 ? s : 1;
  }
  return { stats: { mean, std }, classes: maxLabel + 1, dim };
}

/**
 * Full protocol: every epoch, fresh random-resized-crop + flip train views go through the frozen encoder
 * (BN in inference mode) and the linear layer takes one SGD step per batch; top-1 / top-5 on cached test features
 * of the evaluation transform. This is the number comparable to the papers' linear evaluation.
 */
export async function linearProbeAugmented(train: AugmentedTrain, test: FeatureSet, options?: ProbeOptions): Promise<ProbeResult> {
  const p = parseProbeOptions(options);
  if (typeof train !== 'object' || train === null || typeof train.views !== 'function') {
    throw invalidOption('an object with encoder and views(epoch)', 'train', train);
  }
  const started = performance.now();
  let stats: FeatureStatistics | undefined;
  let classes: number;
  let dim: number;
  if (train.reference !== undefined) {
    rowCount(train.reference, 'reference features');
    dim = train.reference.dim;
    classes = resolveClassCount(train.reference, test, p.numClasses);
    if (p.standardize) stats = featureStatistics(train.reference.features, dim);
  } else {
    const reference = await augmentedReference(train);
    dim = reference.dim;
    classes = p.numClasses ?? reference.classes;
    checkLabels(test, classes, 'test split', 'the train split');
    if (p.standardize) stats = reference.stats;
  }
  const testX = prepareTest(test, dim, stats);
  const classifier = new LinearClassifier(dim, classes, { momentum: p.momentum, nesterov: p.nesterov, seed: p.seed });
  const statTensors = stats ? { mean: tf.tensor1d(stats.mean), std: tf.tensor1d(stats.std) } : undefined;
  let trainLoss = Number.NaN;
  let trainSamples = 0;
  let stepsPerEpoch = 0;
  try {
    for (let epoch = 0; epoch < p.epochs; epoch++) {
      let step = 0;
      let samples = 0;
      for await (const batch of eachBatch(train.views(epoch))) {
        const labels = batchLabels(batch, 'train', samples);
        checkLabels({ labels, keys: batch.keys }, classes, 'train split', 'the probe');
        const encoded = encodeBatch(train.encoder, batch);
        if (encoded.dim !== dim) throw shapeMismatch(`Encoder features have dimension ${encoded.dim} but the reference has ${dim}`);
        // Before the first epoch ends the number of steps is unknown, so cosine runs on the previous epoch's count.
        const progress = stepsPerEpoch > 0 ? Math.min(step / stepsPerEpoch, 1) : 0;
        tf.tidy(() => {
          let x: tf.Tensor2D = tf.tensor2d(encoded.values, [batch.size, dim]);
          if (statTensors) x = tf.div(tf.sub(x, statTensors.mean), statTensors.std);
          classifier.step(x, tf.tensor1d(labels, 'int32'), learningRate(p, epoch, progress));
        });
        step++;
        samples += batch.size;
      }
      stepsPerEpoch = step;
      trainSamples = samples;
      trainLoss = classifier.takeLoss();
      p.log?.(`probe (augmented) epoch ${epoch + 1}/${p.epochs} loss ${trainLoss.toFixed(4)}`);
    }
    const { top1, top5 } = accuracy(classifier, testX, test.labels, dim);
    return {
      top1, top5, epochs: p.epochs, protocol: 'augmented', trainLoss, classes,
      trainSamples, testSamples: test.labels.length, seconds: (performance.now() - started) / 1000,
    };
  } finally {
    statTensors?.mean.dispose();
    statTensors?.std.dispose();
    classifier.dispose();
  }
}
