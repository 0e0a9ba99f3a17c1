import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { loadBackend } from '../src/backend/index.js';
import { relativeError } from './helpers/compare.js';

/**
 * Single kernels sum at most a few thousand float32 products here, so wasm and cpu (different summation
 * orders) agree to a few ulps of the largest value: 1e-5 of max |reference| leaves ~30x headroom over the
 * ~3e-7 observed, and a wrong index or padding shows up as O(1).
 */
const tolerance = 1e-5;

test.before(async () => {
  await loadBackend({ backend: 'wasm', log: () => undefined });
});

let seed = 1;
function randomData(shape: number[]): Float32Array {
  return tf.tidy(() => tf.randomNormal(shape, 0, 1, 'float32', seed++).dataSync() as Float32Array);
}

/** Runs `fn` on `backend` and returns its outputs as arrays. */
async function on(backend: string, fn: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const outs = tf.tidy(fn);
  const data = outs.map((o) => o.dataSync() as Float32Array);
  tf.dispose(outs);
  await tf.setBackend('wasm');
  return data;
}

async function compare(fn: () => tf.Tensor[]): Promise<number[]> {
  const wasm = await on('wasm', fn);
  const cpu = await on('cpu', fn);
  return wasm.map((w, i) => {
    if (w.length !== cpu[i].length) throw new Error(`output ${i}: ${w.length} values on wasm, ${cpu[i].length} on cpu`);
    return relativeError(w, cpu[i]);
  });
}

type ConvCase = [height: number, width: number, kernel: number, stride: number, pad: 'same' | 'valid', cin: number, cout: number, batch?: number];
const convCases: ConvCase[] = [
  [8, 8, 3, 1, 'same', 3, 4],
  [7, 9, 3, 1, 'valid', 2, 5],
  [8, 8, 3, 2, 'same', 4, 6],
  [7, 7, 3, 2, 'same', 3, 4],
  [8, 6, 3, 2, 'valid', 3, 2],
  [9, 9, 3, 2, 'valid', 2, 3],
  [8, 8, 1, 2, 'valid', 5, 3],
  [7, 8, 1, 1, 'same', 4, 4],
  [9, 10, 7, 2, 'same', 3, 8],
  [11, 11, 5, 3, 'valid', 2, 2],
  // The native kernels work in blocks of output positions and split the batch across threads: several
  // blocks with a partial last one, an odd batch split unevenly, and a batch of one (fewer images than threads).
  [20, 17, 3, 1, 'same', 5, 9, 5],
  [23, 21, 3, 2, 'same', 6, 10, 3],
  [12, 12, 3, 2, 'valid', 9, 17, 1],
];

for (const [height, width, kernel, stride, pad, cin, cout, batch = 3] of convCases) {
  test.serial(`conv2d gradients (${batch}x${height}x${width}x${cin}, ${kernel}x${kernel}x${cout}, stride ${stride}, ${pad}) match cpu`, async (t) => {
    const xData = randomData([batch, height, width, cin]);
    const wData = randomData([kernel, kernel, cin, cout]);
    const outShape = tf.tidy(() => tf.conv2d(tf.zeros([batch, height, width, cin]) as tf.Tensor4D,
      tf.zeros([kernel, kernel, cin, cout]) as tf.Tensor4D, stride, pad).shape);
    const dyData = randomData(outShape);
    const errors = await compare(() => {
      const x = tf.tensor4d(xData, [batch, height, width, cin]);
      const w = tf.tensor4d(wData, [kernel, kernel, cin, cout]);
      const dy = tf.tensor(dyData, outShape);
      const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad).mul(dy).sum())([x, w]);
      return [dx, dw];
    });
    t.true(errors[0] < tolerance, `dx relative error ${errors[0]}`);
    t.true(errors[1] < tolerance, `dW relative error ${errors[1]}`);
  });
}

test.serial('fused conv2d (bias + relu, as tfjs-layers builds it) gradients match cpu', async (t) => {
  const xData = randomData([4, 9, 9, 3]);
  const wData = randomData([3, 3, 3, 6]);
  const bData = randomData([6]);
  const errors = await compare(() => {
    const x = tf.tensor4d(xData, [4, 9, 9, 3]);
    const w = tf.tensor4d(wData, [3, 3, 3, 6]);
    const b = tf.tensor1d(bData);
    return tf.grads((a: tf.Tensor, f: tf.Tensor, c: tf.Tensor) => tf.fused.conv2d({
      x: a as tf.Tensor4D, filter: f as tf.Tensor4D, bias: c, strides: 2, pad: 'same', activation: 'relu',
    }).square().sum())([x, w, b]);
  });
  for (const [i, error] of errors.entries()) t.true(error < tolerance, `input ${i}: relative error ${error}`);
});

test.serial('supplied kernels leave no tensors or wasm buffers behind', (t) => {
  t.is(tf.getBackend(), 'wasm');
  const x = tf.randomNormal([2, 8, 8, 3]) as tf.Tensor4D;
  const w = tf.randomNormal([3, 3, 3, 4]) as tf.Tensor4D;
  const grad = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same').sum());
  tf.dispose(grad([x, w]));
  const before = tf.memory();
  tf.dispose(grad([x, w]));
  const after = tf.memory();
  t.is(after.numTensors, before.numTensors);
  t.is(after.numDataBuffers, before.numDataBuffers);
  t.is(after.numBytes, before.numBytes);
});

const reductions: [shape: number[], axes: number[], keepDims: boolean][] = [
  [[4, 5, 6, 3], [0, 1, 2], false],
  [[4, 5, 6, 3], [1, 2], true],
  [[7, 9], [0], false],
  [[3, 4, 5], [1], false],
  [[3, 4, 5], [2], true],
  [[3, 4, 5], [0, 2], false],
];
for (const [shape, axes, keepDims] of reductions) {
  test.serial(`sum and mean over axes [${axes}] of [${shape}] (keepDims ${keepDims}) match cpu`, async (t) => {
    const data = randomData(shape);
    const errors = await compare(() => {
      const x = tf.tensor(data, shape);
      return [tf.sum(x, axes, keepDims), tf.mean(x, axes, keepDims)];
    });
    for (const error of errors) t.true(error < tolerance, `relative error ${error}`);
    const sum = tf.tidy(() => tf.sum(tf.tensor(data, shape), axes, keepDims));
    t.deepEqual(sum.shape, keepDims ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i)));
    sum.dispose();
  });
}

const matMuls: [a: number[], b: number[], transposeA: boolean, transposeB: boolean][] = [
  [[5, 7], [7, 3], false, false],
  [[7, 5], [7, 3], true, false],
  [[5, 7], [3, 7], false, true],
  [[7, 5], [3, 7], true, true],
  [[2, 7, 5], [2, 3, 7], true, true],
];
for (const [aShape, bShape, transposeA, transposeB] of matMuls) {
  test.serial(`matMul [${aShape}] x [${bShape}] transposeA ${transposeA} transposeB ${transposeB} matches cpu`, async (t) => {
    const aData = randomData(aShape);
    const bData = randomData(bShape);
    const [error] = await compare(() => [tf.matMul(tf.tensor(aData, aShape), tf.tensor(bData, bShape), transposeA, transposeB)]);
    t.true(error < tolerance, `relative error ${error}`);
  });
}
