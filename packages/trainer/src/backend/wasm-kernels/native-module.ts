import { readFileSync } from 'node:fs';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { NativeKernelError } from '../../errors.js';

/**
 * A shared wasm memory used as a scratch arena by one instance of a twinflow kernel module: callers copy
 * operands in, run, copy results out. It grows on demand and is kept for the next call (the same shapes
 * come back every step); like the wasm backend's own heap, it never shrinks.
 */
export class Arena {
  constructor(readonly memory: WebAssembly.Memory, private readonly heapBase: number) {}

  /** Byte offsets of float32 regions of the given lengths (16-byte aligned), growing the memory if needed. */
  layout(lengths: readonly number[]): number[] {
    const offsets: number[] = [];
    let at = align16(this.heapBase);
    for (const length of lengths) {
      offsets.push(at);
      at = align16(at + length * 4);
    }
    const missing = at - this.memory.buffer.byteLength;
    if (missing > 0) this.memory.grow(Math.ceil(missing / 65536));
    return offsets;
  }

  /** A float32 view of `length` elements at byte `offset` (valid until the memory next grows). */
  f32(offset: number, length: number): Float32Array {
    return new Float32Array(this.memory.buffer, offset, length);
  }
}

function align16(n: number): number {
  return (n + 15) & ~15;
}

/** Control block layout (Int32Array over a SharedArrayBuffer) between the main thread and one helper. */
const REQUEST = 0;
const DONE = 1;
const FAILED = 2;
const ARGC = 3;
const ARGS = 4;
const MAX_ARGS = 32;

// Plain JS so that it runs the same from src (tsx) and dist. The helper waits on the control block,
// runs the requested export on its own instance and memory, and reports completion the same way; it
// never touches the event loop, so it costs nothing while idle and cannot keep the process alive.
const helperSource = `
const { workerData } = require('node:worker_threads');
const { module, memory, control, fn, reasons } = workerData;
const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
const ctl = new Int32Array(control);
let seen = 0;
for (;;) {
  Atomics.wait(ctl, ${REQUEST}, seen);
  seen = Atomics.load(ctl, ${REQUEST});
  if (seen < 0) break;
  try {
    exports[fn](...ctl.subarray(${ARGS}, ${ARGS} + ctl[${ARGC}]));
    Atomics.store(ctl, ${FAILED}, 0);
  } catch (error) {
    // The reason travels as a message; the flag is what the waiting thread checks.
    reasons.postMessage(String((error && error.message) || error));
    Atomics.store(ctl, ${FAILED}, 1);
  }
  Atomics.store(ctl, ${DONE}, seen);
  Atomics.notify(ctl, ${DONE});
}
`;

const compiled = new Map<string, WebAssembly.Module>();

function compile(name: string): WebAssembly.Module {
  let module = compiled.get(name);
  if (module === undefined) {
    // src/backend/wasm-kernels and dist/backend/wasm-kernels sit at the same depth below the package.
    module = new WebAssembly.Module(readFileSync(new URL(`../../../native/${name}.wasm`, import.meta.url)));
    compiled.set(name, module);
  }
  return module;
}

interface Helper {
  worker: Worker;
  control: Int32Array;
  sequence: number;
  /** Why the last call failed, read synchronously with receiveMessageOnPort. */
  reasons: MessagePort;
}

/**
 * One exported function of a kernel module (`native/<name>.wasm`), runnable on `threads` threads at
 * once: the calling thread plus `threads - 1` helper workers, each with its own instance and arena.
 * The wasm backend's kernels are synchronous and its own thread pool is idle while one of ours runs,
 * so the helpers occupy the cores it leaves free rather than competing with it.
 */
export class NativeKernel {
  /** One arena per thread; arena 0 belongs to the calling thread. */
  readonly arenas: Arena[];

  readonly #run: (...args: number[]) => void;

  readonly #helpers: Helper[] = [];

  readonly #name: string;

  constructor(name: string, fn: string, threads: number) {
    this.#name = name;
    const module = compile(name);
    const memory = (): WebAssembly.Memory => new WebAssembly.Memory({ initial: 2, maximum: 65536, shared: true });
    const own = memory();
    const { exports } = new WebAssembly.Instance(module, { env: { memory: own } });
    this.#run = exports[fn] as (...args: number[]) => void;
    // The static data ends at the same offset in every instance of the module.
    const heapBase = (exports.__heap_base as WebAssembly.Global).value as number;
    this.arenas = [new Arena(own, heapBase)];
    for (let t = 1; t < threads; t++) this.arenas.push(new Arena(memory(), heapBase));
    for (const arena of this.arenas.slice(1)) {
      const control = new Int32Array(new SharedArrayBuffer(4 * (ARGS + MAX_ARGS)));
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(helperSource, {
        eval: true,
        workerData: { module, memory: arena.memory, control: control.buffer, fn, reasons: port2 },
        transferList: [port2],
        name: `twinflow ${name}`,
      });
      worker.unref();
      port1.unref();
      this.#helpers.push({ worker, control, sequence: 0, reasons: port1 });
    }
  }

  get threads(): number {
    return this.arenas.length;
  }

  /**
   * How a batch of `batchSize` images splits over the threads: contiguous runs of whole images, one per
   * thread in thread order (fewer threads than images are never left idle; fewer images use fewer threads).
   */
  shares(batchSize: number): { arena: Arena; first: number; images: number }[] {
    const threads = Math.min(this.threads, batchSize);
    return Array.from({ length: threads }, (_, t) => {
      const first = Math.floor((batchSize * t) / threads);
      return { arena: this.arenas[t], first, images: Math.floor((batchSize * (t + 1)) / threads) - first };
    });
  }

  /** Runs the function with `args[t]` on thread t (args.length <= threads), blocking until all finish. */
  run(args: readonly (readonly number[])[]): void {
    const started: Helper[] = [];
    for (let t = 1; t < args.length; t++) {
      const helper = this.#helpers[t - 1];
      const { control } = helper;
      control[ARGC] = args[t].length;
      control.set(args[t], ARGS);
      helper.sequence += 1;
      Atomics.store(control, REQUEST, helper.sequence);
      Atomics.notify(control, REQUEST);
      started.push(helper);
    }
    let failure: NativeKernelError | undefined;
    try {
      this.#run(...args[0]);
    } catch (error) {
      failure = new NativeKernelError(this.#name, 0, (error as Error).message);
    }
    // Wait for every helper even after a failure: their arenas must be idle before the next call.
    for (const [index, helper] of started.entries()) {
      const { control, sequence } = helper;
      for (let done = Atomics.load(control, DONE); done !== sequence; done = Atomics.load(control, DONE)) {
        Atomics.wait(control, DONE, done);
      }
      if (control[FAILED] !== 0) {
        failure ??= new NativeKernelError(this.#name, index + 1, receiveMessageOnPort(helper.reasons)?.message as string ?? 'unknown');
      }
    }
    if (failure !== undefined) throw failure;
  }

  /** Stops the helper threads. */
  async terminate(): Promise<void> {
    for (const { control } of this.#helpers) {
      Atomics.store(control, REQUEST, -1);
      Atomics.notify(control, REQUEST);
    }
    await Promise.all(this.#helpers.map(({ worker }) => worker.terminate()));
    for (const { reasons } of this.#helpers) reasons.close();
  }
}
