// @twinflow/stream: WebDataset shards -> decode + augment in a Piscina worker pool -> batches of views.
export { viewStream } from './view-stream.js';
export type { ViewBatch, ViewStream } from './view-stream.js';
export type { ViewStreamOptions } from './options.js';
export type { StageTimes, StreamStats } from './stats.js';
export { benchStream } from './bench-stream.js';
export type { BenchStreamResult } from './bench-stream.js';
export { SampleError, StreamError, StreamOptionError, ViewShapeError, WorkerCrashError } from './errors.js';
