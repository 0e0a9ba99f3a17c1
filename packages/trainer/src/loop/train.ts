import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { latestCheckpoint, readCheckpointMeta, restoreCheckpoint, saveCheckpoint } from '../checkpoint/checkpoint.js';
import { CheckpointError, NonFiniteLossError, invalidOption } from '../errors.js';
import type { InputShape, Method, StepContext } from '../method.js';
import { assertFunction, assertInteger } from '../validate.js';
import { MetricsLog } from './metrics-log.js';
import type { StepRecord } from './metrics-log.js';
import { viewTensors } from './train-batch.js';
import type { TrainBatch } from './train-batch.js';

/** What a data factory is asked for. */
export interface DataContext {
  /** 0-based epoch to produce. */
  epoch: number;
  /**
   * On resume, the data state saved with the checkpoint (what options.dataState() returned when
   * the last completed step's batch arrived); undefined for a fresh epoch.
   */
  resume?: unknown;
}

/** Batches to train on: one stream for the whole run, or a factory called once per epoch. */
export type DataSource =
  | AsyncIterable<TrainBatch>
  | ((context: DataContext) => AsyncIterable<TrainBatch> | Promise<AsyncIterable<TrainBatch>>);

/** Options of train(). */
export interface TrainOptions {
  /** The method to train; built from the first batch's shape (or the checkpoint's on resume). */
  method: Method;
  /** The batches. A factory is called per epoch; a plain stream is read once for the whole run. */
  data: DataSource;
  /** Steps in one epoch (schedules count epochs with it; a factory's epoch ends there or when its stream ends). */
  stepsPerEpoch: number;
  /** Epochs to train; the run has epochs x stepsPerEpoch steps unless options.steps is given. */
  epochs?: number;
  /** Total steps of the run (overrides epochs). */
  steps?: number;
  /** Directory for metrics.jsonl and checkpoints/; without it nothing is written. */
  runDir?: string;
  /** Write a checkpoint every this many steps (default 0: only at the end and on abort). */
  checkpointEvery?: number;
  /** Checkpoints kept on disk, newest first (default 3). */
  keepCheckpoints?: number;
  /** true: continue from runDir's latest checkpoint; a string: from that checkpoint directory. */
  resume?: boolean | string;
  /** Run seed for every random choice the methods make (default 0; a resumed run keeps the saved one). */
  seed?: number;
  /** Abort: the loop finishes the running step, writes a checkpoint and resolves with aborted: true. */
  signal?: AbortSignal;
  /** Called after every step with the record also written to metrics.jsonl (a CLI draws its progress bar from it). */
  onStep?: (record: StepRecord) => void;
  /** Returns the data stream's state (opaque JSON) right after a batch arrives; saved with checkpoints. */
  dataState?: () => unknown;
  /** Receives human-readable log lines. */
  log?: (line: string) => void;
}

/** How a run ended. */
export interface TrainResult {
  /** Steps completed in total (including those before a resume). */
  step: number;
  /** Epoch of the next step. */
  epoch: number;
  /** Loss of the last step, undefined when no step ran. */
  loss: number | undefined;
  /** True when options.signal stopped the run. */
  aborted: boolean;
  /** Directory of the last checkpoint written, if any. */
  checkpoint: string | undefined;
  /** TensorFlow.js backend the run used. */
  backend: string;
}

const ABORTED = Symbol('aborted');

/**
 * Trains `options.method` on `options.data`: prefetches the next batch while a step runs, turns
 * views into float32 tensors and releases the batch, logs one JSONL record per step, checkpoints
 * every N steps, at the end and on abort, and resumes exactly from a checkpoint. A NaN or Inf
 * loss rejects with NonFiniteLossError and leaves the last good checkpoint in place.
 */
