// Piscina worker: decodes one sample and writes its augmented views into the shared batch buffers.
import { workerData } from 'node:worker_threads';
import sharp from 'sharp';
import { augmentViews, AugmentOptionError, ImageDecodeError, pipelineFromSpec } from '@twinflow/augment';
import type { SampleJob, SampleResult, ViewTask, ViewTaskResult, WorkerConfig } from './task.js';

// One libvips thread per worker: the pool supplies the parallelism, so N workers keep N cores busy
// instead of N x cores threads fighting over them. The operation cache only pays off when the same
// image is processed twice, which a data loader never does, so it would just hold memory.
sharp.concurrency(1);
sharp.cache(false);

const config = workerData as WorkerConfig;
const pipeline = pipelineFromSpec(config.spec);

function viewArray(buffer: SharedArrayBuffer, offset: number, elements: number): Uint8Array | Float32Array {
  return config.dtype === 'float32'
    ? new Float32Array(buffer, offset * 4, elements)
    : new Uint8Array(buffer, offset, elements);
}

// The pool hands a worker up to two tasks; they run one after the other, each on the whole core.
let previous: Promise<unknown> = Promise.resolve();

/** Runs one ViewTask's samples in order, after the worker's previous task; see run(). */
export default function viewTask(task: ViewTask): Promise<ViewTaskResult> {
  const result = previous.then(async () => {
    const results: SampleResult[] = [];
    for (const [i, sample] of task.samples.entries()) results.push(await run(sample, task, i));
    return results;
  });
  previous = result.catch(() => undefined);
  return result;
}

/** Runs one sample; data errors come back as `{ ok: false }` so that a rejection always means the worker died. */
async function run(sample: SampleJob, task: ViewTask, index: number): Promise<SampleResult> {
  // Marked before anything can crash: if this worker dies now, the main thread knows this sample was the one running.
  Atomics.store(task.running, 0, index + 1);
  const exitHere = sample.key === config.exitOnKey && (config.exitAfter ? sample.resent : sample.attempt) < config.exits;
  if (exitHere && !config.exitAfter) process.exit(1);
  try {
    return await render(sample, task.elements);
  } finally {
    // Cleared before the result is sent: a worker that dies after this point (on a later sample, or before it
    // sends the task's answer) loses this result, and the main thread must then send the sample again, not count
    // it as a crash.
    Atomics.store(task.running, 0, 0);
    if (exitHere) process.exit(1);
  }
}

/** Decodes and augments one sample into its slot of the batch buffers (or into returned views). */
async function render(sample: SampleJob, elements: number): Promise<SampleResult> {
  // Views over exactly one slot: a sample of the wrong size fails instead of spilling into its
  // neighbours' slots.
  const out = sample.buffers
    ? { buffers: sample.buffers.map((b) => viewArray(b, sample.offset, elements)), offsets: sample.buffers.map(() => 0) }
    : undefined;
  try {
    // One call, so that a plain JPEG decodes straight into the augment kernels' memory (see augmentViews).
    const result = await augmentViews(sample.image, pipeline, {
      seed: config.seed,
      epoch: config.epoch,
      key: sample.key,
      views: config.views,
      dtype: config.dtype,
      channels: config.channels,
      maxPixels: config.maxPixels,
      out,
    });
    const { width, height, channels } = result;
    if (out && width * height * channels !== elements) return { ok: false, data: true, message: 'view shape', width, height, channels };
    return {
      ok: true,
      width,
      height,
      channels,
      decodeMs: result.timings.decodeMs,
      augmentMs: result.timings.augmentMs,
      ...(out ? {} : { views: result.views }),
    };
  } catch (err) {
    // An image that does not decode, or a view that does not fit its slot, is about this sample's data;
    // anything else is a bug, which a skip policy must not turn into skipping every sample.
    const data = err instanceof ImageDecodeError || err instanceof AugmentOptionError;
    return { ok: false, data, message: err instanceof Error ? err.message : String(err) };
  }
}
