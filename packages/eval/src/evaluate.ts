// The whole evaluation of one frozen encoder: features, probe, k-NN, baselines on the same split, flags.
import type { LayersModel } from '@tensorflow/tfjs';
import type { BatchSource } from './batch.js';
import { randomInitBaseline, rawPixelBaseline } from './baselines.js';
import { invalidOption } from './errors.js';
import { extractFeatures } from './features.js';
import { boolOption, numberOption, objectOption } from './is.js';
import { knn } from './knn.js';
import type { KnnOptions } from './knn.js';
import { linearProbe, linearProbeAugmented, parseProbeOptions } from './linear-probe.js';
import type { ProbeOptions } from './linear-probe.js';
import { baselineFlags } from './report.js';
import type { EvalReport, PretrainInfo } from './report.js';
import { splitIdentity } from './split.js';

export interface EvaluateOptions {
  /** The frozen encoder (batch, h, w, c) -> (batch, dim); it is only run with predict (BN in inference mode). */
  encoder: LayersModel;
  /** Labelled train batches of the evaluation transform; called once per pass and must yield the same samples each time. */
  train: () => BatchSource;
  /** Labelled test batches of the evaluation transform; same contract as `train`. */
  test: () => BatchSource;
  /** Random-resized-crop + flip train batches per epoch: when given, the probe runs the full protocol. */
  augmentedTrain?: (epoch: number) => BatchSource;
  /** A fresh, randomly initialised encoder of the same architecture (e.g. createEncoder, or freshCopy of a checkpoint): enables the random-init baseline. */
  randomEncoder?: () => LayersModel | Promise<LayersModel>;
  /** Run the raw-pixel logistic regression baseline. Default true. */
  rawPixels?: boolean;
  /** Probe options, or false to skip the probe (`twinflow knn`). */
  probe?: ProbeOptions | false;
  /** k-NN options, or false to skip it. */
  knn?: KnnOptions | false;
  /** Flag results that do not beat a baseline by this many points (fraction). Default 0. */
  margin?: number;
  name?: string;
  pretrain?: PretrainInfo;
  log?: (line: string) => void;
}

/** Probe (cached, or full protocol when augmented views are given), k-NN and baselines of one encoder, as an EvalReport. */
export async function evaluateEncoder(options: EvaluateOptions): Promise<EvalReport> {
  const o = objectOption(options, 'options');
  for (const key of ['train', 'test'] as const) {
    if (typeof o[key] !== 'function') throw invalidOption('a function returning labelled batches', `options.${key}`, o[key]);
  }
  if (typeof o.encoder !== 'object' || o.encoder === null || typeof (o.encoder as LayersModel).predict !== 'function') {
    throw invalidOption('a tf.LayersModel', 'options.encoder', o.encoder);
  }
  for (const key of ['augmentedTrain', 'randomEncoder', 'log'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'function') throw invalidOption('a function', `options.${key}`, o[key]);
  }
  if (options.probe !== false) parseProbeOptions(options.probe);
  if (options.probe === false && options.knn === false) throw invalidOption('at least one of probe and knn enabled', 'options.probe', false);
  const rawPixels = boolOption(o.rawPixels, 'options.rawPixels', true);
  const margin = numberOption(o.margin, 'options.margin', { min: 0, max: 1 }, 0);
  const log = options.log;
  const probeOptions = options.probe;
  const started = performance.now();

  log?.('extracting train and test features');
  const train = await extractFeatures(options.encoder, options.train(), { split: 'train' });
  const test = await extractFeatures(options.encoder, options.test(), { split: 'test' });
  log?.(`features: ${train.labels.length} train, ${test.labels.length} test, dim ${train.dim}`);

  const report: EvalReport = {
    version: 1,
    name: options.name ?? 'encoder',
    ...(options.pretrain ? { pretrain: options.pretrain } : {}),
    baselines: {},
    split: { train: splitIdentity(train), test: splitIdentity(test) },
    flags: [],
    seconds: 0,
  };
  if (probeOptions !== false) {
    const cached = await linearProbe(train, test, probeOptions);
    if (options.augmentedTrain) {
      log?.('full protocol: probing on augmented train views');
      report.probe = await linearProbeAugmented({ encoder: options.encoder, views: options.augmentedTrain, reference: train }, test, probeOptions);
      report.probeCached = cached;
    } else {
      report.probe = cached;
    }
  }
  if (options.knn !== false) report.knn = knn(train, test, options.knn);
  const baselineOptions = { probe: probeOptions, knn: options.knn };
  if (options.randomEncoder) {
    log?.('baseline: random-init encoder (BN statistics recomputed on the train split)');
    const fresh = await options.randomEncoder();
    try {
      report.baselines.randomInit = await randomInitBaseline(fresh, options.train, options.test, baselineOptions);
    } finally {
      fresh.dispose();
    }
  }
  if (rawPixels) {
    log?.('baseline: logistic regression on raw pixels');
    report.baselines.rawPixels = await rawPixelBaseline(options.train(), options.test(), baselineOptions);
  }
  report.flags = baselineFlags(report, margin);
  report.seconds = (performance.now() - started) / 1000;
  return report;
}