export async function train(options: TrainOptions): Promise<TrainResult> {
  const o = validate(options);
  const { method, runDir, signal } = options;
  const factory = typeof options.data === 'function';
  const backend = tf.getBackend();
  const log = options.log ?? (() => undefined);

  let step = 0;
  let epoch = 0;
  let stepInEpoch = 0;
  let seed = o.seed;
  let inputShape: InputShape | undefined;
  let resumeData: unknown;
  let skip = 0;
  let checkpoint: string | undefined;
  let checkpointStep = -1;

  if (options.resume !== undefined && options.resume !== false) {
    const dir = typeof options.resume === 'string' ? options.resume : await latestCheckpoint(runDir as string);
    if (dir === undefined) throw new CheckpointError(join(runDir as string, 'checkpoints'), 'no checkpoint to resume from');
    const meta = await readCheckpointMeta(dir);
    inputShape = meta.inputShape;
    await method.build(inputShape);
    await restoreCheckpoint(dir, method);
    ({ step, epoch, stepInEpoch } = meta);
    seed = meta.rng.seed;
    resumeData = meta.data;
    // Without a saved stream state the stream is assumed deterministic and replayed up to the step.
    if (meta.data === undefined) skip = factory ? stepInEpoch : step;
    checkpoint = dir;
    checkpointStep = step;
    log(`${method.name}: resumed from ${dir} at step ${step} (epoch ${epoch})`);
  }
  const metrics = runDir === undefined ? undefined : new MetricsLog(join(runDir, 'metrics.jsonl'));
  await metrics?.open(checkpoint === undefined ? undefined : step);
  log(`${method.name}: training ${o.totalSteps} steps on the ${backend} backend`);

  let dataState: unknown = resumeData;
  const writeCheckpoint = async () => {
    if (runDir === undefined || inputShape === undefined || checkpointStep === step) return;
    checkpoint = await saveCheckpoint(
      runDir,
      method,
      { step, epoch, stepInEpoch, inputShape, rng: { seed, algorithm: 'hash32-counter' }, data: dataState, backend },
      o.keepCheckpoints,
    );
    checkpointStep = step;
  };

  const started = performance.now();
  let loss: number | undefined;
  let aborted = false;
  let first = true;
  run: while (step < o.totalSteps) {
    if (!factory && !first) break;
    const iterable = factory
      ? await (options.data as Exclude<DataSource, AsyncIterable<TrainBatch>>)({ epoch, resume: first ? resumeData : undefined })
      : (options.data as AsyncIterable<TrainBatch>);
    first = false;
    const iterator = iterable[Symbol.asyncIterator]();
    let batches = 0;
    let stalled = false;
    try {
      for (; skip > 0; skip--) {
        const r = await iterator.next();
        if (r.done === true) break;
        r.value.release?.();
      }
      let pending: Promise<IteratorResult<TrainBatch>> | undefined;
      let epochEnded = false;
      while (step < o.totalSteps && !epochEnded) {
        const waitStart = performance.now();
        const r = await raceAbort(pending ?? iterator.next(), signal);
        pending = undefined;
        if (r === ABORTED) {
          aborted = true;
          stalled = true;
          break run;
        }
        if (r.done === true) break;
        const computeStart = performance.now();
        const batch = r.value;
        const batchState = options.dataState?.();
        if (inputShape === undefined) {
          inputShape = [batch.height, batch.width, batch.channels];
          await method.build(inputShape);
        }
        let views: tf.Tensor4D[];
        try {
          views = viewTensors(batch);
        } finally {
          batch.release?.();
        }
        // Prefetch: the producer works on the next batch while this step computes.
        const lastOfEpoch = factory && stepInEpoch + 1 >= o.stepsPerEpoch;
        if (step + 1 < o.totalSteps && !lastOfEpoch) {
          pending = iterator.next();
          pending.catch(() => undefined);
        }
        const context: StepContext = {
          step,
          epoch: factory ? epoch : Math.floor(step / o.stepsPerEpoch),
          stepsPerEpoch: o.stepsPerEpoch,
          totalSteps: o.totalSteps,
          seed,
        };
        let result;
        try {
          result = await method.trainStep(views, context);
        } finally {
          tf.dispose(views);
        }
        const end = performance.now();
        step++;
        batches++;
        loss = result.loss;
        const wall = end - waitStart;
        const record: StepRecord = {
          step,
          epoch: context.epoch,
          loss: result.loss,
          lr: result.learningRate,
          imagesPerSec: wall > 0 ? (batch.size * 1000) / wall : 0,
          dataWait: wall > 0 ? (computeStart - waitStart) / wall : 0,
          backend,
          elapsed: (end - started) / 1000,
          totalSteps: o.totalSteps,
          ...(result.metrics === undefined ? {} : { metrics: result.metrics }),
        };
        await metrics?.append(record);
        options.onStep?.(record);
        if (!Number.isFinite(result.loss)) throw new NonFiniteLossError(step, result.loss, checkpoint);
        if (factory) {
          stepInEpoch++;
          dataState = batchState;
          if (stepInEpoch >= o.stepsPerEpoch) {
            epoch++;
            stepInEpoch = 0;
            dataState = undefined;
            epochEnded = true;
          }
        } else {
          epoch = Math.floor(step / o.stepsPerEpoch);
          stepInEpoch = step % o.stepsPerEpoch;
          dataState = batchState;
        }
        if (o.checkpointEvery > 0 && step % o.checkpointEvery === 0 && step < o.totalSteps) await writeCheckpoint();
        if (signal?.aborted === true) {
          aborted = true;
          break run;
        }
      }
    } finally {
      // An async generator queues return() behind a pending next(): do not wait on a stalled stream.
      const closing = iterator.return?.();
      if (stalled) closing?.catch(() => undefined);
      else await closing;
    }
    if (factory) {
      if (batches === 0 && stepInEpoch === 0) {
        log(`${method.name}: epoch ${epoch} produced no batches; stopping at step ${step}`);
        break;
      }
      if (stepInEpoch > 0) {
        epoch++;
        stepInEpoch = 0;
        dataState = undefined;
      }
    } else if (step < o.totalSteps) {
      log(`${method.name}: the data ended after ${step} of ${o.totalSteps} steps`);
    }
  }
  await writeCheckpoint();
  if (aborted) log(`${method.name}: aborted at step ${step}`);
  return { step, epoch, loss, aborted, checkpoint, backend };
}

