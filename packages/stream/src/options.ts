// The options of viewStream(), their defaults, and their eager validation (errors name `options.<path>`).
import { availableParallelism } from 'node:os';
import { Pipeline, pipelineFromSpec } from '@twinflow/augment';
import type { PipelineSpec } from '@twinflow/augment';
import type { ErrorPolicy, ShardDataset, ShardsOptions } from '@twinflow/shards';
import { invalidOption } from './errors.js';
import { boolOption, enumOption, intOption, object, string } from './is.js';

export interface ViewStreamOptions {
  /** Shard spec (paths, brace ranges, '::' lists, http(s) URLs) or an already-configured shards() dataset. */
  data: string | string[] | ShardDataset;
  /** Augmentation pipeline: a JSON spec (`{ preset: 'simclr', size: 224 }`) or a Pipeline from @twinflow/augment. */
  pipeline: PipelineSpec | Pipeline;
  /** Images per batch. */
  batchSize: number;
  /** Augmented views per image (default 2, the SimCLR/MoCo pair). */
  views?: number;
  /** Worker threads (default os.availableParallelism()). */
  threads?: number;
  /** Batches prepared ahead of the consumer, finished or in progress (default 2). */
  prefetch?: number;
  /** Drop the last, smaller batch of the epoch (default false). */
  dropLast?: boolean;
  /** Deliver samples in shard-reading order (default true); false delivers each batch as soon as it is full. */
  ordered?: boolean;
  /** Seed of the shard shuffle and of every augmentation draw (default 0). */
  seed?: number;
  /** Epoch number, mixed into the shard shuffle and the augmentation draws (default 0; for a dataset, its `epoch`). */
  epoch?: number;
  /** 'throw' (default) stops the run on a bad sample; 'skip-sample' and 'skip-shard' skip and count it. */
  errors?: ErrorPolicy;
  /** 'uint8' (0..255, the default) or 'float32' ([0, 1], or normalised values when the pipeline ends in normalize, where it is the default). */
  dtype?: 'uint8' | 'float32';
  /** 3 = RGB (default), 1 = luma (Fashion-MNIST). */
  channels?: 1 | 3;
  /** Largest decoded image in pixels, passed to the decoder (default: the augment package's). */
  maxPixels?: number;
  /** Further shards() options (shuffle buffer, rank/worldSize, resume, ...) when `data` is a spec. */
  shards?: Omit<ShardsOptions, 'seed' | 'epoch' | 'errors' | 'signal'>;
  /** Stops the stream: pending and later next() calls reject with the signal's reason. */
  signal?: AbortSignal;
  /**
   * Fault injection for tests only: a worker exits on this sample key for its first `exits` (default 1) attempts,
   * or, with `after`, once it has finished the sample and before it sends the result. With `fullTasks`, samples go
   * to the workers SAMPLES_PER_TASK to a task even when a worker waits, so that a test knows which samples share one.
   */
  testing?: { exitWorkerOnKey: string; exits?: number; after?: boolean; fullTasks?: boolean };
}

export interface ResolvedOptions {
  data: string | string[] | ShardDataset;
  spec: PipelineSpec;
  /** [height, width] of every view when the pipeline fixes it, else undefined (learnt from the first sample). */
  outputSize: [number, number] | undefined;
  batchSize: number;
  views: number;
  threads: number;
  prefetch: number;
  dropLast: boolean;
  ordered: boolean;
  seed: number;
  epoch: number;
  errors: ErrorPolicy;
  dtype: 'uint8' | 'float32';
  channels: 1 | 3;
  maxPixels?: number;
  shards: Omit<ShardsOptions, 'seed' | 'epoch' | 'errors' | 'signal'>;
  signal?: AbortSignal;
  testing?: { exitWorkerOnKey: string; exits: number; after: boolean; fullTasks: boolean };
}

const MAX = Number.MAX_SAFE_INTEGER;

function isDataset(value: unknown): value is ShardDataset {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value && 'stats' in value;
}

function resolveData(value: unknown): string | string[] | ShardDataset {
  if (string(value) && value.length > 0) return value;
  if (Array.isArray(value) && value.length > 0 && value.every((s) => string(s) && s.length > 0)) return value as string[];
  if (isDataset(value)) return value;
  throw invalidOption('a shard spec string, an array of them, or a shards() dataset', 'options.data', value);
}

// Built here once so that a bad spec fails at viewStream() rather than in every worker task.
function resolvePipeline(value: unknown): Pipeline {
  if (value instanceof Pipeline) return value;
  // A Pipeline from another copy of the augment package (src vs dist) fails instanceof; rebuild it from its spec.
  if (object(value) && 'transforms' in value && object(value.spec)) return pipelineFromSpec(value.spec as PipelineSpec);
  if (object(value)) return pipelineFromSpec(value as PipelineSpec);
  throw invalidOption('a pipeline spec object or a Pipeline', 'options.pipeline', value);
}

/** Validates every option eagerly and fills in the defaults. */
export function resolveOptions(options: ViewStreamOptions): ResolvedOptions {
  if (!object(options)) throw invalidOption('an options object', 'options', options);
  const signal = options.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw invalidOption('an AbortSignal', 'options.signal', signal);
  if (options.shards !== undefined && !object(options.shards)) throw invalidOption('an object', 'options.shards', options.shards);
  if (options.maxPixels !== undefined) intOption(options.maxPixels, 'options.maxPixels', 1, MAX);
  let testing: ResolvedOptions['testing'];
  if (options.testing !== undefined) {
    if (!object(options.testing) || !string(options.testing.exitWorkerOnKey)) {
      throw invalidOption('{ exitWorkerOnKey: string, exits?: number, after?: boolean, fullTasks?: boolean }', 'options.testing', options.testing);
    }
    testing = {
      exitWorkerOnKey: options.testing.exitWorkerOnKey,
      exits: intOption(options.testing.exits, 'options.testing.exits', 0, MAX, 1),
      after: boolOption(options.testing.after, 'options.testing.after', false),
      fullTasks: boolOption(options.testing.fullTasks, 'options.testing.fullTasks', false),
    };
  }
  const data = resolveData(options.data);
  const pipeline = resolvePipeline(options.pipeline);
  const dtype = enumOption(options.dtype, 'options.dtype', ['uint8', 'float32'] as const, pipeline.normalizes ? 'float32' : 'uint8');
  if (dtype === 'uint8' && pipeline.normalizes) {
    throw invalidOption("'float32' (the pipeline ends in normalize)", 'options.dtype', options.dtype);
  }
  return {
    data,
    spec: pipeline.spec,
    outputSize: pipeline.outputSize,
    batchSize: intOption(options.batchSize, 'options.batchSize', 1, 1 << 20),
    views: intOption(options.views, 'options.views', 1, 64, 2),
    threads: intOption(options.threads, 'options.threads', 1, 1024, availableParallelism()),
    prefetch: intOption(options.prefetch, 'options.prefetch', 1, 1024, 2),
    dropLast: boolOption(options.dropLast, 'options.dropLast', false),
    ordered: boolOption(options.ordered, 'options.ordered', true),
    seed: intOption(options.seed, 'options.seed', 0, MAX, 0),
    epoch: intOption(options.epoch, 'options.epoch', 0, MAX, isDataset(data) ? data.epoch : 0),
    errors: enumOption(options.errors, 'options.errors', ['throw', 'skip-sample', 'skip-shard'] as const, 'throw'),
    dtype,
    channels: enumOption(options.channels, 'options.channels', [1, 3] as const, 3),
    maxPixels: options.maxPixels,
    shards: options.shards ?? {},
    signal,
    testing,
  };
}
