// Times the cached-feature linear probe and weighted k-NN at Fashion-MNIST scale (60,000 x 256 train features,
// 10,000 test) on synthetic Gaussian-cluster features. Prints seconds per probe epoch, the extrapolated
// 100-epoch probe, and the k-NN time. Usage: npm run bench -w @twinflow/eval [-- --backend wasm --epochs 3]
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { loadBackend } from '@twinflow/trainer';
import { knn, linearProbe } from '../src/index.js';
import type { FeatureSet } from '../src/index.js';

const { values } = parseArgs({ options: { backend: { type: 'string' }, epochs: { type: 'string' }, train: { type: 'string' }, dim: { type: 'string' } } });
await loadBackend(values.backend === undefined ? {} : { backend: values.backend as never });
const epochs = Number(values.epochs ?? 3);
const trainCount = Number(values.train ?? 60000);
const dim = Number(values.dim ?? 256);

function features(n: number, seed: number): FeatureSet {
  let state = seed;
  const random = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296);
  const f = new Float32Array(n * dim);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 10;
    for (let j = 0; j < dim; j++) f[i * dim + j] = (j % 10 === labels[i] ? 1 : 0) + 2 * (random() - 0.5);
  }
  return { features: f, labels, dim };
}

const train = features(trainCount, 1);
const test = features(10000, 2);
console.log(`backend ${tf.getBackend()}, ${trainCount} x ${dim} train features, 10000 test (shared 2-core machine)`);
const probe = await linearProbe(train, test, { epochs });
const perEpoch = probe.seconds / epochs;
console.log(`linear probe: ${perEpoch.toFixed(2)} s/epoch (batch 256) -> ${(perEpoch * 100 / 60).toFixed(1)} min for 100 epochs; top-1 ${(probe.top1 * 100).toFixed(2)}%`);
const k = knn(train, test);
console.log(`k-NN (k=200, T=0.1): ${k.seconds.toFixed(1)} s for 10000 queries against ${trainCount}; top-1 ${(k.top1 * 100).toFixed(2)}%`);
