import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { wasmThreadCount } from '../wasm-runtime.js';
import { NativeKernel } from './native-module.js';

type Shape4 = [number, number, number, number];

/** Output positions per block: the block's dy panels and its window sums stay in L2. */
const BLOCK = 64;

let native: NativeKernel | undefined;

/**
 * Input gradient of an NHWC convolution, computed by native/conv2d-input-grad.c: per block of output
 * positions, the windows dy x w^T (a blocked GEMM) added into dx (col2im), on the wasm backend's thread
 * count (the batch is split by image; each thread writes its own images of dx).
 *
 * Why not the shipped kernel or XNNPACK: the shipped kernel is a scalar loop (~2.5 GFLOP/s), and
 * composing it from XNNPACK convolutions of dy costs the zero taps of every stride phase plus transposes
 * (2.4x a forward convolution on the ConvNet; packages/trainer/docs/engine.md).
 */
const conv2DBackpropInput: KernelFunc = ({ inputs, attrs, backend }) => {
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  // NHWC only, as the wasm forward Conv2D.
  const { strides, pad, dimRoundingMode, inputShape } = attrs as unknown as tf.Conv2DBackpropInputAttrs;
  const wasm = backend as BackendWasm;
  const info = tf.backend_util.computeConv2DInfo(inputShape, filter.shape as Shape4, strides, 1, pad,
    dimRoundingMode, false, 'channelsLast');
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth,
    strideHeight, strideWidth, padInfo } = info;
  native ??= new NativeKernel('conv2d-input-grad', 'input_grad', wasmThreadCount());
  const dys = wasm.typedArrayFromHeap(dy) as Float32Array;
  const ws = wasm.typedArrayFromHeap(filter) as Float32Array;
  const rows = filterHeight * filterWidth * inChannels;
  const groups = Math.ceil(BLOCK / 4) * 4;
  const panels = Math.ceil(rows / 8) * 8;
  const dxImage = inHeight * inWidth * inChannels;
  const dyImage = outHeight * outWidth * outChannels;
  const args: number[][] = [];
  const parts: { first: number; view: Float32Array }[] = [];
  for (const { arena, first, images } of native.shares(batchSize)) {
    const [ody, ow, odx, opa, opb, ocols] = arena.layout([images * dyImage, ws.length, images * dxImage,
      groups * outChannels, panels * outChannels, groups * panels]);
    arena.f32(ody, images * dyImage).set(dys.subarray(first * dyImage, (first + images) * dyImage));
    arena.f32(ow, ws.length).set(ws);
    parts.push({ first, view: arena.f32(odx, images * dxImage) });
    args.push([ody, ow, odx, opa, opb, ocols, BLOCK, images, inHeight, inWidth, inChannels, outHeight, outWidth,
      outChannels, filterHeight, filterWidth, strideHeight, strideWidth, padInfo.top, padInfo.left]);
  }
  native.run(args);
  const out = wasm.makeOutput(inputShape, 'float32');
  const dx = wasm.typedArrayFromHeap(out) as Float32Array;
  for (const { first, view } of parts) dx.set(view, first * dxImage);
  return out;
};

export const conv2DBackpropInputConfig: KernelConfig = {
  kernelName: tf.Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInput,
};
