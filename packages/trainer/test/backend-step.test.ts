import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { loadBackend } from '../src/backend/index.js';
import { createEncoder } from '../src/models/index.js';
import type { EncoderArch } from '../src/models/index.js';
import { ntXent, relativeError } from './helpers/compare.js';

/**
 * Tolerances for a whole step, justified in docs/engine.md ("Tolerances", measured with
 * bench/conditioning.ts): on the cpu backend alone, a 1e-6 relative perturbation of the input pixels moves
 * ResNet-18's parameter gradients by up to ~8e-4 (max |diff| / max |grad| per parameter; batch norm over a
 * handful of samples amplifies rounding), while wasm and cpu differ by <= ~2e-4. 2e-3 sits above that
 * float32 floor; a wrong kernel is off by O(0.1-1).
 */
const gradTolerance = 2e-3;
const lossTolerance = 1e-5;

test.before(async () => {
  await loadBackend({ backend: 'wasm', log: () => undefined });
});

interface StepResult { loss: number; grads: Record<string, Float32Array> }

function step(model: tf.LayersModel, pixels: Float32Array, shape: number[]): StepResult {
  const x = tf.tensor(pixels, shape);
  const { value, grads } = tf.variableGrads(() => ntXent(model.apply(x, { training: true }) as tf.Tensor));
  const result = {
    loss: value.dataSync()[0],
    grads: Object.fromEntries(Object.entries(grads).map(([name, g]) => [name, g.dataSync() as Float32Array])),
  };
  tf.dispose([x, value, ...Object.values(grads)]);
  return result;
}

const cases: [EncoderArch, [number, number, number], number][] = [
  ['convnet', [12, 12, 1], 4],
  ['resnet18-cifar', [5, 5, 3], 2],
];

for (const [arch, inputShape, images] of cases) {
  test.serial(`${arch}: a SimCLR step on wasm matches cpu in the loss and every parameter gradient`, async (t) => {
    await tf.setBackend('wasm');
    const model = createEncoder(arch, { inputShape, seed: 3 });
    const shape = [2 * images, ...inputShape];
    const pixels = tf.tidy(() => tf.randomUniform(shape, 0, 255, 'float32', 11).dataSync() as Float32Array);
    const wasm = step(model, pixels, shape);
    await tf.setBackend('cpu');
    const cpu = step(model, pixels, shape);
    await tf.setBackend('wasm');
    const parameterCount = model.trainableWeights.length;
    model.dispose();

    t.true(Math.abs(wasm.loss - cpu.loss) <= lossTolerance * Math.abs(cpu.loss), `loss ${wasm.loss} vs ${cpu.loss}`);
    const names = Object.keys(cpu.grads);
    t.deepEqual(Object.keys(wasm.grads).sort(), [...names].sort());
    t.is(names.length, parameterCount);
    const failures = names
      .map((name) => ({ name, error: relativeError(wasm.grads[name], cpu.grads[name]) }))
      .filter(({ error }) => !(error <= gradTolerance));
    t.deepEqual(failures, []);
  });
}

test.serial('tensor count and wasm memory stay constant across training steps', (t) => {
  t.is(tf.getBackend(), 'wasm');
  const model = createEncoder('convnet', { inputShape: [12, 12, 1] });
  const optimizer = tf.train.momentum(0.1, 0.9);
  const x = tf.randomUniform([8, 12, 12, 1], 0, 255);
  const train = () => tf.dispose(optimizer.minimize(() => ntXent(model.apply(x, { training: true }) as tf.Tensor), true) ?? []);
  train();
  const after1 = tf.memory();
  train();
  train();
  const after3 = tf.memory();
  t.is(after3.numTensors, after1.numTensors);
  t.is(after3.numBytes, after1.numBytes);
  tf.dispose([x]);
  optimizer.dispose();
  model.dispose();
});
