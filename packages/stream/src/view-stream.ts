// viewStream(): shard samples (main thread) -> decode + augment tasks (Piscina pool) -> batches of views.
import PQueue from 'p-queue';
import type { Piscina } from 'piscina';
import { decodeCls, imagePart, shards } from '@twinflow/shards';
import type { Sample, ShardDataset } from '@twinflow/shards';
import { AsCompletedBatcher, OrderedBatcher } from './batcher.js';
import type { Batcher, PhysicalBatch, SampleTask } from './batcher.js';
import { BufferPool } from './buffer-pool.js';
import { abortReason, iteratedTwice, noImage, sampleCrashed, sampleFailed, viewShape, workerCrashed } from './errors.js';
import { resolveOptions } from './options.js';
import type { ResolvedOptions, ViewStreamOptions } from './options.js';
import type { StreamStats } from './stats.js';
import { SAMPLES_PER_TASK, type SampleResult, type ViewTaskResult } from './task.js';
import { createPool } from './worker-pool.js';

/** B images' views: `views[v]` is one contiguous NHWC buffer of `size * height * width * channels` elements. */
export interface ViewBatch {
  views: Uint8Array[] | Float32Array[];
  size: number;
  height: number;
  width: number;
  channels: number;
  dtype: 'uint8' | 'float32';
  /** The `.cls` label of each image, -1 where the sample has none. */
  labels: Int32Array;
  keys: string[];
  /** Stage times of this batch's samples (read, decode and augment summed over its samples), ms. */
  timings: { readMs: number; decodeMs: number; augmentMs: number; waitMs: number };
  /** Hands the views' memory back to the stream for a later batch; do not read the views afterwards. */
  release(): void;
}

/** A read-once stream of batches; iterate it once per epoch. */
export interface ViewStream extends AsyncIterableIterator<ViewBatch> {
  readonly stats: StreamStats;
  /** Stops reading, ends the worker threads and closes the shards; safe to call at any time, more than once. */
  close(): Promise<void>;
}

/** Decoded, augmented batches of views from WebDataset shards; see the package README for the guarantees. */
export function viewStream(options: ViewStreamOptions): ViewStream {
  return new PooledViewStream(resolveOptions(options));
}

