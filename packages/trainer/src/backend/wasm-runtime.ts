import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as tfwasm from '@tensorflow/tfjs-backend-wasm';

let pathsSet = false;

/**
 * Points the wasm backend at its .wasm binaries in node_modules. The package's own default resolves them
 * relative to the bundle, which breaks as soon as the code is bundled or run from another directory.
 */
export function setWasmPathsFromNodeModules(): string {
  const dir = `${dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'))}/`;
  if (!pathsSet) {
    tfwasm.setWasmPaths(dir);
    pathsSet = true;
  }
  return dir;
}

/** Whether the wasm SIMD build will be used (true on every Node >= 16). */
export async function wasmHasSimd(): Promise<boolean> {
  return await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT') as boolean;
}

/** Threads the initialised wasm backend runs its kernels on. */
export function wasmThreadCount(): number {
  return tfwasm.getThreadsCount();
}
