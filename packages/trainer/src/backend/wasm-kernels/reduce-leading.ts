import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { captureShipped, KernelScope } from './kernel-scope.js';

/**
 * Sum and Mean over a contiguous block of axes that excludes the last one (batch-norm statistics over
 * N, H, W of NHWC; dense-layer bias gradients over the batch). The shipped kernels transpose the reduced
 * axes to the end first, a strided pass ~20x slower than the reduction itself. Viewing x as
 * [outer, R, 1, inner] turns the reduction into one average pool with an R x 1 window, which XNNPACK
 * runs in a single contiguous pass; Sum scales the mean back by R.
 */
function reduceLeading(kind: 'Sum' | 'Mean'): KernelFunc {
  return (args) => {
    const { inputs, attrs, backend } = args;
    const { x } = inputs as { x: TensorInfo };
    const { axis, keepDims } = attrs as unknown as tf.SumAttrs;
    const rank = x.shape.length;
    const axes = tf.util.parseAxisParam(axis, x.shape).sort((p, q) => p - q);
    const first = axes[0];
    const last = axes[axes.length - 1];
    const contiguous = axes.length > 0 && last - first + 1 === axes.length;
    if (x.dtype !== 'float32' || !contiguous || last === rank - 1) return captureShipped(kind)!(args);
    const size = (dims: number[]) => dims.reduce((p, q) => p * q, 1);
    const outer = size(x.shape.slice(0, first));
    const reduced = size(x.shape.slice(first, last + 1));
    const inner = size(x.shape.slice(last + 1));
    const outShape = keepDims
      ? x.shape.map((d, i) => (i >= first && i <= last ? 1 : d))
      : x.shape.filter((_, i) => i < first || i > last);
    const scope = new KernelScope(backend);
    const pooled = scope.run('AvgPool', { x: scope.reshape(x, [outer, reduced, 1, inner]) },
      { filterSize: [reduced, 1], strides: [1, 1], pad: 'valid' });
    const result = kind === 'Mean' ? pooled : scope.run('Multiply', { a: pooled, b: scope.float32(reduced) });
    return scope.finish(scope.reshape(result, outShape));
  };
}

export const sumConfig: KernelConfig = { kernelName: tf.Sum, backendName: 'wasm', kernelFunc: reduceLeading('Sum') };
export const meanConfig: KernelConfig = { kernelName: tf.Mean, backendName: 'wasm', kernelFunc: reduceLeading('Mean') };
