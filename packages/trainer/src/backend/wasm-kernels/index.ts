import * as tf from '@tensorflow/tfjs';
import type { KernelConfig } from '@tensorflow/tfjs';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { batchMatMulConfig } from './batch-mat-mul.js';
import { conv2DBackpropInputConfig } from './conv2d-backprop-input.js';
import { captureShipped } from './kernel-scope.js';
import { meanConfig, sumConfig } from './reduce-leading.js';

/** Kernels twinflow supplies for the wasm backend: missing ones, and shipped ones that are too slow. */
export const wasmKernelConfigs: readonly KernelConfig[] = [
  conv2DBackpropFilterConfig,
  conv2DBackpropInputConfig,
  batchMatMulConfig,
  sumConfig,
  meanConfig,
];

let registered = false;

/**
 * Registers twinflow's wasm kernels (idempotent), keeping the shipped ones callable for the fallbacks.
 * Call after the wasm backend is initialised so that the shipped kernels' setup has run. Returns the names.
 */
export function registerWasmKernels(): string[] {
  const names = wasmKernelConfigs.map((config) => config.kernelName);
  if (registered) return names;
  for (const config of wasmKernelConfigs) {
    if (captureShipped(config.kernelName) !== undefined) tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel(config);
  }
  registered = true;
  return names;
}
