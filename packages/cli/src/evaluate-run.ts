// The body of `twinflow probe` / `twinflow knn` (and of quickstart's evaluation): load the encoder of a
// run, stream the labelled splits through the evaluation transform, evaluate against the baselines,
// print the table and write eval.json into the run directory.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { compose, evaluation, horizontalFlip, randomResizedCrop } from '@twinflow/augment';
import {
  baselineFlags, evaluateEncoder, formatTable, freshCopy, probePresets, writeEvalJson, type EvalReport, type LabelledBatch, type PretrainInfo,
} from '@twinflow/eval';
import { viewStream } from '@twinflow/stream';
import { loadBackend, loadEncoder } from '@twinflow/trainer';
import { runDirMissing } from './errors.js';

export interface EvaluationConfig {
  checkpoint: string;
  train: string;
  test: string;
  /** Run the linear probe (with or without k-NN beside it); false = k-NN only. */
  probe: boolean;
  knn: boolean;
  baselines: boolean;
  epochs?: number;
  lr?: number;
  protocol?: 'simclr' | 'moco';
  augmented?: boolean;
  k?: number;
  temperature?: number;
  batchSize: number;
  size?: number;
  channels?: 1 | 3;
  threads: number;
  seed: number;
  backend?: 'auto' | 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';
  /** Pretraining facts for the table (quickstart fills them in). */
  pretrain?: PretrainInfo;
  /** Row label; default the run's method. */
  name?: string;
  log?: (line: string) => void;
}

/** Decoded evaluation batches are kept in memory below this many bytes, and re-streamed above it. */
const CACHE_BYTES = 1 << 30;

/** The run directory a checkpoint path belongs to: the path itself, or two levels up from checkpoints/step-N. */
export function runDirOf(checkpoint: string): string {
  const path = resolve(checkpoint);
  if (existsSync(join(path, 'config.json'))) return path;
  const up = dirname(dirname(path));
  if (existsSync(join(up, 'config.json'))) return up;
  if (!existsSync(path)) throw runDirMissing(path, 'the directory itself');
  return path;
}

/**
 * Labelled batches of the evaluation transform, re-iterable: the first pass streams them (and keeps a
 * copy when the split is small), later passes replay the copy.
 */
function labelledSplit(make: () => AsyncIterable<LabelledBatch>): () => AsyncIterable<LabelledBatch> {
  let cache: LabelledBatch[] | undefined;
  return () => {
    if (cache !== undefined) {
      const batches = cache;
      return (async function* () { yield* batches; })();
    }
    return (async function* () {
      const copy: LabelledBatch[] = [];
      let bytes = 0;
      for await (const batch of make()) {
        bytes += batch.views[0].length;
        if (bytes <= CACHE_BYTES) {
          copy.push({
            views: [Uint8Array.from(batch.views[0] as ArrayLike<number>)], size: batch.size, height: batch.height, width: batch.width,
            channels: batch.channels, labels: batch.labels === undefined ? undefined : Int32Array.from(batch.labels), keys: batch.keys?.slice(),
          });
        }
        yield batch;
      }
      if (bytes <= CACHE_BYTES) cache = copy;
    })();
  };
}

/** Evaluates a run's encoder; prints the table; writes eval.json into the run directory; returns the report. */
export async function runEvaluation(config: EvaluationConfig): Promise<EvalReport> {
  const log = config.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const runDir = runDirOf(config.checkpoint);
  const runConfig = existsSync(join(runDir, 'config.json'))
    ? (JSON.parse(await readFile(join(runDir, 'config.json'), 'utf8')) as Record<string, unknown>)
    : {};
  const size = config.size ?? (typeof runConfig.size === 'number' ? runConfig.size : 224);
  const channels = config.channels ?? (runConfig.channels === 1 ? 1 : 3);
  const backend = config.backend ?? (typeof runConfig.backend === 'string' ? runConfig.backend : 'auto');
  await loadBackend({ backend: backend === 'auto' ? undefined : (backend as 'wasm'), log });
  const encoder = await loadEncoder(config.checkpoint);

  // Tiny images are evaluated whole, as the CIFAR protocols do; larger ones with the 0.875 centre crop.
  const evalPipeline = evaluation({ size, cropProportion: size < 64 ? 1 : 0.875 });
  const stream = (data: string) => () => viewStream({
    data, pipeline: evalPipeline, batchSize: config.batchSize, views: 1, threads: config.threads, seed: config.seed, channels,
  });
  const train = labelledSplit(stream(config.train));
  const test = labelledSplit(stream(config.test));
  const name = config.name ?? String(runConfig.method ?? 'encoder');

  const augmentedPipeline = compose([randomResizedCrop({ size }), horizontalFlip({ p: 0.5 })]);
  const fresh = config.baselines ? await freshCopy(encoder) : undefined;
  const report = await evaluateEncoder({
    encoder,
    train,
    test,
    augmentedTrain: config.probe && config.augmented
      ? (epoch) => viewStream({ data: config.train, pipeline: augmentedPipeline, batchSize: config.batchSize, views: 1, threads: config.threads, seed: config.seed, epoch, channels })
      : undefined,
    randomEncoder: fresh === undefined ? undefined : () => fresh,
    rawPixels: config.baselines,
    probe: config.probe
      ? { ...probePresets[config.protocol ?? 'simclr'], epochs: config.epochs, ...(config.lr === undefined ? {} : { lr: config.lr }), seed: config.seed, batchSize: config.batchSize }
      : false,
    knn: config.knn ? { k: config.k, temperature: config.temperature } : false,
    name,
    pretrain: config.pretrain,
    log,
  });
  encoder.dispose();
  process.stdout.write(`${formatTable(report)}\n`);
  const file = await writeEvalJson(runDir, await mergeWithExisting(runDir, report));
  log(`wrote ${file}`);
  return report;
}

/** Keeps the probes of an earlier eval.json of the same split when only k-NN was run now. */
async function mergeWithExisting(runDir: string, report: EvalReport): Promise<EvalReport> {
  const file = join(runDir, 'eval.json');
  if (report.probe !== undefined || !existsSync(file)) return report;
  const previous = JSON.parse(await readFile(file, 'utf8')) as EvalReport;
  if (previous.split.train.digest !== report.split.train.digest || previous.split.test.digest !== report.split.test.digest) return report;
  const baselines = { ...report.baselines };
  if (baselines.randomInit && previous.baselines.randomInit?.probe) baselines.randomInit = { ...baselines.randomInit, probe: previous.baselines.randomInit.probe };
  if (baselines.rawPixels && previous.baselines.rawPixels?.probe) baselines.rawPixels = { ...baselines.rawPixels, probe: previous.baselines.rawPixels.probe };
  const merged = { ...report, probe: previous.probe, probeCached: previous.probeCached, baselines };
  return { ...merged, flags: baselineFlags(merged) };
}
