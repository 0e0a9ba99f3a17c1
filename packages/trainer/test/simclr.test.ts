import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import {
  BatchError,
  LARS,
  MethodError,
  MoCoProjectionHead,
  OptionError,
  ProjectionHead,
  SimCLR,
  SimCLRProjectionHead,
  viewTensors,
} from '../src/index.js';
import { syntheticData, tinyEncoder } from './helpers/tiny.js';

test.before(async () => {
  await tf.setBackend('cpu');
});

const layerKinds = (m: tf.LayersModel) => m.layers.map((l) => l.getClassName()).filter((k) => k !== 'InputLayer');

test('SimCLRProjectionHead v1: Dense -> BN -> ReLU -> Dense(128)', (t) => {
  const head = new SimCLRProjectionHead(32, { version: 1 });
  t.deepEqual(layerKinds(head.model), ['Dense', 'TwinflowBatchNorm', 'ReLU', 'Dense']);
  t.deepEqual(head.model.outputs[0].shape, [null, 128]);
  t.is(head.outputDim, 128);
  head.model.dispose();
});

test('projection heads with the same seed (0 by default) have the same weights, another seed different ones', (t) => {
  const weights = (seed?: number) => {
    const head = new SimCLRProjectionHead(16, { version: 2, hiddenDim: 8, seed });
    const data = head.model.getWeights().map((w) => Array.from(w.dataSync()));
    head.model.dispose();
    return data;
  };
  t.deepEqual(weights(), weights(0));
  t.deepEqual(weights(3), weights(3));
  t.notDeepEqual(weights(0), weights(3));
});

test('SimCLRProjectionHead v2: three layers, the last BN without centre', (t) => {
  const head = new SimCLRProjectionHead(16, { hiddenDim: 24, outputDim: 8 });
  t.deepEqual(layerKinds(head.model), ['Dense', 'TwinflowBatchNorm', 'ReLU', 'Dense', 'TwinflowBatchNorm', 'ReLU', 'Dense', 'TwinflowBatchNorm']);
  const last = head.model.layers[8];
  t.deepEqual(
    last.trainableWeights.map((w) => w.originalName.split('/').pop()),
    ['gamma'],
    'the last BN learns no offset (no centring)',
  );
  // Dense layers followed by BN have no bias.
  t.deepEqual(head.model.layers.filter((l) => l.getClassName() === 'Dense').map((l) => l.weights.length), [1, 1, 1]);
  const x = tf.randomNormal([6, 16]) as tf.Tensor2D;
  const y = head.apply(x, true);
  t.deepEqual(y.shape, [6, 8]);
  tf.dispose([x, y]);
  head.model.dispose();
});

test('MoCoProjectionHead: Linear -> ReLU -> Linear(128), no BN', (t) => {
  const head = new MoCoProjectionHead(20);
  t.deepEqual(layerKinds(head.model), ['Dense', 'ReLU', 'Dense']);
  t.deepEqual(head.model.outputs[0].shape, [null, 128]);
  t.deepEqual(head.model.layers.slice(1).map((l) => l.weights.length), [2, 0, 2]);
  head.model.dispose();
});

test('ProjectionHead validates its blocks', (t) => {
  t.throws(() => new ProjectionHead(4, [{ units: 0 }]), {
    instanceOf: OptionError,
    message: 'Expected an integer >= 1 for blocks[0].units but received 0 of type number',
  });
});

test('SimCLR defaults are the paper\'s', (t) => {
  const m = new SimCLR({ encoder: tinyEncoder() });
  t.like(m.options, {
    headVersion: 2,
    projectionDim: 128,
    temperature: 0.1,
    learningRate: 0.3,
    learningRateScaling: 'linear',
    weightDecay: 1e-6,
    momentum: 0.9,
    trustCoefficient: 0.001,
    warmupEpochs: 10,
  });
  t.is(new SimCLR({ encoder: tinyEncoder(), learningRateScaling: 'sqrt' }).options.learningRate, 0.075);
  const ctx = { step: 5, epoch: 0, stepsPerEpoch: 10, totalSteps: 1000, seed: 0 };
  t.is(m.learningRate(512, ctx), (0.3 * 2 * 5) / 100, 'linear warm-up over 10 epochs of the scaled rate');
});

