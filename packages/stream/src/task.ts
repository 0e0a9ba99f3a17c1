// The messages between the main thread and the decode/augment workers (structured-clone safe).
import type { PipelineSpec } from '@twinflow/augment';

/** Samples per ViewTask when the workers are busy (fewer when one would otherwise wait). */
export const SAMPLES_PER_TASK = 4;

/** Fixed for the life of a pool; sent once as workerData. */
export interface WorkerConfig {
  spec: PipelineSpec;
  views: number;
  dtype: 'uint8' | 'float32';
  channels: 1 | 3;
  seed: number;
  epoch: number;
  maxPixels?: number;
  /** Test hook: the worker calls process.exit(1) on this sample key for its first `exits` attempts (see `exitAfter`). */
  exitOnKey?: string;
  exits: number;
  /** Test hook: exit once the task has finished, before its result is sent, for its first `exits` sendings. */
  exitAfter: boolean;
}

/** Views of one sample, written into `buffers` (one per view) at element `offset`, or returned when `buffers` is null. */
export interface SampleJob {
  key: string;
  image: Uint8Array;
  buffers: SharedArrayBuffer[] | null;
  offset: number;
  /** 0, or 1 for the retry after a worker died running this sample. */
  attempt: number;
  /** How often the sample was sent again because a worker died holding it, without running it. */
  resent: number;
}

/**
 * A few samples that one worker runs one after the other and answers in one message: a message and the wake-up
 * of the thread it goes to cost about as much as a tenth of a sample's decode, per message, on busy cores.
 */
export interface ViewTask {
  samples: SampleJob[];
  /** Element count of one view of one sample; the worker refuses views of another size. */
  elements: number;
  /**
   * One Int32 in shared memory, this task's own: the worker stores i + 1 while it runs sample i and 0 between
   * samples, so that if the worker dies the main thread knows which sample it died on (0: none, it died between
   * them or holding the task unstarted).
   */
  running: Int32Array;
}

/** What became of one sample of a ViewTask; a ViewTask answers with one per sample, in order. */
export type SampleResult =
  | {
      ok: true;
      width: number;
      height: number;
      channels: number;
      decodeMs: number;
      augmentMs: number;
      /** Only when the task had no buffers (the first sample, which tells the stream the view shape). */
      views?: (Uint8Array | Float32Array)[];
    }
  | {
      ok: false;
      /** True for errors about the sample (undecodable image, view of the wrong size), false for bugs. */
      data: boolean;
      message: string;
      width?: number;
      height?: number;
      channels?: number;
    };

export type ViewTaskResult = SampleResult[];
