import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { OptionError } from '../src/errors.js';
import { chunkedGradients, loadBackend } from '../src/backend/index.js';
import { createEncoder } from '../src/models/index.js';

test.before(async () => {
  await loadBackend({ backend: 'wasm', log: () => undefined });
});

/** A contrastive-style loss that couples every row with every other, as NT-Xent does. */
function coupledLoss(z: tf.Tensor): tf.Scalar {
  const unit = tf.div(z, tf.norm(z, 2, 1, true));
  return tf.mean(tf.logSumExp(tf.matMul(unit, unit, false, true), 1)) as tf.Scalar;
}

function maxRelative(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] / tf.max(tf.abs(b)).dataSync()[0]);
}

test.serial('matches one tape over the same per-chunk forward, and updates running statistics once per chunk', (t) => {
  const model = createEncoder('convnet', { inputShape: [8, 8, 1], seed: 2 });
  const embed = (x: tf.Tensor) => model.apply(x, { training: true }) as tf.Tensor;
  const inputs = tf.randomUniform([12, 8, 8, 1], 0, 255, 'float32', 3);
  const initial = model.nonTrainableWeights.map((v) => tf.clone(v.read()));
  const reset = () => model.nonTrainableWeights.forEach((v, i) => v.write(initial[i]));

  const before = tf.memory().numTensors;
  const chunked = chunkedGradients({ embed, loss: coupledLoss, inputs, chunkSize: 4, state: model.nonTrainableWeights });
  const stateChunked = model.nonTrainableWeights.map((v) => tf.clone(v.read()));
  reset();
  const reference = tf.variableGrads(() => coupledLoss(tf.concat(tf.split(inputs, 3).map(embed))));
  const stateOnce = model.nonTrainableWeights.map((v) => tf.clone(v.read()));

  t.true(Math.abs(chunked.value.dataSync()[0] - reference.value.dataSync()[0]) < 1e-5);
  t.deepEqual(Object.keys(chunked.grads).sort(), Object.keys(reference.grads).sort());
  t.is(Object.keys(chunked.grads).length, model.trainableWeights.length);
  for (const name of Object.keys(reference.grads)) {
    const error = maxRelative(chunked.grads[name], reference.grads[name]);
    t.true(error < 1e-4, `${name}: ${error}`);
  }
  stateChunked.forEach((s, i) => t.is(maxRelative(s, stateOnce[i]), 0));
  tf.dispose([chunked.value, reference.value, ...Object.values(chunked.grads), ...Object.values(reference.grads)]);
  tf.dispose([...stateChunked, ...stateOnce]);
  t.is(tf.memory().numTensors, before, 'only the returned tensors (now disposed) outlive the call');
  tf.dispose([inputs, ...initial]);
  model.dispose();
});

const x = () => tf.zeros([4, 2]);
const embed = (v: tf.Tensor) => v;
const invalid: [string, () => unknown, string][] = [
  ['options.chunkSize', () => chunkedGradients({ embed, loss: coupledLoss, inputs: x(), chunkSize: 0 }),
    'Expected a positive integer for options.chunkSize but received 0 of type number'],
  ['options.embed', () => chunkedGradients({ embed: 1 as never, loss: coupledLoss, inputs: x(), chunkSize: 2 }),
    'Expected a function for options.embed but received 1 of type number'],
  ['options.loss', () => chunkedGradients({ embed, loss: null as never, inputs: x(), chunkSize: 2 }),
    'Expected a function for options.loss but received null of type object'],
  ['options.inputs', () => chunkedGradients({ embed, loss: coupledLoss, inputs: [1, 2] as never, chunkSize: 2 }),
    'Expected a tensor of rank >= 1 for options.inputs but received [1,2] of type object'],
];
for (const [name, call, message] of invalid) {
  test.serial(`rejects an invalid ${name}`, (t) => {
    t.throws(call, { instanceOf: OptionError, message });
  });
}
