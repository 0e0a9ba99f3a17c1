import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import {
  baselineFlags, batchNormStatistics, evaluateEncoder, randomInitBaseline, rawPixelBaseline, recomputeBatchNormStatistics,
} from '../src/index.js';
import type { EvalReport } from '../src/index.js';
import { cpu, imageBatches, smallEncoder } from './helpers.js';

test.before(cpu);

test.serial('recomputed BN statistics are the size-weighted average of the batch statistics', async (t) => {
  const model = tf.sequential({
    layers: [tf.layers.batchNormalization({ inputShape: [12, 12, 1] }), tf.layers.globalAveragePooling2d({})],
  });
  const batches = imageBatches(80, 4, 21, 32);
  let mean = 0;
  let variance = 0;
  for (const b of batches) {
    const v = b.views[0] as Uint8Array;
    const m = v.reduce((s, x) => s + x, 0) / v.length;
    const s2 = v.reduce((s, x) => s + (x - m) ** 2, 0) / v.length;
    mean += (m * b.size) / 80;
    variance += (s2 * b.size) / 80;
  }
  const momentum = (model.layers[0] as unknown as { momentum: number }).momentum;
  const before = tf.memory().numTensors;
  t.is(await recomputeBatchNormStatistics(model, batches), 80);
  t.is(tf.memory().numTensors, before, 'no tensor leaks');
  const stats = [...batchNormStatistics(model).values()][0];
  t.true(Math.abs(stats.mean[0] - mean) < 1e-3, `mean ${stats.mean[0]} vs ${mean}`);
  t.true(Math.abs(stats.variance[0] - variance) / variance < 1e-4, `variance ${stats.variance[0]} vs ${variance}`);
  t.is((model.layers[0] as unknown as { momentum: number }).momentum, momentum, 'momentum restored');
  model.dispose();
});

test.serial('the random-init baseline recomputes BN statistics and leaves the weights alone', async (t) => {
  const encoder = smallEncoder([12, 12, 1], 3);
  const weights = encoder.trainableWeights.map((w) => Array.from(w.read().dataSync()));
  const fresh = [...batchNormStatistics(encoder).values()][0];
  t.deepEqual(Array.from(fresh.variance), [1, 1, 1, 1, 1, 1]);
  const result = await randomInitBaseline(encoder, () => imageBatches(96, 4, 22), () => imageBatches(48, 4, 23), { probe: { epochs: 10 } });
  t.is(result.bnSamples, 96);
  t.notDeepEqual(Array.from([...batchNormStatistics(encoder).values()][0].variance), [1, 1, 1, 1, 1, 1]);
  t.deepEqual(encoder.trainableWeights.map((w) => Array.from(w.read().dataSync())), weights);
  t.is(result.split.train.samples, 96);
  t.true((result.probe?.top1 ?? 0) > 0.5, `random-init probe top-1 ${result.probe?.top1}`);
  t.true(result.knn !== undefined && result.knn.top1 > 0.25);
  encoder.dispose();
});

test.serial('raw-pixel logistic regression separates the synthetic classes', async (t) => {
  const result = await rawPixelBaseline(imageBatches(96, 4, 24), imageBatches(48, 4, 25), { probe: { epochs: 10 }, knn: false });
  t.true((result.probe?.top1 ?? 0) > 0.9, `raw-pixel top-1 ${result.probe?.top1}`);
  t.is(result.knn, undefined);
});

