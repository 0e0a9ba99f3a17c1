import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { wasmThreadCount } from '../wasm-runtime.js';
import { NativeKernel } from './native-module.js';

type Shape4 = [number, number, number, number];

/** Output positions per packed block: its A and B panels stay in L2 (measured: 128-256 best, 64 worse). */
const BLOCK = 192;

let native: NativeKernel | undefined;

/**
 * Filter gradient of an NHWC convolution, computed by native/conv2d-filter-grad.c: a blocked GEMM over
 * the output positions of the batch, dW = im2col(x)^T dy, on the wasm backend's thread count (the batch is
 * split by image, each thread sums its share, the partial sums are added here).
 *
 * Why not XNNPACK: composed from the shipped kernels, this gradient is one convolution whose reduction runs
 * over N x OH x OW (100k+ positions), which XNNPACK does not block, so it ran at ~4 GFLOP/s on two threads;
 * the blocked kernel runs at 15-30 GFLOP/s per thread (packages/trainer/docs/engine.md).
 */
const conv2DBackpropFilter: KernelFunc = ({ inputs, attrs, backend }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  // NHWC only: the wasm forward Conv2D rejects NCHW, so no NCHW graph reaches this gradient.
  const { strides, pad, dimRoundingMode, filterShape } = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  const wasm = backend as BackendWasm;
  const info = tf.backend_util.computeConv2DInfo(x.shape as Shape4, filterShape, strides, 1, pad,
    dimRoundingMode, false, 'channelsLast');
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth,
    strideHeight, strideWidth, padInfo } = info;
  native ??= new NativeKernel('conv2d-filter-grad', 'filter_grad', wasmThreadCount());
  const xs = wasm.typedArrayFromHeap(x) as Float32Array;
  const dys = wasm.typedArrayFromHeap(dy) as Float32Array;
  const rows = filterHeight * filterWidth * inChannels;
  const dwSize = rows * outChannels;
  const packA = Math.ceil(rows / 4) * 4 * BLOCK;
  const packB = Math.ceil(outChannels / 8) * 8 * BLOCK;
  const xImage = inHeight * inWidth * inChannels;
  const dyImage = outHeight * outWidth * outChannels;
  const positions = outHeight * outWidth;
  const args: number[][] = [];
  const results: Float32Array[] = [];
  for (const { arena, first, images } of native.shares(batchSize)) {
    const [ox, ody, odw, opa, opb] = arena.layout([images * xImage, images * dyImage, dwSize, packA, packB]);
    arena.f32(ox, images * xImage).set(xs.subarray(first * xImage, (first + images) * xImage));
    arena.f32(ody, images * dyImage).set(dys.subarray(first * dyImage, (first + images) * dyImage));
    const dw = arena.f32(odw, dwSize);
    dw.fill(0);
    results.push(dw);
    args.push([ox, ody, odw, opa, opb, BLOCK, 0, images * positions, images, inHeight, inWidth, inChannels,
      outHeight, outWidth, outChannels, filterHeight, filterWidth, strideHeight, strideWidth, padInfo.top, padInfo.left]);
  }
  native.run(args);
  const out = wasm.makeOutput(filterShape, 'float32');
  const dw = wasm.typedArrayFromHeap(out) as Float32Array;
  dw.set(results[0]);
  for (const partial of results.slice(1)) for (let i = 0; i < dwSize; i++) dw[i] += partial[i];
  return out;
};

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter,
};
