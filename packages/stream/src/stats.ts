// What a view stream reports about itself, for progress bars and JSONL metrics.

/** Milliseconds spent in each stage, summed over samples (read, decode, augment) or batches (wait). */
export interface StageTimes {
  /** Waiting for the shard reader to yield a sample (main thread). */
  readMs: number;
  /** Decoding the image (worker threads; summed over threads, so it can exceed the wall time). */
  decodeMs: number;
  /** Augmenting the views and writing them into the batch (worker threads, summed over threads). */
  augmentMs: number;
  /** Finished batches waiting for the consumer to take them (time the loader was ahead). */
  waitMs: number;
}

/** A snapshot of a view stream's counters; `stream.stats` returns a fresh one on every read. */
export interface StreamStats {
  /** Worker threads in the pool. */
  threads: number;
  /** Batches and samples emitted so far (including ones the consumer has not taken yet). */
  batches: number;
  samples: number;
  /** Wall time since the first next() call, up to the end of the epoch (ms). */
  elapsedMs: number;
  /** samples / elapsed seconds. */
  imagesPerSecond: number;
  stages: StageTimes;
  /** Time the consumer spent waiting for a batch (the loader was behind), ms. */
  starvedMs: number;
  /** Share of the threads' time spent decoding and augmenting, 0..1. */
  utilization: number;
  /** Samples dispatched to the pool and not settled yet. */
  inFlight: number;
  /** Finished batches waiting for the consumer. */
  ready: number;
  skipped: {
    /** Samples that failed to decode or augment (or had no image) and were skipped under a skip policy. */
    samples: number;
    /** Samples the shard reader skipped (tar and part errors). */
    readSamples: number;
    /** Shards the shard reader abandoned. */
    shards: number;
  };
  /** Samples run a second time because their worker died running them (samples only resent are not counted). */
  retries: number;
  /** Worker threads that died (a crash, process.exit, an out-of-memory limit) and were replaced. */
  workerDeaths: number;
  /** Batch buffer sets created, and handed out again after a release(). */
  buffers: { allocated: number; reused: number };
}