test.serial('evaluateEncoder computes the result and both baselines on the same samples and flags what does not beat them', async (t) => {
  const encoder = smallEncoder([12, 12, 1], 5);
  const calls: string[] = [];
  const before = tf.memory().numTensors;
  const report = await evaluateEncoder({
    encoder,
    train: () => (calls.push('train'), imageBatches(96, 4, 26)),
    test: () => (calls.push('test'), imageBatches(48, 4, 27)),
    randomEncoder: () => smallEncoder([12, 12, 1], 6),
    probe: { epochs: 8 },
    name: 'random-encoder-as-result',
  });
  t.is(tf.memory().numTensors, before, 'no tensor leaks');
  t.is(report.version, 1);
  t.is(report.probe?.protocol, 'cached-features');
  t.is(report.knn?.k, 96);
  t.is(report.knn?.temperature, 0.1);
  const { randomInit, rawPixels } = report.baselines;
  t.truthy(randomInit);
  t.truthy(rawPixels);
  t.deepEqual(randomInit?.split, report.split);
  t.deepEqual(rawPixels?.split, report.split);
  t.is(report.split.train.samples, 96);
  t.is(report.split.test.samples, 48);
  t.true(calls.filter((c) => c === 'train').length >= 3);
  t.deepEqual(report.flags, baselineFlags(report));
  encoder.dispose();
});

test.serial('probe: false gives a k-NN-only report (twinflow knn), baselines included', async (t) => {
  const encoder = smallEncoder([12, 12, 1], 5);
  const report = await evaluateEncoder({
    encoder,
    train: () => imageBatches(64, 4, 28),
    test: () => imageBatches(32, 4, 29),
    randomEncoder: async () => smallEncoder([12, 12, 1], 6),
    probe: false,
    knn: { k: 10 },
  });
  t.is(report.probe, undefined);
  t.is(report.knn?.k, 10);
  t.is(report.baselines.randomInit?.probe, undefined);
  t.is(report.baselines.rawPixels?.knn?.k, 10);
  t.true(report.flags.every((f) => f.startsWith('k-NN')));
  await t.throwsAsync(evaluateEncoder({ encoder, train: () => [], test: () => [], probe: false, knn: false }), {
    message: 'Expected at least one of probe and knn enabled for options.probe but received false of type boolean',
  });
  encoder.dispose();
});

const probe = (top1: number) => ({
  top1, top5: 1, epochs: 100, protocol: 'cached-features' as const, trainLoss: 0.1, classes: 10, trainSamples: 10, testSamples: 10, seconds: 1,
});
const knnResult = (top1: number) => ({ top1, top5: 1, k: 200, temperature: 0.1, bankSamples: 10, testSamples: 10, seconds: 1 });
const split = { train: { samples: 10, digest: 'aaaa' }, test: { samples: 10, digest: 'bbbb' } };

test('a result that does not beat a baseline is flagged, one that does is not', (t) => {
  const report: Pick<EvalReport, 'probe' | 'knn' | 'baselines' | 'split'> = {
    probe: probe(0.82),
    knn: knnResult(0.9),
    split,
    baselines: {
      randomInit: { probe: probe(0.808), knn: knnResult(0.76), split, bnSamples: 10 },
      rawPixels: { probe: probe(0.836), knn: knnResult(0.85), split },
    },
  };
  t.deepEqual(baselineFlags(report), ['probe top-1 82.00% does not beat the raw-pixel baseline probe 83.60%']);
  t.deepEqual(baselineFlags(report, 0.03), [
    'probe top-1 82.00% does not beat the random-init encoder baseline probe 80.80% by 3.0 points',
    'probe top-1 82.00% does not beat the raw-pixel baseline probe 83.60% by 3.0 points',
  ]);
  t.deepEqual(baselineFlags(report, 0.06), [
    'probe top-1 82.00% does not beat the random-init encoder baseline probe 80.80% by 6.0 points',
    'probe top-1 82.00% does not beat the raw-pixel baseline probe 83.60% by 6.0 points',
    'k-NN top-1 90.00% does not beat the raw-pixel baseline k-NN 85.00% by 6.0 points',
  ]);
  t.deepEqual(baselineFlags({ ...report, probe: probe(0.95) }), []);
});

test('a baseline computed on another split is flagged', (t) => {
  const other = { ...split, test: { samples: 10, digest: 'cccc' } };
  const flags = baselineFlags({ probe: probe(0.95), split, baselines: { rawPixels: { probe: probe(0.8), split: other } } });
  t.deepEqual(flags, ['the raw-pixel baseline was computed on another split']);
});
