import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { captureShipped, KernelScope } from './kernel-scope.js';

type Shape4 = [number, number, number, number];

/**
 * How one spatial axis of the input gradient decomposes into stride phases. Input row s*i + p receives
 * filter tap k from dy row i + d exactly when p + padBefore - k = s*d; every phase reads dy rows
 * i + dMin .. i + dMin + taps - 1.
 */
interface AxisPlan {
  /** For each phase p and window offset t: the filter tap k, or -1 where the phase has none. */
  tapAt: number[][];
  dMin: number;
  taps: number;
  /** Phase-grid length: ceil(input size / stride). */
  grid: number;
}

function planAxis(filter: number, stride: number, padBefore: number, inSize: number): AxisPlan {
  const entries: { p: number; k: number; d: number }[] = [];
  for (let p = 0; p < stride; p++) {
    for (let k = 0; k < filter; k++) {
      const offset = p + padBefore - k;
      if (((offset % stride) + stride) % stride === 0) entries.push({ p, k, d: offset / stride });
    }
  }
  const dMin = Math.min(...entries.map((e) => e.d));
  const taps = Math.max(...entries.map((e) => e.d)) - dMin + 1;
  const tapAt = Array.from({ length: stride }, () => new Array<number>(taps).fill(-1));
  for (const { p, k, d } of entries) tapAt[p][d - dMin] = k;
  return { tapAt, dMin, taps, grid: Math.ceil(inSize / stride) };
}

/**
 * Input gradient of an NHWC convolution as ONE forward convolution of dy, run by XNNPACK (the shipped
 * kernel is a scalar loop, ~2.5 GFLOP/s). Each of the s*s stride phases of dx is a small convolution of dy
 * with a subset of the flipped filter taps; stacking the phases as output channels makes one convolution
 * with a (taps x taps x C_out x s*s*C_in) filter gathered from W (zeros where a phase has no tap), and a
 * 4-D transpose interleaves the phases back into dx. For stride 1 this is the usual convolution with the
 * flipped, transposed filter; for 3x3 stride 2 it costs 16/9 of the forward pass instead of the 4x of
 * convolving a zero-upsampled dy.
 */
const conv2DBackpropInput: KernelFunc = (args) => {
  const { inputs, attrs, backend } = args;
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  // NHWC only, as the wasm forward Conv2D.
  const { strides, pad, dimRoundingMode, inputShape } = attrs as unknown as tf.Conv2DBackpropInputAttrs;
  const info = tf.backend_util.computeConv2DInfo(inputShape, filter.shape as Shape4, strides, 1, pad,
    dimRoundingMode, false, 'channelsLast');
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth,
    strideHeight, strideWidth, padInfo } = info;
  const rows = planAxis(filterHeight, strideHeight, padInfo.top, inHeight);
  const cols = planAxis(filterWidth, strideWidth, padInfo.left, inWidth);
  if (rows.dMin > 0 || cols.dMin > 0) {
    // Padding wider than the filter (explicit pads only): rare enough to leave to the shipped kernel.
    return captureShipped(tf.Conv2DBackpropInput)!(args);
  }
  const scope = new KernelScope(backend);
  const phases = strideHeight * strideWidth;
  const zeroTap = filterHeight * filterWidth;
  const index = new Int32Array(rows.taps * cols.taps * phases);
  let n = 0;
  for (let th = 0; th < rows.taps; th++) {
    for (let tw = 0; tw < cols.taps; tw++) {
      for (let ph = 0; ph < strideHeight; ph++) {
        for (let pw = 0; pw < strideWidth; pw++) {
          const kh = rows.tapAt[ph][th];
          const kw = cols.tapAt[pw][tw];
          index[n++] = kh < 0 || kw < 0 ? zeroTap : kh * filterWidth + kw;
        }
      }
    }
  }
  // [C_out, KH*KW + 1 (a zero tap), C_in] -> gather -> [taps_h, taps_w, C_out, phases * C_in]
  const byTap = scope.pad(scope.reshape(scope.transpose(filter, [3, 0, 1, 2]), [outChannels, zeroTap, inChannels]),
    [[0, 0], [0, 1], [0, 0]]);
  const gathered = scope.run('GatherV2', { x: byTap, indices: scope.int32(index, [index.length]) }, { axis: 1, batchDims: 0 });
  const phaseFilter = scope.reshape(
    scope.transpose(scope.reshape(gathered, [outChannels, rows.taps * cols.taps, phases * inChannels]), [1, 0, 2]),
    [rows.taps, cols.taps, outChannels, phases * inChannels]);

  let source = dy;
  const padTop = -rows.dMin;
  const padLeft = -cols.dMin;
  const padBottom = rows.grid + rows.taps - 1 - outHeight - padTop;
  const padRight = cols.grid + cols.taps - 1 - outWidth - padLeft;
  if (padBottom < 0 || padRight < 0) {
    source = scope.slice(dy, [0, 0, 0, 0],
      [batchSize, outHeight + Math.min(padBottom, 0), outWidth + Math.min(padRight, 0), outChannels]);
  }
  let dx = scope.conv2d(source, phaseFilter,
    [[padTop, Math.max(padBottom, 0)], [padLeft, Math.max(padRight, 0)]]);
  if (phases > 1) {
    const interleaved = scope.transpose(
      scope.reshape(dx, [batchSize * rows.grid, cols.grid, strideHeight, strideWidth * inChannels]), [0, 2, 1, 3]);
    dx = scope.reshape(interleaved, [batchSize, rows.grid * strideHeight, cols.grid * strideWidth, inChannels]);
    if (rows.grid * strideHeight > inHeight || cols.grid * strideWidth > inWidth) {
      dx = scope.slice(dx, [0, 0, 0, 0], [batchSize, inHeight, inWidth, inChannels]);
    }
  }
  return scope.finish(dx);
};

export const conv2DBackpropInputConfig: KernelConfig = {
  kernelName: tf.Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInput,
};
