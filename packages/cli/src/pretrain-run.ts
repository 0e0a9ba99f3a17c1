// The body of `twinflow pretrain` (and of quickstart's pretraining): backend, method, the per-epoch
// view stream, the training loop with its progress bar, Ctrl-C handling and views.png.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { jpegDecoder } from '@twinflow/augment';
import { shards } from '@twinflow/shards';
import { viewStream } from '@twinflow/stream';
import {
  MoCoV2, SimCLR, createEncoder, latestCheckpoint, loadBackend, train, type EncoderFactory, type Method, type TrainResult,
} from '@twinflow/trainer';
import type { PretrainConfig } from './commands/pretrain.js';
import { nothingToResume, pluginInvalid } from './errors.js';
import { buildPipeline, type PresetName } from './pipelines.js';
import { createProgress } from './progress.js';
import { openRunLog, runPaths, writeJson, type RunLog } from './run-dir.js';
import { viewsGrid } from './views-grid.js';

/** What a plugin module's `createMethod` receives: the run's settings and an encoder factory for --arch. */
export interface PluginMethodOptions {
  encoder: EncoderFactory;
  arch: string;
  batchSize: number;
  epochs: number;
  learningRate?: number;
  temperature?: number;
  seed: number;
}

/** Imports a plugin module and calls its `createMethod` (or default export) to get a Method. */
export async function loadPluginMethod(path: string, options: PluginMethodOptions): Promise<Method> {
  const file = resolve(path);
  if (!existsSync(file)) throw pluginInvalid(path, 'does not exist');
  const mod = (await import(pathToFileURL(file).href)) as { createMethod?: unknown; default?: unknown };
  const factory = mod.createMethod ?? mod.default;
  if (typeof factory !== 'function') throw pluginInvalid(path, 'exports neither createMethod nor a default function');
  const method = (await (factory as (o: PluginMethodOptions) => unknown)(options)) as Partial<Method> | undefined;
  for (const key of ['build', 'trainStep', 'models', 'encoder', 'saveState', 'loadState', 'dispose'] as const) {
    if (typeof method?.[key] !== 'function') throw pluginInvalid(path, `returned an object without ${key}()`);
  }
  return method as Method;
}

/** The Method named by --method, with the encoder of --arch. */
export async function createMethod(config: PretrainConfig): Promise<Method> {
  const encoder: EncoderFactory = (inputShape) => createEncoder(config.arch, { inputShape, seed: config.seed });
  const common = { encoder, temperature: config.temperature, learningRate: config.lr, seed: config.seed };
  if (config.method === 'simclr') {
    return new SimCLR({ ...common, learningRateScaling: config.lrScaling, warmupEpochs: config.warmupEpochs });
  }
  if (config.method === 'moco') return new MoCoV2({ ...common, queueSize: config.queueSize });
  return loadPluginMethod(config.method, { ...common, arch: config.arch, batchSize: config.batchSize, epochs: config.epochs });
}

/** The augmentation preset of a method unless --preset names one. */
export function presetFor(config: PretrainConfig): PresetName {
  return config.preset ?? (config.method === 'moco' ? 'moco-v2' : 'simclr');
}

/** Samples in one pass over the shards (one read of the data when not given). */
export async function countSamples(data: string): Promise<number> {
  let count = 0;
  for await (const _ of shards(data)) count++;
  return count;
}

export interface PretrainOutcome extends TrainResult {
  dir: string;
  samplesPerEpoch: number;
  seconds: number;
}

export interface PretrainHooks {
  /** Stops the run (a final checkpoint is written); default: Ctrl-C (SIGINT) and SIGTERM. */
  signal?: AbortSignal;
  /** Where progress and log lines go; default stderr. */
  stream?: NodeJS.WriteStream;
}

