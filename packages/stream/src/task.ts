// The messages between the main thread and the decode/augment workers (structured-clone safe).
import type { PipelineSpec } from '@twinflow/augment';

/** Slots of the running-task ring; far more than the tasks that can be in flight at once. */
export const RUNNING_SLOTS = 4096;

/** Fixed for the life of a pool; sent once as workerData. */
export interface WorkerConfig {
  spec: PipelineSpec;
  views: number;
  dtype: 'uint8' | 'float32';
  channels: 1 | 3;
  seed: number;
  epoch: number;
  maxPixels?: number;
  /**
   * Int32 slots, RUNNING_SLOTS of them: a worker stores a task's id in slot `id % RUNNING_SLOTS` when it starts
   * the task and clears it when the task ends, so that the slot names the task a dead worker died on.
   */
  running: SharedArrayBuffer;
  /** Test hook: the worker calls process.exit(1) on this sample key for its first `exits` attempts (see `exitAfter`). */
  exitOnKey?: string;
  exits: number;
  /** Test hook: exit once the task has finished, before its result is sent, for its first `exits` sendings. */
  exitAfter: boolean;
}

/** Views of one sample, written into `buffers` (one per view) at element `offset`, or returned when `buffers` is null. */
export interface ViewTask {
  key: string;
  image: Uint8Array;
  buffers: SharedArrayBuffer[] | null;
  offset: number;
  /** Element count of one view of one sample; the worker refuses views of another size. */
  elements: number;
  /** 0, or 1 for the retry after a worker died running this sample. */
  attempt: number;
  /** How often the sample was sent again because a worker died holding it, without running it. */
  resent: number;
  /** Positive id, fresh for every dispatch (retries included), marked in `WorkerConfig.running` while the task runs. */
  id: number;
}

export type ViewTaskResult =
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
