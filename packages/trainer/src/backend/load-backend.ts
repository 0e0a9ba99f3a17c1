import * as tf from '@tensorflow/tfjs';
import { BackendUnavailableError, invalidOption } from '../errors.js';
import { registerWasmKernels } from './wasm-kernels/index.js';
import { availableParallelism } from 'node:os';
import { setWasmPathsFromNodeModules, wasmHasSimd, wasmThreadCount } from './wasm-runtime.js';
import { initThreadedWasm } from './wasm-threads.js';

/** Backends in order of preference. */
export const backendNames = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = typeof backendNames[number];

/** npm module that provides each backend, and the name it registers with tfjs. */
const modules: Record<BackendName, { specifier: string; tfName: string }> = {
  'tensorflow-gpu': { specifier: '@tensorflow/tfjs-node-gpu', tfName: 'tensorflow' },
  tensorflow: { specifier: '@tensorflow/tfjs-node', tfName: 'tensorflow' },
  wasm: { specifier: '@tensorflow/tfjs-backend-wasm', tfName: 'wasm' },
  cpu: { specifier: '@tensorflow/tfjs-backend-cpu', tfName: 'cpu' },
};

export interface LoadBackendOptions {
  /** Use exactly this backend (rejects if it cannot load); default: TWINFLOW_BACKEND, else the best that loads. */
  backend?: BackendName;
  /** Threads for the wasm backend (threaded SIMD build when > 1); default os.availableParallelism(). */
  threads?: number;
  /** Receives the one-line report; default writes it to stderr. */
  log?: (line: string) => void;
  /** Loads a backend module by specifier; default `import()`. Injectable so tests can simulate broken installs. */
  importModule?: (specifier: string) => Promise<unknown>;
}

export interface BackendAttempt {
  backend: BackendName;
  status: 'loaded' | 'not-installed' | 'failed' | 'skipped';
  /** Why it was not used; for the loaded one, a note such as a fallback to the single-threaded wasm build. */
  reason?: string;
}

export interface BackendReport {
  /** The backend now active. */
  backend: BackendName;
  /** Its tfjs name (`tf.getBackend()`). */
  tfBackend: string;
  /** Compute threads (wasm: its thread pool; others: as reported by the runtime, 1 for cpu). */
  threads: number;
  /** Every backend considered, best first, with why it was not used. */
  attempts: BackendAttempt[];
  /** Kernels twinflow registered for this backend. */
  kernels: string[];
  /** The line that was logged. */
  line: string;
}

function isBackendName(value: unknown): value is BackendName {
  return typeof value === 'string' && (backendNames as readonly string[]).includes(value);
}

function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n').find((line) => line.trim() !== '')?.trim() ?? 'unknown error';
}

/** True when `err` says the module itself (not one of its dependencies) is absent. */
function isModuleMissing(err: unknown, specifier: string): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && firstLine(err).includes(`'${specifier}'`);
}

/** Whether the wasm backend already exists (tf.findBackend would start initialising it). */
function wasmInitialised(): boolean {
  return 'wasm' in (tf.engine() as unknown as { registry: Record<string, unknown> }).registry;
}

/** Loads one backend and makes it active; returns why not on failure. */
async function tryBackend(name: BackendName, importModule: (specifier: string) => Promise<unknown>,
  threads: number): Promise<BackendAttempt> {
  const { specifier, tfName } = modules[name];
  if (name === 'tensorflow-gpu' || name === 'tensorflow') {
    try {
      await importModule(specifier);
    } catch (err) {
      return isModuleMissing(err, specifier)
        ? { backend: name, status: 'not-installed', reason: `${specifier} is not installed` }
        : { backend: name, status: 'failed', reason: `${specifier} failed to load: ${firstLine(err)}` };
    }
    if (tf.findBackendFactory(tfName) === null) {
      // tfjs-node registers into the tfjs-core instance it imports; a second copy of tfjs-core never sees it.
      return {
        backend: name, status: 'failed',
        reason: `${specifier} loaded but registered with another @tensorflow/tfjs-core instance (install the same version as @tensorflow/tfjs so npm dedupes tfjs-core)`,
      };
    }
  }
  let note: string | undefined;
  if (name === 'wasm') {
    setWasmPathsFromNodeModules();
    if (threads > 1 && !wasmInitialised()) {
      const failure = await quietly(async () => (await initThreadedWasm(threads) ? undefined : 'did not initialise'));
      if (failure === undefined) return { backend: name, status: 'loaded' };
      note = `threaded build failed (${failure}), using the single-threaded SIMD build`;
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    }
  }
  const failure = await quietly(async () => (await tf.setBackend(tfName) ? undefined : 'failed to initialise'));
  if (failure === undefined) return { backend: name, status: 'loaded', reason: note };
  return { backend: name, status: 'failed', reason: `${specifier} ${failure.startsWith('failed') ? failure : `failed to initialise: ${failure}`}` };
}

