import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { KernelScope } from './kernel-scope.js';

type Shape4 = [number, number, number, number];

/**
 * Filter gradient of an NHWC convolution as one forward convolution that contracts over the batch:
 * with x' = x transposed to [C_in, H, W, N] and dy' = dy transposed to [OH, OW, N, C_out],
 *   dW[kh, kw, ci, co] = sum_{oh, ow, n} x'[ci, kh + s*oh, kw + s*ow, n] * dy'[oh, ow, n, co],
 * which is conv2d(x', dy') with stride 1 and dilation s (the forward stride). The heavy lifting is
 * XNNPACK's convolution, the fastest kernel the wasm backend has.
 */
const conv2DBackpropFilter: KernelFunc = ({ inputs, attrs, backend }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  // NHWC only: the wasm forward Conv2D rejects NCHW, so no NCHW graph reaches this gradient.
  const { strides, pad, dimRoundingMode, filterShape } = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  const scope = new KernelScope(backend);
  let xs = x;
  const info = tf.backend_util.computeConv2DInfo(xs.shape as Shape4, filterShape, strides, 1, pad,
    dimRoundingMode, false, 'channelsLast');
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth,
    strideHeight, strideWidth, padInfo } = info;
  // Rows/columns the forward pass read past the input (bottom/right padding), or left unread (< 0).
  const bottom = filterHeight + strideHeight * (outHeight - 1) - inHeight - padInfo.top;
  const right = filterWidth + strideWidth * (outWidth - 1) - inWidth - padInfo.left;
  if (bottom < 0 || right < 0) {
    xs = scope.slice(xs, [0, 0, 0, 0],
      [batchSize, inHeight + Math.min(bottom, 0), inWidth + Math.min(right, 0), inChannels]);
  }
  const xT = scope.transpose(xs, [3, 1, 2, 0]);
  const dyT = scope.transpose(dy, [1, 2, 0, 3]);
  const dwT = scope.conv2d(xT, dyT,
    [[padInfo.top, Math.max(bottom, 0)], [padInfo.left, Math.max(right, 0)]], [strideHeight, strideWidth]);
  return scope.finish(scope.transpose(dwT, [1, 2, 0, 3]));
};

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter,
};
