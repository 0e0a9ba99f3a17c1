import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { captureShipped, KernelScope } from './kernel-scope.js';

function swapLastTwo(rank: number): number[] {
  const perm = [...Array(rank).keys()];
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  return perm;
}

/**
 * The shipped BatchMatMul is fast (XNNPACK) only without transposes: with transposeA or transposeB it
 * falls back to a scalar loop, ~10x slower (1024^3: 71 ms plain, 5.2 s with transposeA). Dense-layer
 * gradients ask for exactly those, so transpose the operand explicitly (one memory pass) and run plain.
 */
const batchMatMul: KernelFunc = (args) => {
  const { inputs, attrs, backend } = args;
  const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
  const { transposeA, transposeB } = attrs as unknown as tf.BatchMatMulAttrs;
  const shipped = captureShipped(tf.BatchMatMul)!;
  if (!transposeA && !transposeB) return shipped(args);
  const scope = new KernelScope(backend);
  const left = transposeA ? scope.transpose(a, swapLastTwo(a.shape.length)) : a;
  const right = transposeB ? scope.transpose(b, swapLastTwo(b.shape.length)) : b;
  return scope.finish(scope.matMul(left, right));
};

export const batchMatMulConfig: KernelConfig = {
  kernelName: tf.BatchMatMul,
  backendName: 'wasm',
  kernelFunc: batchMatMul,
};