/** Trains into the run directory `dir` and returns how the run ended. */
export async function runPretrain(config: PretrainConfig, dir: string, hooks: PretrainHooks = {}): Promise<PretrainOutcome> {
  const paths = runPaths(dir);
  const resuming = config.resume !== undefined;
  if (resuming && (await latestCheckpoint(paths.dir)) === undefined) throw nothingToResume(paths.dir);
  await mkdir(paths.checkpoints, { recursive: true });
  const stream = hooks.stream ?? process.stderr;
  let print = (line: string): void => {
    stream.write(`${line}\n`);
  };
  const log: RunLog = openRunLog(paths, (line) => print(line));
  const { resume: _resume, ...saved } = config;
  await writeJson(paths.config, saved);
  log(`${resuming ? 'resuming' : 'starting'} run ${paths.dir}`);

  const backend = await loadBackend({ backend: config.backend === 'auto' ? undefined : config.backend, log });
  const pipeline = buildPipeline({ preset: presetFor(config), size: config.size, strength: config.strength, cropScale: config.cropScale, channels: config.channels });
  if (!existsSync(paths.views)) await writeFile(paths.views, await viewsGrid({ data: config.data, pipeline, seed: config.seed }));

  const samplesPerEpoch = config.samplesPerEpoch ?? (await countSamples(config.data));
  const stepsPerEpoch = Math.floor(samplesPerEpoch / config.batchSize);
  if (stepsPerEpoch < 1) {
    throw new Error(`--batch-size ${config.batchSize} is larger than the ${samplesPerEpoch} samples of ${config.data}; lower --batch-size`);
  }
  const totalSteps = config.maxSteps === undefined ? config.epochs * stepsPerEpoch : Math.min(config.maxSteps, config.epochs * stepsPerEpoch);
  log(`${config.method}: ${config.arch} on ${samplesPerEpoch} samples, ${stepsPerEpoch} steps/epoch x ${config.epochs} epochs, batch ${config.batchSize}, ${config.threads} data threads, backend ${backend.backend}`);
  const decoder = jpegDecoder();
  log(`JPEG decoder: ${decoder.decoder} (${decoder.detail})${decoder.decoder === 'sharp' ? '; install libturbojpeg0 for a third of the decode CPU' : ''}`);

  const method = await createMethod(config);
  const controller = new AbortController();
  const onSignal = (): void => {
    if (controller.signal.aborted) return;
    log('interrupt: finishing the current step and writing a checkpoint (Ctrl-C again to force quit)');
    controller.abort(new Error('interrupted'));
    process.once('SIGINT', () => process.exit(130));
  };
  if (hooks.signal === undefined) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  } else {
    hooks.signal.addEventListener('abort', onSignal, { once: true });
  }

  const progress = createProgress({ label: config.method, total: totalSteps, stream });
  print = (line) => progress.log(line);
  const started = performance.now();
  let result: TrainResult;
  try {
    result = await train({
      method,
      stepsPerEpoch,
      epochs: config.epochs,
      steps: totalSteps,
      runDir: paths.dir,
      checkpointEvery: config.checkpointEvery,
      resume: resuming,
      seed: config.seed,
      signal: controller.signal,
      log,
      onStep: (r) => {
        log.file(`step ${r.step}/${r.totalSteps} epoch ${r.epoch} loss ${r.loss.toFixed(4)} lr ${r.lr.toExponential(3)} ${r.imagesPerSec.toFixed(0)} img/s wait ${(100 * r.dataWait).toFixed(0)}%`);
        progress.update({ value: r.step, imagesPerSec: r.imagesPerSec, fields: { loss: r.loss, epoch: r.epoch + 1 } });
      },
      data: ({ epoch }) => viewStream({
        data: config.data,
        pipeline,
        batchSize: config.batchSize,
        views: 2,
        threads: config.threads,
        prefetch: config.prefetch,
        dropLast: true,
        seed: config.seed,
        epoch,
        channels: config.channels,
        shards: { shuffle: config.shuffle, shardShuffle: true },
        signal: controller.signal,
      }),
    });
  } finally {
    progress.stop();
    print = (line) => stream.write(`${line}\n`);
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    hooks.signal?.removeEventListener('abort', onSignal);
  }
  const seconds = (performance.now() - started) / 1000;
  method.dispose();
  if (result.aborted) {
    log(`stopped at step ${result.step}; checkpoint ${result.checkpoint ?? '(none)'}; continue with: twinflow pretrain --resume ${paths.dir}`);
  } else {
    log(`done: ${result.step} steps in ${seconds.toFixed(1)} s, final loss ${result.loss?.toFixed(4) ?? '-'}; checkpoint ${result.checkpoint ?? '(none)'}`);
  }
  return { ...result, dir: paths.dir, samplesPerEpoch, seconds };
}
