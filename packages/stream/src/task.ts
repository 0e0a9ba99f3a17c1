// The messages between the main thread and the decode/augment workers (structured-clone safe).
import type { PipelineSpec } from '@twinflow/augment';

/** Slots of the started-task ring; far more than the tasks that can be in flight at once. */
export const STARTED_SLOTS = 4096;

/** Fixed for the life of a pool; sent once as workerData. */
export interface WorkerConfig {
  spec: PipelineSpec;
  views: number;
  dtype: 'uint8' | 'float32';
  channels: 1 | 3;
  seed: number;
  epoch: number;
  maxPixels?: number;
  /** Int32 slots, STARTED_SLOTS of them: a worker stores a task's id in slot `id % STARTED_SLOTS` when it starts it. */
  started: SharedArrayBuffer;
  /** Test hook: the worker calls process.exit(1) on this sample key for its first `exits` attempts. */
  exitOnKey?: string;
  exits: number;
}

/** Views of one sample, written into `buffers` (one per view) at element `offset`, or returned when `buffers` is null. */
export interface ViewTask {
  key: string;
  image: Uint8Array;
  buffers: SharedArrayBuffer[] | null;
  offset: number;
  /** Element count of one view of one sample; the worker refuses views of another size. */
  elements: number;
  attempt: number;
  /** Positive id, fresh for every dispatch (retries included), marked in `WorkerConfig.started` when the task starts. */
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
