import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { OptionError } from '../src/errors.js';
import { loadBackend } from '../src/backend/index.js';
import { BatchNorm, createEncoder, NormalizePixels } from '../src/models/index.js';
import type { EncoderArch } from '../src/models/index.js';
import { relativeError } from './helpers/compare.js';

test.before(async () => {
  await loadBackend({ backend: 'wasm', log: () => undefined });
});

const trainableCount = (model: tf.LayersModel): number =>
  model.trainableWeights.reduce((sum, w) => sum + w.shape.reduce<number>((a, b) => a * (b ?? 1), 1), 0);

/** torchvision parameter counts minus the final fc layer (512*1000+1000, 2048*1000+1000). */
const torchvision: [EncoderArch, number, number][] = [
  ['resnet18', 11_689_512 - 513_000, 512],
  ['resnet34', 21_797_672 - 513_000, 512],
  ['resnet50', 25_557_032 - 2_049_000, 2048],
  // CIFAR stem: a 3x3x3x64 conv replaces the 7x7x3x64 one.
  ['resnet18-cifar', 11_689_512 - 513_000 - 7 * 7 * 3 * 64 + 3 * 3 * 3 * 64, 512],
];

for (const [arch, params, dim] of torchvision) {
  test.serial(`${arch} has torchvision's parameter count and outputs (batch, ${dim})`, (t) => {
    const model = createEncoder(arch, { inputShape: [32, 32, 3] });
    t.is(trainableCount(model), params);
    t.deepEqual(model.outputs[0].shape, [null, dim]);
    const y = model.predict(tf.zeros([2, 32, 32, 3])) as tf.Tensor;
    t.deepEqual(y.shape, [2, dim]);
    tf.dispose(y);
    model.dispose();
  });
}

test.serial('convnet: 32-64-128-256 3x3 convs, stride 2 from the second, pooled to (batch, 256)', (t) => {
  const model = createEncoder('convnet', { inputShape: [28, 28, 1] });
  const convs = model.layers.filter((l) => l.getClassName() === 'Conv2D');
  t.deepEqual(convs.map((l) => (l.getConfig() as { filters: number }).filters), [32, 64, 128, 256]);
  t.deepEqual(convs.map((l) => (l.getConfig() as { strides: number[] }).strides), [[1, 1], [2, 2], [2, 2], [2, 2]]);
  t.deepEqual(model.outputs[0].shape, [null, 256]);
  t.is(model.layers.filter((l) => l instanceof BatchNorm).length, 4);
  model.dispose();
});

test.serial('batch norm uses PyTorch momentum 0.1 (Keras 0.9) and epsilon 1e-5', (t) => {
  const model = createEncoder('resnet18-cifar', { inputShape: [8, 8, 3] });
  const bns = model.layers.filter((l): l is BatchNorm => l instanceof BatchNorm);
  t.is(bns.length, 20);
  t.true(bns.every((bn) => bn.momentum === 0.9 && bn.epsilon === 1e-5));
  model.dispose();
});

test.serial('pixels are normalised in the graph: (x / 255 - mean) / std per channel', (t) => {
  const layer = new NormalizePixels({ mean: [0.5, 0.25], std: [0.2, 0.5], inputMax: 255 });
  const pixels = [0, 255, 51, 102, 255, 0];
  const y = layer.apply(tf.tensor(pixels, [1, 1, 3, 2], 'int32')) as tf.Tensor;
  const expected = pixels.map((p, i) => (p / 255 - [0.5, 0.25][i % 2]) / [0.2, 0.5][i % 2]);
  const actual = Array.from(y.dataSync());
  t.is(y.dtype, 'float32');
  actual.forEach((v, i) => t.true(Math.abs(v - expected[i]) < 1e-5, `${v} vs ${expected[i]}`));
  tf.dispose(y);
});

test.serial('same seed gives the same weights in every layer, another seed different ones (seed 0 included)', (t) => {
  const weights = (arch: 'convnet' | 'resnet18-cifar', seed: number) => {
    const model = createEncoder(arch, { inputShape: [12, 12, arch === 'convnet' ? 1 : 3], seed });
    const data = model.getWeights().map((w) => Array.from(w.dataSync()));
    model.dispose();
    return data;
  };
  // tfjs's initialisers read a seed of 0 as "unseeded": the default seed must still reproduce.
  for (const seed of [0, 7]) {
    t.deepEqual(weights('convnet', seed), weights('convnet', seed), `convnet, seed ${seed}`);
    t.deepEqual(weights('resnet18-cifar', seed), weights('resnet18-cifar', seed), `resnet18-cifar, seed ${seed}`);
  }
  t.notDeepEqual(weights('convnet', 7), weights('convnet', 8));
  t.notDeepEqual(weights('convnet', 0), weights('convnet', 1));
});

test.serial('an encoder survives tf.loadLayersModel with its custom layers', async (t) => {
  const model = createEncoder('resnet18-cifar', { inputShape: [8, 8, 3], seed: 5 });
  const x = tf.randomUniform([3, 8, 8, 3], 0, 255, 'float32', 2);
  // One training call so the running statistics differ from their initial values.
  tf.dispose(model.apply(x, { training: true }) as tf.Tensor);
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    saved = artifacts;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  t.true(JSON.stringify(saved?.modelTopology).includes('"class_name":"TwinflowBatchNorm"'));
  const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
  const [a, b] = [model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor];
  t.is(relativeError(a.dataSync() as Float32Array, b.dataSync() as Float32Array), 0);
  tf.dispose([a, b, x]);
  model.dispose();
  loaded.dispose();
});

