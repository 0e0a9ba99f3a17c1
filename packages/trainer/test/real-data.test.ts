import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { MoCoV2, SimCLR, loadBackend, train } from '../src/index.js';
import type { Method } from '../src/index.js';
import { fashionMnistData, readFashionMnist } from './helpers/fashion-mnist.js';

// Real data and the real ConvNet encoder: these run on the engine's wasm backend (the pure-JS cpu
// backend needs ~40 s for one ConvNet step); the exactness tests live in train-loop.test.ts on cpu.
let data: Awaited<ReturnType<typeof readFashionMnist>>;
test.before(async () => {
  await loadBackend({ backend: 'wasm', log: () => undefined });
  data = await readFashionMnist(256);
});

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

async function run(method: Method, steps: number): Promise<number[]> {
  const losses: number[] = [];
  let tensors = 0;
  await train({
    method,
    data: fashionMnistData(data.images, data.labels, 16),
    stepsPerEpoch: 16,
    steps,
    seed: 1,
    onStep: (r) => {
      losses.push(r.loss);
      if (r.step === 2) tensors = tf.memory().numTensors;
      if (r.step > 2 && tf.memory().numTensors !== tensors) throw new Error(`tensor count changed at step ${r.step}`);
    },
  });
  method.dispose();
  return losses;
}

test.serial('SimCLR with the ConvNet encoder: the loss falls on Fashion-MNIST', async (t) => {
  t.is(data.images.length, 256);
  const losses = await run(
    new SimCLR({ encoder: 'convnet', hiddenDim: 64, projectionDim: 32, learningRateScaling: 'sqrt', warmupEpochs: 0, temperature: 0.5 }),
    24,
  );
  t.true(mean(losses.slice(-6)) < mean(losses.slice(0, 6)) - 0.1, losses.map((l) => l.toFixed(3)).join(' '));
});

test.serial('MoCoV2 with the ConvNet encoder: the loss falls once the queue is real', async (t) => {
  const losses = await run(
    new MoCoV2({ encoder: 'convnet', hiddenDim: 64, projectionDim: 32, queueSize: 32, learningRate: 0.3, keyMomentum: 0.9 }),
    16,
  );
  // The first steps score against the random initial queue (an easy task), so start after it is replaced.
  t.true(mean(losses.slice(-6)) < mean(losses.slice(2, 8)) - 0.1, losses.map((l) => l.toFixed(3)).join(' '));
});
