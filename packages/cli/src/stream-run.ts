// The body of `twinflow stream bench`.
import { jpegDecoder } from '@twinflow/augment';
import { benchStream } from '@twinflow/stream';
import type { StreamBenchConfig } from './commands/stream.js';
import { buildPipeline } from './pipelines.js';

/** Streams one epoch of `spec` and prints images/s, stage times, pool utilisation and peak RSS. */
export async function benchmarkStream(spec: string, config: StreamBenchConfig): Promise<void> {
  const pipeline = buildPipeline({ preset: config.preset, size: config.size, strength: config.strength, cropScale: config.cropScale, channels: config.channels });
  const r = await benchStream({
    data: spec, pipeline, batchSize: config.batchSize, views: config.views, threads: config.threads, prefetch: config.prefetch,
    seed: config.seed, epoch: config.epoch, channels: config.channels,
  });
  const s = r.stats.stages;
  // The workers load the decoder the same way in the same environment, so this thread's answer is theirs.
  const decoder = jpegDecoder();
  const perImage = (ms: number): string => `${(ms / Math.max(1, r.images)).toFixed(2)} ms/img`;
  process.stdout.write([
    `${config.preset} ${config.views}-view ${config.size}px, ${config.threads} thread${config.threads === 1 ? '' : 's'}: ${r.imagesPerSecond.toFixed(1)} images/s`,
    `  ${r.images} images in ${r.batches} batches, ${(r.elapsedMs / 1000).toFixed(2)} s`,
    `  read ${perImage(s.readMs)}, decode ${perImage(s.decodeMs)}, augment ${perImage(s.augmentMs)} (summed over threads)`,
    `  JPEG decoder: ${decoder.decoder} (${decoder.detail})`,
    `  pool utilisation ${(100 * r.stats.utilization).toFixed(0)}%, skipped ${r.stats.skipped.samples + r.stats.skipped.readSamples} samples / ${r.stats.skipped.shards} shards`,
    `  peak RSS ${(r.peakRssBytes / 2 ** 20).toFixed(0)} MB`,
  ].join('\n') + '\n');
}