test('SimCLR needs build() and two views', async (t) => {
  const m = new SimCLR({ encoder: tinyEncoder(), hiddenDim: 8, projectionDim: 4 });
  t.throws(() => m.encoder(), { instanceOf: MethodError });
  m.build([8, 8, 1]);
  t.throws(() => m.build([16, 16, 1]), { instanceOf: MethodError, message: 'SimCLR was built for 8x8x1 images, not 16x16x1' });
  const views = [tf.zeros([2, 8, 8, 1]), tf.zeros([2, 8, 8, 1]), tf.zeros([2, 8, 8, 1])] as tf.Tensor4D[];
  t.throws(() => m.trainStep(views, { step: 0, epoch: 0, stepsPerEpoch: 1, totalSteps: 1, seed: 0 }), {
    instanceOf: BatchError,
    message: 'SimCLR trains on 2 views per image but the batch has 3',
  });
  tf.dispose(views);
  m.dispose();
});

for (const [options, message] of [
  [{ temperature: 0 }, 'Expected a positive number for options.temperature but received 0 of type number'],
  [{ headVersion: 3 }, 'Expected one of 1, 2 for options.headVersion but received 3 of type number'],
  [{ learningRateScaling: 'cubic' }, 'Expected one of "linear", "sqrt" for options.learningRateScaling but received "cubic" of type string'],
  [{ warmupEpochs: -1 }, 'Expected a number >= 0 for options.warmupEpochs but received -1 of type number'],
  [
    { encoder: 'resnet' },
    'Expected one of "convnet", "resnet18-cifar", "resnet18", "resnet34", "resnet50" or a function of the input shape for options.encoder but received "resnet" of type string',
  ],
] as const) {
  test(`invalid SimCLR option: ${message}`, (t) => {
    t.throws(() => new SimCLR({ encoder: tinyEncoder(), ...(options as object) }), { instanceOf: OptionError, message });
  });
}

test('SimCLR trains with LARS, its loss falls and no tensor leaks', async (t) => {
  const data = [];
  for await (const b of syntheticData({ images: 64, batchSize: 8 })({ epoch: 0 })) data.push(b);
  const m = new SimCLR({ encoder: tinyEncoder(), hiddenDim: 16, projectionDim: 8, learningRate: 3, warmupEpochs: 0, temperature: 0.5 });
  m.build([8, 8, 1]);
  const losses: number[] = [];
  let tensors = 0;
  const steps = 20;
  for (let step = 0; step < steps; step++) {
    const views = viewTensors(data[step % data.length]);
    const r = m.trainStep(views, { step, epoch: 0, stepsPerEpoch: steps, totalSteps: steps, seed: 0 });
    losses.push(r.loss);
    tf.dispose(views);
    if (step === 0) tensors = tf.memory().numTensors;
    else t.is(tf.memory().numTensors, tensors, `tensor count after step ${step}`);
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b) / xs.length;
  t.true(mean(losses.slice(-6)) < mean(losses.slice(0, 6)) - 0.3, losses.map((l) => l.toFixed(2)).join(' '));
  const state = await m.saveState();
  t.true(state.tensors.length > 1, 'LARS momentum slots are saved');
  t.true(m instanceof SimCLR && new LARS({ learningRate: 0 }) instanceof tf.Optimizer);
  m.dispose();
});

test('SimCLR chunkSize: a GradCache step over one chunk of all 2N views matches the one-tape step', async (t) => {
  const data = [];
  for await (const b of syntheticData({ images: 24, batchSize: 8 })({ epoch: 0 })) data.push(b);
  const make = (chunkSize?: number) => {
    const m = new SimCLR({ encoder: tinyEncoder(), hiddenDim: 16, projectionDim: 8, learningRate: 2, warmupEpochs: 0, temperature: 0.5, chunkSize });
    m.build([8, 8, 1]);
    return m;
  };
  const plain = make();
  const chunked = make(16);
  const small = make(4);
  let tensors = 0;
  for (let step = 0; step < 3; step++) {
    const views = viewTensors(data[step]);
    const ctx = { step, epoch: 0, stepsPerEpoch: 3, totalSteps: 3, seed: 0 };
    const a = plain.trainStep(views, ctx).loss;
    const b = chunked.trainStep(views, ctx).loss;
    const c = small.trainStep(views, ctx).loss;
    tf.dispose(views);
    t.true(Math.abs(a - b) < 1e-5, `step ${step}: ${a} vs ${b}`);
    t.true(Number.isFinite(c));
    if (step === 0) tensors = tf.memory().numTensors;
    else t.is(tf.memory().numTensors, tensors);
  }
  const wa = plain.encoder().getWeights();
  const wb = chunked.encoder().getWeights();
  wa.forEach((w, i) => t.true(tf.tidy(() => tf.max(tf.abs(w.sub(wb[i]))).dataSync()[0]) < 1e-4));
  for (const m of [plain, chunked, small]) m.dispose();
});
