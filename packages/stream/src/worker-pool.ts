// The Piscina pool that runs ViewTasks, with the worker file resolved for both src (tsx) and dist.
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { ViewTask, ViewTaskResult, WorkerConfig } from './task.js';

// libuv's thread pool is process-wide (worker threads share it) and sized once, on first use, from
// UV_THREADPOOL_SIZE; each worker's sharp call occupies one of its threads, so the pool must have at
// least one per core or workers queue behind each other. Setting it inside a worker would be too late
// and would not reach the C environment, so it is set here, on import, unless the user chose a size.
process.env.UV_THREADPOOL_SIZE ??= String(Math.max(4, availableParallelism()));

// Under tsx (tests, `--conditions=source`) this module is src/worker-pool.ts and the worker is
// src/worker.ts, loaded through the tsx hooks the worker threads inherit via execArgv; after `tsc -b`
// both are .js files side by side in dist/.
const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
export const workerFile = fileURLToPath(new URL(`./worker${extension}`, import.meta.url));

export function createPool(threads: number, config: WorkerConfig): Piscina<ViewTask, ViewTaskResult> {
  const pool = new Piscina<ViewTask, ViewTaskResult>({
    filename: workerFile,
    minThreads: threads,
    maxThreads: threads,
    // Piscina's default puts a task it could not hand to a busy worker back at the tail of its queue,
    // so an early task can wait behind hundreds of later ones; in ordered mode that holds back the
    // whole batch and, with it, the pipeline. Strict FIFO keeps tasks in dispatch order.
    stricterFIFO: true,
    // Each worker holds its next task while it runs one (the worker still runs them one at a time): a
    // finished worker starts the next task at once instead of waiting for the main thread to answer its
    // result with a new task, a round trip that costs it 1-4 ms per sample whenever the cores are busy.
    concurrentTasksPerWorker: 2,
    workerData: config,
  });
  // A worker that dies between tasks makes Piscina emit 'error'; the pool replaces it by itself and
  // an unhandled 'error' event would crash the process.
  pool.on('error', () => {});
  return pool;
}