/** Wakes everyone waiting on it; waiters re-check their own condition. */
class Wakeup {
  #waiters: (() => void)[] = [];
  wait(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
  notify(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}

type RunResult = SampleResult | { ok: false; data: true; crash: unknown } | undefined;

/** A sample on its way to a worker: its encoded image in shared memory and where its views go. */
interface Job {
  key: string;
  image: Uint8Array;
  buffers: SharedArrayBuffer[] | null;
  offset: number;
}

class PooledViewStream implements ViewStream {
  readonly #o: ResolvedOptions;
  readonly #controller = new AbortController();
  readonly #queue: PQueue;
  readonly #producerWake = new Wakeup();
  readonly #consumerWake = new Wakeup();
  #pool: Piscina | undefined;
  #dataset: ShardDataset | undefined;
  #buffers: BufferPool | undefined;
  #batcher: Batcher | undefined;
  #shape = { width: 0, height: 0, channels: 0, elements: 0 };
  #ready: { batch: ViewBatch; at: number }[] = [];
  #iterating = false;
  #readerDone = false;
  #finished = false;
  #stopping = false;
  #failure: { error: unknown; delivered: boolean } | undefined;
  #producer: Promise<void> | undefined;
  #cleanup: Promise<void> | undefined;
  #inFlight = 0;
  /** Samples read and given slots, not yet sent: they go to the pool SAMPLES_PER_TASK at a time (see #flush). */
  #group: { task: SampleTask; image: Uint8Array }[] = [];
  /** Samples holding batch memory: dispatched, not failed, not yet emitted. */
  #outstanding = 0;
  /** Tasks sent to the pool whose answers have not been handled yet (see #workersShort). */
  #tasksRunning = 0;
  /** Set once the pool is being destroyed, so that its workers' ends are not counted as deaths. */
  #closingPool = false;
  #startedAt = 0;
  #endedAt = 0;
  #counts = { batches: 0, samples: 0, skipped: 0, retries: 0, workerDeaths: 0, readMs: 0, decodeMs: 0, augmentMs: 0, waitMs: 0, starvedMs: 0 };
  readonly #onAbort = (): void => void this.#stop(abortReason(this.#o.signal as AbortSignal));

  constructor(options: ResolvedOptions) {
    this.#o = options;
    // Enough tasks in flight that each worker finds its next ones queued when it finishes one, even
    // when the main thread is descheduled for a while on a busy machine.
    this.#queue = new PQueue({ concurrency: options.threads * 4 });
  }

  [Symbol.asyncIterator](): ViewStream {
    if (this.#iterating) throw iteratedTwice();
    this.#iterating = true;
    return this;
  }

  get stats(): StreamStats {
    const c = this.#counts;
    const end = this.#endedAt || performance.now();
    const elapsedMs = this.#startedAt === 0 ? 0 : end - this.#startedAt;
    const shardStats = this.#dataset?.stats;
    return {
      threads: this.#o.threads,
      batches: c.batches,
      samples: c.samples,
      elapsedMs,
      imagesPerSecond: elapsedMs > 0 ? (c.samples * 1000) / elapsedMs : 0,
      stages: { readMs: c.readMs, decodeMs: c.decodeMs, augmentMs: c.augmentMs, waitMs: c.waitMs },
      starvedMs: c.starvedMs,
      utilization: elapsedMs > 0 ? Math.min(1, (c.decodeMs + c.augmentMs) / (this.#o.threads * elapsedMs)) : 0,
      inFlight: this.#inFlight,
      ready: this.#ready.length,
      skipped: {
        samples: c.skipped,
        readSamples: shardStats?.skippedSamples ?? 0,
        shards: shardStats?.skippedShards ?? 0,
      },
      retries: c.retries,
      workerDeaths: c.workerDeaths,
      buffers: { allocated: this.#buffers?.allocated ?? 0, reused: this.#buffers?.reused ?? 0 },
    };
  }

  async next(): Promise<IteratorResult<ViewBatch, undefined>> {
    if (this.#startedAt === 0) this.#start();
    for (;;) {
      if (this.#failure && !this.#failure.delivered) {
        this.#failure.delivered = true;
        throw this.#failure.error;
      }
      const item = this.#ready.shift();
      if (item !== undefined) {
        const waitMs = performance.now() - item.at;
        item.batch.timings.waitMs = waitMs;
        this.#counts.waitMs += waitMs;
        this.#producerWake.notify();
        return { value: item.batch, done: false };
      }
      if (this.#finished || this.#stopping) return { value: undefined, done: true };
      const since = performance.now();
      await this.#consumerWake.wait();
      this.#counts.starvedMs += performance.now() - since;
    }
  }

  async return(): Promise<IteratorResult<ViewBatch, undefined>> {
    await this.close();
    return { value: undefined, done: true };
  }

  close(): Promise<void> {
    return this.#stop(undefined);
  }

  #start(): void {
    this.#startedAt = performance.now();
    const o = this.#o;
    if (o.signal?.aborted) {
      void this.#stop(abortReason(o.signal));
      return;
    }
    o.signal?.addEventListener('abort', this.#onAbort, { once: true });
    this.#pool = createPool(o.threads, {
      spec: o.spec,
      views: o.views,
      dtype: o.dtype,
      channels: o.channels,
      seed: o.seed,
      epoch: o.epoch,
      maxPixels: o.maxPixels,
      exitOnKey: o.testing?.exitWorkerOnKey,
      exits: o.testing?.exits ?? 0,
      exitAfter: o.testing?.after ?? false,
    });
    // Piscina reports every worker it removes; with minThreads = maxThreads it removes one only when it dies, or
    // when the pool is destroyed at the end.
    this.#pool.on('workerDestroy', () => {
      if (!this.#closingPool) this.#counts.workerDeaths += 1;
    });
    if (o.outputSize !== undefined) this.#setShape(o.outputSize[1], o.outputSize[0], o.channels);
    this.#dataset =
      typeof o.data === 'string' || Array.isArray(o.data)
        ? shards(o.data, { ...o.shards, seed: o.seed, epoch: o.epoch, errors: o.errors, signal: this.#controller.signal })
        : o.data;
    this.#producer = this.#produce();
  }

  async #produce(): Promise<void> {
    const iterator = (this.#dataset as ShardDataset)[Symbol.asyncIterator]();
    let exhausted = false;
    try {
      for (;;) {
        await this.#capacity();
        if (this.#stopping) break;
        const since = performance.now();
        const next = await iterator.next();
        const readMs = performance.now() - since;
        this.#counts.readMs += readMs;
        if (next.done === true) exhausted = true;
        if (this.#stopping || next.done === true) break;
        await this.#dispatch(next.value, readMs);
      }
    } catch (error) {
      // Stop before the finally block can end the epoch, so that the consumer sees the error rather
      // than a short epoch.
      void this.#stop(error);
    } finally {
      // Closing the iterator closes the shard's file handle or HTTP response. The run is over by then,
      // so a reader that fails while closing has nothing left to report.
      if (!exhausted) await iterator.return?.().catch(() => undefined);
      if (!this.#stopping) this.#flush();
      this.#readerDone = true;
      this.#settled();
    }
  }

  /** Waits until the batch memory ahead of the consumer and the tasks in flight are both under their bounds. */
  async #capacity(): Promise<void> {
    const limit = this.#o.prefetch * this.#o.batchSize;
    while (!this.#stopping && this.#outstanding + this.#ready.length * this.#o.batchSize >= limit) {
      // The samples held back for a fuller task are part of what must drain: send them before waiting.
      this.#flush();
      await this.#producerWake.wait();
    }
    if (this.#queue.size > 0) await this.#queue.onSizeLessThan(1);
  }

  async #dispatch(sample: Sample, readMs: number): Promise<void> {
    const image = imagePart(sample);
    if (image === undefined) {
      this.#reject(noImage(sample.key, sample.url, Object.keys(sample.parts)));
      return;
    }
    let label = -1;
    if (sample.parts.cls !== undefined) {
      try {
        label = decodeCls(sample);
      } catch (error) {
        this.#reject(error);
        return;
      }
    }
    const fields = { key: sample.key, url: sample.url, label, readMs, decodeMs: 0, augmentMs: 0, state: 'pending' as const };
    if (this.#batcher === undefined) {
      await this.#probe(fields, image);
      return;
    }
    const task = this.#batcher.assign(fields);
    this.#outstanding += 1;
    this.#inFlight += 1;
    this.#group.push({ task, image });
    // A task waits to fill up only while every worker has work: otherwise it goes at once.
    if (this.#group.length >= SAMPLES_PER_TASK || this.#workersShort()) this.#flush();
  }

  /** True when fewer tasks run than there are workers, so a held-back sample would leave a worker waiting. */
  #workersShort(): boolean {
    return this.#tasksRunning < this.#o.threads && this.#o.testing?.fullTasks !== true;
  }

  /** Sends the samples held back as one task. */
  #flush(): void {
    const group = this.#group;
    if (group.length === 0) return;
    this.#group = [];
    const jobs = shared(group.map(({ image }) => image)).map((image, i) => {
      const { task } = group[i];
      return { key: task.key, image, buffers: task.batch.set, offset: task.slot * this.#shape.elements };
    });
    void this.#queue
      .add(async () => {
        this.#tasksRunning += 1;
        let results: RunResult[];
        try {
          results = await this.#runGroup(jobs);
        } finally {
          // Counted down before the samples settle, so that #settle sees this task as done when it decides to flush.
          this.#tasksRunning -= 1;
        }
        group.forEach(({ task }, i) => this.#settle(task, results[i]));
      })
      .catch((error: unknown) => void this.#stop(error));
  }

  /** Allocates the batch memory once the view shape is known. */
  #setShape(width: number, height: number, channels: number): Batcher {
    this.#shape = { width, height, channels, elements: width * height * channels };
    const bytesPerElement = this.#o.dtype === 'float32' ? 4 : 1;
    this.#buffers = new BufferPool(this.#o.views, this.#o.batchSize * this.#shape.elements * bytesPerElement);
    const Kind = this.#o.ordered ? OrderedBatcher : AsCompletedBatcher;
    this.#batcher = new Kind(this.#o.batchSize, this.#shape.elements, bytesPerElement, this.#buffers, (b, n) => this.#emit(b, n));
    return this.#batcher;
  }

  /**
   * When the pipeline's output size depends on the input, the first sample runs alone and returns its
   * views (cloned once), which tells the stream the batch shape.
   */
  async #probe(fields: Omit<SampleTask, 'batch' | 'slot'>, image: Uint8Array): Promise<void> {
    this.#inFlight += 1;
    const result = await this.#run({ key: fields.key, image: shared([image])[0], buffers: null, offset: 0 });
    this.#inFlight = Math.max(0, this.#inFlight - 1);
    if (result === undefined) return;
    if (!result.ok || result.views === undefined) {
      this.#reject(this.#failureOf(fields, result), !result.ok && !result.data);
      return;
    }
    const task = this.#setShape(result.width, result.height, result.channels).assign(fields);
    this.#outstanding += 1;
    const bytesPerElement = this.#o.dtype === 'float32' ? 4 : 1;
    result.views.forEach((view, v) => {
      const target = new Uint8Array(task.batch.set[v], task.slot * this.#shape.elements * bytesPerElement);
      target.set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
    });
    this.#settle(task, result, false);
  }

  /**
   * Runs samples as one task. A rejection means the worker died: the sample it was running (marked in the task's
   * `running` word) has used its first attempt and is retried once; the others, finished but not reported or not
   * yet started, are sent again without using theirs. Each goes alone from then on.
   */
  async #runGroup(jobs: Job[]): Promise<RunResult[]> {
    if (jobs.length === 1) return [await this.#run(jobs[0])];
    const running = new Int32Array(new SharedArrayBuffer(4));
    const samples = jobs.map((job) => ({ ...job, attempt: 0, resent: 0 }));
    try {
      return (await (this.#pool as Piscina).run({ samples, elements: this.#shape.elements, running })) as ViewTaskResult;
    } catch {
      if (this.#stopping) return jobs.map(() => undefined);
      const diedOn = Atomics.load(running, 0) - 1;
      if (diedOn >= 0) this.#counts.retries += 1;
      return Promise.all(jobs.map((job, i) => (i === diedOn ? this.#run(job, 1, 0) : this.#run(job, 0, 1))));
    }
  }

  /**
   * Runs one sample as its own task; a rejection means the worker died, so the sample is retried once on a fresh
   * worker. A sample the dead worker was not running (still waiting in its hands, or finished with the result not
   * yet sent) is sent again without using up its retry.
   */
  async #run(job: Job, attempt = 0, resent = 0): Promise<RunResult> {
    const pool = this.#pool as Piscina;
    for (;;) {
      const running = new Int32Array(new SharedArrayBuffer(4));
      try {
        const results = (await pool.run({ samples: [{ ...job, attempt, resent }], elements: this.#shape.elements, running })) as ViewTaskResult;
        return results[0];
      } catch (crash) {
        if (this.#stopping) return undefined;
        // Bounded, so that a rejection that is not a worker's death cannot resend a task forever.
        if (Atomics.load(running, 0) === 0 && resent < 8) {
          resent += 1;
          continue;
        }
        if (attempt >= 1) return { ok: false, data: true, crash };
        attempt += 1;
        this.#counts.retries += 1;
      }
    }
  }

  #failureOf(task: Pick<SampleTask, 'key' | 'url'>, result: Exclude<RunResult, undefined>): Error {
    if ('crash' in result) return workerCrashed(task.key, task.url, result.crash);
    if (!result.ok && !result.data) return sampleCrashed(task.key, task.url, result.message);
    if (!result.ok && result.width !== undefined) {
      const expected = { width: this.#shape.width, height: this.#shape.height, channels: this.#shape.channels };
      return viewShape(task.key, task.url, { width: result.width, height: result.height ?? 0, channels: result.channels ?? 0 }, expected);
    }
    return sampleFailed(task.key, task.url, result.ok ? 'no views returned' : result.message);
  }

  #settle(task: SampleTask, result: RunResult, counted = true): void {
    if (counted) this.#inFlight = Math.max(0, this.#inFlight - 1);
    if (this.#stopping || result === undefined) return;
    if (result.ok) {
      task.state = 'done';
      task.decodeMs = result.decodeMs;
      task.augmentMs = result.augmentMs;
      this.#counts.decodeMs += result.decodeMs;
      this.#counts.augmentMs += result.augmentMs;
    } else {
      if (!this.#reject(this.#failureOf(task, result), !result.data)) return;
      task.state = 'failed';
      this.#outstanding -= 1;
    }
    (this.#batcher as Batcher).settle(task);
    // Held-back samples go now if a worker could otherwise run dry (the reader may be waiting on slow I/O).
    if (this.#workersShort()) this.#flush();
    this.#producerWake.notify();
    this.#settled();
  }

  /** Applies the error policy to a bad sample: stops the run under 'throw' or for a bug (returns false), else counts it. */
  #reject(error: unknown, bug = false): boolean {
    if (this.#o.errors === 'throw' || bug) {
      void this.#stop(error);
      return false;
    }
    this.#counts.skipped += 1;
    return true;
  }

  /** Ends the epoch once the reader is done and nothing is in flight. */
  #settled(): void {
    if (!this.#readerDone || this.#inFlight > 0 || this.#finished || this.#stopping) return;
    this.#batcher?.finish(this.#o.dropLast);
    this.#finished = true;
    this.#endedAt = performance.now();
    void this.#shutdown();
    this.#consumerWake.notify();
  }

  #emit(physical: PhysicalBatch, size: number): void {
    const { width, height, channels, elements } = this.#shape;
    const length = size * elements;
    const views =
      this.#o.dtype === 'float32'
        ? physical.set.map((buffer) => new Float32Array(buffer, 0, length))
        : physical.set.map((buffer) => new Uint8Array(buffer, 0, length));
    const timings = { readMs: 0, decodeMs: 0, augmentMs: 0, waitMs: 0 };
    for (let slot = 0; slot < size; slot++) {
      timings.readMs += physical.times[slot * 3];
      timings.decodeMs += physical.times[slot * 3 + 1];
      timings.augmentMs += physical.times[slot * 3 + 2];
    }
    const buffers = this.#buffers as BufferPool;
    let released = false;
    const batch: ViewBatch = {
      views,
      size,
      height,
      width,
      channels,
      dtype: this.#o.dtype,
      labels: physical.labels.slice(0, size),
      keys: physical.keys.slice(0, size),
      timings,
      release: () => {
        if (released) return;
        released = true;
        buffers.release(physical.set);
      },
    };
    this.#outstanding -= size;
    this.#counts.batches += 1;
    this.#counts.samples += size;
    this.#ready.push({ batch, at: performance.now() });
    this.#consumerWake.notify();
  }

  /** Stops everything; `error` (if any) is what the consumer's next next() call rejects with. */
  #stop(error: unknown): Promise<void> {
    if (error !== undefined && this.#failure === undefined && !this.#stopping) this.#failure = { error, delivered: false };
    if (!this.#stopping) {
      this.#stopping = true;
      this.#endedAt ||= performance.now();
      this.#controller.abort();
      this.#queue.clear();
      this.#group = [];
      for (const { batch } of this.#ready) batch.release();
      this.#ready = [];
      this.#producerWake.notify();
      this.#consumerWake.notify();
    }
    return this.#shutdown();
  }

  /** Ends the worker threads and waits for the reader to close its shard; runs once. */
  #shutdown(): Promise<void> {
    this.#cleanup ??= (async () => {
      this.#o.signal?.removeEventListener('abort', this.#onAbort);
      // In-flight tasks reject when their worker is terminated; #run sees #stopping and drops them.
      this.#closingPool = true;
      await this.#pool?.destroy();
      await this.#producer;
      // Tasks still queued when the pool went down never run, so nothing is in flight any more.
      this.#inFlight = 0;
      if (this.#stopping) this.#batcher?.discard();
    })();
    return this.#cleanup;
  }
}

/**
 * The images copied once into one shared buffer: posting them to a worker (and again on a retry) then copies
 * nothing, where plain buffers would be serialised on this thread and copied again on the worker's.
 */
function shared(images: Uint8Array[]): Uint8Array[] {
  const memory = new SharedArrayBuffer(images.reduce((n, image) => n + image.byteLength, 0));
  let at = 0;
  return images.map((image) => {
    const bytes = new Uint8Array(memory, at, image.byteLength);
    bytes.set(image);
    at += image.byteLength;
    return bytes;
  });
}