test.serial('BatchNorm training output and closed-form gradient match tfjs BatchNormalization; running stats follow PyTorch', (t) => {
  const [n, h, w, c] = [3, 4, 5, 6];
  const x = tf.randomNormal([n, h, w, c], 2, 3, 'float32', 4);
  const dy = tf.randomNormal([n, h, w, c], 0, 1, 'float32', 5);
  const bn = new BatchNorm();
  bn.apply(x, { training: true });
  // Reference: tfjs's own BatchNormalization (differentiated op by op) with the same gamma and beta.
  const reference = tf.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 });
  reference.build([n, h, w, c]);
  const gamma = tf.randomNormal([c], 1, 0.5, 'float32', 6);
  const beta = tf.randomNormal([c], 0, 0.5, 'float32', 7);
  bn.setWeights([gamma, beta, tf.zeros([c]), tf.ones([c])]);
  reference.setWeights([gamma, beta, tf.zeros([c]), tf.ones([c])]);

  const run = (layer: tf.layers.Layer) => {
    const f = (input: tf.Tensor) => tf.sum(tf.mul(layer.apply(input, { training: true }) as tf.Tensor, dy));
    const { value, grads } = tf.variableGrads(() => f(x) as tf.Scalar, layer.trainableWeights.map((v) => v.read() as tf.Variable));
    const dx = tf.grad(f)(x);
    return { value: value.dataSync()[0], dx: dx.dataSync() as Float32Array, dgamma: Object.values(grads)[0].dataSync() as Float32Array, dbeta: Object.values(grads)[1].dataSync() as Float32Array };
  };
  const mine = run(bn);
  const theirs = run(reference);
  t.true(Math.abs(mine.value - theirs.value) <= 1e-4 * Math.abs(theirs.value));
  t.true(relativeError(mine.dx, theirs.dx) < 1e-4, `dx ${relativeError(mine.dx, theirs.dx)}`);
  t.true(relativeError(mine.dgamma, theirs.dgamma) < 1e-4);
  t.true(relativeError(mine.dbeta, theirs.dbeta) < 1e-4);

  // Running statistics: momentum 0.9 towards the batch mean and the unbiased batch variance (PyTorch).
  const xs = x.dataSync();
  const m = n * h * w;
  const [runningMean, runningVar] = bn.getWeights().slice(2).map((v) => v.dataSync());
  let expectedMean = 0;
  let expectedVar = 1;
  const channel0 = Array.from({ length: m }, (_, i) => xs[i * c]);
  const mean0 = channel0.reduce((a, b) => a + b, 0) / m;
  const var0 = channel0.reduce((a, b) => a + (b - mean0) ** 2, 0) / (m - 1);
  for (let i = 0; i < 2; i++) { // run() applied the layer in training mode twice after setWeights
    expectedMean = 0.9 * expectedMean + 0.1 * mean0;
    expectedVar = 0.9 * expectedVar + 0.1 * var0;
  }
  t.true(Math.abs(runningMean[0] - expectedMean) < 1e-4, `${runningMean[0]} vs ${expectedMean}`);
  t.true(Math.abs(runningVar[0] - expectedVar) < 1e-3, `${runningVar[0]} vs ${expectedVar}`);
  tf.dispose([x, dy, gamma, beta]);
});

const invalid: [string, () => unknown, string][] = [
  ['arch', () => createEncoder('vgg16' as never, { inputShape: [8, 8, 3] }),
    'Expected one of convnet, resnet18-cifar, resnet18, resnet34, resnet50 for arch but received "vgg16" of type string'],
  ['options.inputShape', () => createEncoder('convnet', { inputShape: [28, 28] as never }),
    'Expected [height, width, channels] of positive integers for options.inputShape but received [28,28] of type object'],
  ['options.mean', () => createEncoder('convnet', { inputShape: [28, 28, 1], mean: [0.1, 0.2] }),
    'Expected an array of 1 finite numbers for options.mean but received [0.1,0.2] of type object'],
  ['options.std', () => createEncoder('resnet18', { inputShape: [32, 32, 3], std: [1, 0, 1] }),
    'Expected an array of 3 positive finite numbers for options.std but received [1,0,1] of type object'],
  ['options.inputMax', () => createEncoder('convnet', { inputShape: [28, 28, 1], inputMax: -1 }),
    'Expected a positive number for options.inputMax but received -1 of type number'],
  ['options.seed', () => createEncoder('convnet', { inputShape: [28, 28, 1], seed: 0.5 }),
    'Expected an integer for options.seed but received 0.5 of type number'],
  ['options.mean (2 channels)', () => createEncoder('convnet', { inputShape: [28, 28, 2] }),
    'Expected an array of 2 finite numbers (no default for 2 channels) for options.mean but received undefined of type undefined'],
];
for (const [name, call, message] of invalid) {
  test.serial(`rejects an invalid ${name}`, (t) => {
    t.throws(call, { instanceOf: OptionError, message });
  });
}