/**
 * Runs `init`, returning undefined on success or why it failed. tfjs reports initialisation failures
 * through console.warn; those are kept for our own line instead of printed.
 */
async function quietly(init: () => Promise<string | undefined>): Promise<string | undefined> {
  const warn = console.warn;
  let detail = '';
  try {
    console.warn = (...parts: unknown[]) => { detail ||= firstLine(parts.join(' ')); };
    const failure = await init();
    return failure === undefined ? undefined : detail === '' ? failure : `${failure}: ${detail}`;
  } catch (err) {
    return firstLine(err);
  } finally {
    console.warn = warn;
  }
}

function describe(attempt: BackendAttempt, threads: number, simd: boolean): string {
  if (attempt.backend !== 'wasm') return attempt.backend;
  const note = attempt.reason === undefined ? '' : `; ${attempt.reason}`;
  return `wasm (${simd ? 'SIMD' : 'no SIMD'}, ${threads} thread${threads === 1 ? '' : 's'}${note})`;
}

function reportLine(report: Omit<BackendReport, 'line'>, simd: boolean): string {
  const why = report.attempts
    .filter((a) => a.status !== 'loaded')
    .map((a) => `${a.backend}: ${a.reason ?? a.status}`);
  const used = report.attempts.find((a) => a.status === 'loaded')!;
  return `twinflow: using backend ${describe(used, report.threads, simd)}` +
    (why.length > 0 ? `; not used: ${why.join('; ')}` : '');
}

/**
 * Makes the best available TensorFlow.js backend active: tensorflow-gpu, then tensorflow, then wasm, then cpu,
 * or exactly the one named by `options.backend` / TWINFLOW_BACKEND. Registers twinflow's wasm kernels and
 * logs one line saying which backend runs and why each better one did not load.
 */
export async function loadBackend(options: LoadBackendOptions = {}): Promise<BackendReport> {
  if (options.backend !== undefined && !isBackendName(options.backend)) {
    throw invalidOption('options.backend', `one of ${backendNames.join(', ')}`, options.backend);
  }
  const fromEnv = process.env.TWINFLOW_BACKEND;
  if (options.backend === undefined && fromEnv !== undefined && fromEnv !== '' && !isBackendName(fromEnv)) {
    throw invalidOption('TWINFLOW_BACKEND', `one of ${backendNames.join(', ')}`, fromEnv);
  }
  if (options.log !== undefined && typeof options.log !== 'function') {
    throw invalidOption('options.log', 'a function', options.log);
  }
  const threads = options.threads ?? availableParallelism();
  if (!Number.isInteger(threads) || threads < 1) throw invalidOption('options.threads', 'a positive integer', options.threads);
  if (options.importModule !== undefined && typeof options.importModule !== 'function') {
    throw invalidOption('options.importModule', 'a function', options.importModule);
  }
  const requested = options.backend ?? (fromEnv !== undefined && fromEnv !== '' ? fromEnv as BackendName : undefined);
  const importModule = options.importModule ?? ((specifier: string) => import(specifier));
  const log = options.log ?? ((line: string) => { process.stderr.write(`${line}\n`); });

  const attempts: BackendAttempt[] = [];
  let chosen: BackendName | undefined;
  for (const name of requested === undefined ? backendNames : [requested]) {
    const attempt = await tryBackend(name, importModule, threads);
    attempts.push(attempt);
    if (attempt.status === 'loaded') {
      chosen = name;
      break;
    }
  }
  if (chosen === undefined) {
    const last = attempts[attempts.length - 1];
    throw new BackendUnavailableError(last.backend, last.reason ?? last.status);
  }
  if (requested !== undefined) {
    const source = options.backend !== undefined ? 'options.backend' : 'TWINFLOW_BACKEND';
    for (const name of backendNames.slice(0, backendNames.indexOf(requested))) {
      attempts.unshift({ backend: name, status: 'skipped', reason: `${source} is ${requested}` });
    }
    attempts.sort((a, b) => backendNames.indexOf(a.backend) - backendNames.indexOf(b.backend));
  }
  const kernels = chosen === 'wasm' ? registerWasmKernels() : [];
  const simd = chosen === 'wasm' ? await wasmHasSimd() : false;
  const partial = { backend: chosen, tfBackend: tf.getBackend(), threads: chosen === 'wasm' ? wasmThreadCount() : 1, attempts, kernels };
  const line = reportLine(partial, simd);
  log(line);
  return { ...partial, line };
}
