import { createRequire } from 'node:module';
import type * as NodeOs from 'node:os';
import { Worker as NodeWorker } from 'node:worker_threads';
import type { WorkerOptions } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import * as tfwasm from '@tensorflow/tfjs-backend-wasm';

/**
 * Lets the threaded SIMD build of tfjs-backend-wasm run in Node.
 *
 * As shipped it cannot: the backend hands Emscripten's pthread pool a `blob:` URL for the worker script
 * (Node's Worker only takes file paths and file:/data: URLs) and a Blob for the main script (which the
 * worker then `importScripts`-reads with fs, failing again); so tfjs simply reports no thread support on
 * Node. Here, while the backend initialises, Blobs built from strings remember their text, and the global
 * `Worker` the Emscripten glue uses is a Node Worker subclass that starts a blob-URL worker as eval'd code
 * with both scripts passed in workerData. The bundled factory also refers to a few names from its rollup
 * bundle (fs, path, perf_hooks, os, the global object), which the worker defines first.
 * The native side then caps the pool at half the logical cores (emscripten_num_logical_cores() / 2, which
 * the glue reads from os.cpus()): on a 2-core machine, 1 thread. While the backend initialises, os.cpus()
 * reports 2 x `threads` entries so that the cap lets the requested count through.
 * Pool workers never keep the process alive (`ref()` is a no-op): the main thread blocks on every kernel.
 */

const mainScriptMarker = 'twinflow:wasm-main-script';

const bootstrap = `
const { workerData } = require('worker_threads');
Object.assign(globalThis, {
  require$$0: require('fs'), require$$1: require('path'), require$$3: require('perf_hooks'),
  require$$4: require('os'), commonjsGlobal: globalThis, _scriptDir: undefined,
});
(0, eval)(workerData.workerScript);
const importFile = globalThis.importScripts;
globalThis.importScripts = (f) => f === ${JSON.stringify(mainScriptMarker)} ? (0, eval)(workerData.mainScript) : importFile(f);
`;

/** Text of every string-built Blob created while the backend initialises, by object URL and by Blob. */
const blobText = new WeakMap<Blob, string>();
const urlText = new Map<string, string>();
let mainScript: string | undefined;

class PthreadWorker extends NodeWorker {
  constructor(url: string | URL, options?: WorkerOptions) {
    const workerScript = typeof url === 'string' ? urlText.get(url) : undefined;
    if (workerScript === undefined) {
      super(url, options);
      return;
    }
    super(bootstrap, { ...options, eval: true, workerData: { workerScript, mainScript } });
  }

  override postMessage(value: unknown, transferList?: Parameters<NodeWorker['postMessage']>[1]): void {
    const message = value as { cmd?: string; urlOrBlob?: unknown };
    if (message?.cmd === 'load' && message.urlOrBlob instanceof Blob) {
      super.postMessage({ ...message, urlOrBlob: mainScriptMarker }, transferList);
      return;
    }
    super.postMessage(value, transferList);
  }

  override ref(): void {
    // Deliberately empty: see the module comment.
  }
}

/**
 * Initialises the wasm backend on the threaded SIMD build with `threads` threads (the native default
 * would be cores / 2). Resolves to whether tfjs could initialise it; the caller falls back to the
 * single-threaded SIMD build otherwise.
 */
export async function initThreadedWasm(threads: number): Promise<boolean> {
  const OriginalBlob = globalThis.Blob;
  const originalCreate = URL.createObjectURL.bind(URL);
  class RecordingBlob extends OriginalBlob {
    constructor(parts?: ConstructorParameters<typeof Blob>[0], options?: ConstructorParameters<typeof Blob>[1]) {
      super(parts ?? [], options);
      if (parts === undefined || !parts.every((p) => typeof p === 'string')) return;
      const text = parts.join('');
      blobText.set(this, text);
      if (text.startsWith('var WasmBackendModuleThreadedSimd')) mainScript = text;
    }
  }
  globalThis.Blob = RecordingBlob as typeof Blob;
  URL.createObjectURL = (blob: Blob) => {
    const url = originalCreate(blob);
    const text = blobText.get(blob);
    if (text !== undefined) urlText.set(url, text);
    return url;
  };
  // The Emscripten glue assigns worker_threads' Worker to the global; keep ours in place.
  Object.defineProperty(globalThis, 'Worker', { configurable: true, get: () => PthreadWorker, set: () => undefined });
  // The glue calls require('os').cpus(); patch that module object (the ESM namespace is read-only).
  const os = createRequire(import.meta.url)('node:os') as typeof NodeOs;
  const originalCpus = os.cpus;
  os.cpus = () => Array.from({ length: 2 * threads }, (_, i) => originalCpus()[i % originalCpus().length]);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  tfwasm.setThreadsCount(threads);
  try {
    return await tf.setBackend('wasm');
  } finally {
    os.cpus = originalCpus;
    globalThis.Blob = OriginalBlob;
    URL.createObjectURL = originalCreate;
    Reflect.deleteProperty(globalThis, 'Worker');
  }
}
