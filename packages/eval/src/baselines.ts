// Baselines printed beside every result: the same probe on a random-init encoder, and logistic regression on raw pixels.
import type { LayersModel } from '@tensorflow/tfjs';
import type { BatchSource } from './batch.js';
import { recomputeBatchNormStatistics } from './batch-norm.js';
import { extractFeatures, rawPixelFeatures } from './features.js';
import type { FeatureSet } from './features.js';
import { knn } from './knn.js';
import type { KnnOptions, KnnResult } from './knn.js';
import { linearProbe } from './linear-probe.js';
import type { ProbeOptions, ProbeResult } from './linear-probe.js';
import { splitIdentity } from './split.js';
import type { SplitIdentity } from './split.js';

export interface BaselineResult {
  /** Absent when the probe was switched off (`probe: false`). */
  probe?: ProbeResult;
  knn?: KnnResult;
  /** The train / test samples the baseline saw; equal to the main result's when computed on the same split. */
  split: { train: SplitIdentity; test: SplitIdentity };
}

export interface RandomInitBaselineResult extends BaselineResult {
  /** Train samples the BN statistics were recomputed from. */
  bnSamples: number;
}

export interface BaselineOptions {
  /** Probe options, or false to skip the probe (k-NN only). */
  probe?: ProbeOptions | false;
  /** k-NN options, or false to skip k-NN. */
  knn?: KnnOptions | false;
}

/**
 * The linear probe (and k-NN) on a randomly initialised encoder of the same architecture. Its BN statistics are
 * first recomputed on the train split (see `recomputeBatchNormStatistics`), as in the PyTorch reference.
 * `train` / `test` are called anew and must yield the same labelled samples (evaluation transform) each time.
 */
export async function randomInitBaseline(
  encoder: LayersModel,
  train: () => BatchSource,
  test: () => BatchSource,
  options: BaselineOptions = {},
): Promise<RandomInitBaselineResult> {
  const bnSamples = await recomputeBatchNormStatistics(encoder, train());
  const trainSet = await extractFeatures(encoder, train(), { split: 'train' });
  const testSet = await extractFeatures(encoder, test(), { split: 'test' });
  const probe = options.probe === false ? undefined : await linearProbe(trainSet, testSet, options.probe);
  return { ...featureBaseline(trainSet, testSet, options, probe), bnSamples };
}

/** Multinomial logistic regression on raw pixels (standardised per pixel with train statistics), plus raw-pixel k-NN. */
export async function rawPixelBaseline(train: BatchSource | FeatureSet, test: BatchSource | FeatureSet, options: BaselineOptions = {}): Promise<BaselineResult> {
  const trainSet = isFeatureSet(train) ? train : await rawPixelFeatures(train, { split: 'train' });
  const testSet = isFeatureSet(test) ? test : await rawPixelFeatures(test, { split: 'test' });
  // Pixels are always standardised: on 0..255 inputs an unscaled logistic regression diverges at any useful lr.
  const probe = options.probe === false ? undefined : await linearProbe(trainSet, testSet, { ...options.probe, standardize: true });
  return featureBaseline(trainSet, testSet, options, probe);
}

function isFeatureSet(value: unknown): value is FeatureSet {
  return typeof value === 'object' && value !== null && (value as FeatureSet).features instanceof Float32Array;
}

function featureBaseline(train: FeatureSet, test: FeatureSet, options: BaselineOptions, probe: ProbeResult | undefined): BaselineResult {
  const result: BaselineResult = { split: { train: splitIdentity(train), test: splitIdentity(test) } };
  if (probe) result.probe = probe;
  if (options.knn !== false) result.knn = knn(train, test, options.knn);
  return result;
}