function validate(options: TrainOptions) {
  if (typeof options !== 'object' || options === null) throw invalidOption('options', 'an object', options);
  const m = options.method as unknown as Record<string, unknown> | undefined;
  if (typeof m !== 'object' || m === null || typeof m.trainStep !== 'function' || typeof m.build !== 'function') {
    throw invalidOption('options.method', 'a Method (build, trainStep, models, ...)', options.method);
  }
  const data = options.data as unknown;
  if (typeof data !== 'function' && (typeof data !== 'object' || data === null || !(Symbol.asyncIterator in data))) {
    throw invalidOption('options.data', 'an AsyncIterable of batches or a function of the epoch returning one', data);
  }
  assertInteger('options.stepsPerEpoch', options.stepsPerEpoch, 1);
  if (options.steps === undefined && options.epochs === undefined) {
    throw invalidOption('options.epochs', 'a positive integer (or options.steps)', options.epochs);
  }
  if (options.epochs !== undefined) assertInteger('options.epochs', options.epochs, 1);
  if (options.steps !== undefined) assertInteger('options.steps', options.steps, 1);
  const checkpointEvery = options.checkpointEvery ?? 0;
  assertInteger('options.checkpointEvery', checkpointEvery, 0);
  const keepCheckpoints = options.keepCheckpoints ?? 3;
  assertInteger('options.keepCheckpoints', keepCheckpoints, 1);
  const seed = options.seed ?? 0;
  assertInteger('options.seed', seed, 0, 0xffffffff);
  if (options.runDir !== undefined && typeof options.runDir !== 'string') {
    throw invalidOption('options.runDir', 'a directory path', options.runDir);
  }
  if (options.resume === true && options.runDir === undefined) {
    throw invalidOption('options.runDir', 'a directory when options.resume is true', options.runDir);
  }
  if (options.resume !== undefined && typeof options.resume !== 'boolean' && typeof options.resume !== 'string') {
    throw invalidOption('options.resume', 'a boolean or a checkpoint directory', options.resume);
  }
  if (options.onStep !== undefined) assertFunction('options.onStep', options.onStep);
  if (options.dataState !== undefined) assertFunction('options.dataState', options.dataState);
  if (options.log !== undefined) assertFunction('options.log', options.log);
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw invalidOption('options.signal', 'an AbortSignal', options.signal);
  }
  return {
    stepsPerEpoch: options.stepsPerEpoch,
    totalSteps: options.steps ?? (options.epochs as number) * options.stepsPerEpoch,
    checkpointEvery,
    keepCheckpoints,
    seed,
  };
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T | typeof ABORTED> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.resolve(ABORTED);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(ABORTED);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err as Error);
      },
    );
  });
}
