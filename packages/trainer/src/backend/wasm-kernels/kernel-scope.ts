import * as tf from '@tensorflow/tfjs';
import type { KernelBackend, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';

/** The wasm kernels as shipped, captured before twinflow replaces any of them. */
const shipped = new Map<string, KernelFunc>();

/** Remembers the shipped wasm kernel for `kernelName` so that a replacement can still call it. */
export function captureShipped(kernelName: string): KernelFunc | undefined {
  const existing = shipped.get(kernelName);
  if (existing !== undefined) return existing;
  const config = tf.getKernel(kernelName, 'wasm');
  if (config === undefined) return undefined;
  shipped.set(kernelName, config.kernelFunc);
  return config.kernelFunc;
}

function kernelFunc(kernelName: string): KernelFunc {
  const fn = shipped.get(kernelName) ?? tf.getKernel(kernelName, 'wasm')?.kernelFunc;
  if (fn === undefined) throw new Error(`Kernel '${kernelName}' not registered for backend 'wasm'`);
  return fn;
}

/**
 * Runs wasm kernels directly on the backend (no engine, no tape) and frees every intermediate when done,
 * so a composite kernel costs exactly the kernels it calls.
 */
export class KernelScope {
  private readonly temps: TensorInfo[] = [];

  readonly backend: KernelBackend;

  /** `backend` is the one a kernel function receives (typed `{}` by tfjs). */
  constructor(backend: object) {
    this.backend = backend as KernelBackend;
  }

  run(kernelName: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
    const out = kernelFunc(kernelName)({ inputs, attrs, backend: this.backend });
    if (Array.isArray(out)) throw new Error(`Kernel '${kernelName}' returned several outputs where one was expected`);
    this.temps.push(out);
    return out;
  }

  /** A float32 scalar, owned by this scope. */
  float32(value: number): TensorInfo {
    const out = { dataId: this.backend.write(new Float32Array([value]), [], 'float32'), shape: [], dtype: 'float32' as const };
    this.temps.push(out);
    return out;
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  matMul(a: TensorInfo, b: TensorInfo, transposeA = false, transposeB = false): TensorInfo {
    return this.run('BatchMatMul', { a, b }, { transposeA, transposeB });
  }

  /** Frees every intermediate except `out`, which is handed to the engine as the kernel's result. */
  finish(out: TensorInfo): TensorInfo {
    for (const t of this.temps) if (t !== out) this.backend.disposeData(t.dataId);
    this.temps.length = 0;
    return out;
  }
}
