// benchStream(): the view stream without a trainer, for `twinflow stream bench <shards>`; prints nothing.
import { viewStream } from './view-stream.js';
import type { ViewStreamOptions } from './options.js';
import type { StreamStats } from './stats.js';

export interface BenchStreamResult {
  /** Images delivered per second of wall time, pool start-up included. */
  imagesPerSecond: number;
  /** Images per second after the first batch (worker start-up and pipeline fill excluded). */
  steadyImagesPerSecond: number;
  /** CPU time of the whole process (every thread) per image after the first batch, ms: the pipeline's cost
   * whatever else runs on the machine. */
  steadyCpuMsPerImage: number;
  images: number;
  batches: number;
  elapsedMs: number;
  /** Highest resident set size seen while streaming (sampled every batch and every 50 ms), bytes. */
  peakRssBytes: number;
  /** The stream's own counters at the end (stage times, utilisation, skips). */
  stats: StreamStats;
}

/** Streams one epoch as fast as it can, releasing every batch at once, and reports the rate. */
export async function benchStream(options: ViewStreamOptions): Promise<BenchStreamResult> {
  let peakRssBytes = process.memoryUsage.rss();
  const sample = (): void => {
    peakRssBytes = Math.max(peakRssBytes, process.memoryUsage.rss());
  };
  const timer = setInterval(sample, 50);
  timer.unref();
  const stream = viewStream(options);
  const start = performance.now();
  let images = 0;
  let batches = 0;
  let first = { at: 0, size: 0, cpu: process.cpuUsage() };
  try {
    for await (const batch of stream) {
      if (batches === 0) first = { at: performance.now(), size: batch.size, cpu: process.cpuUsage() };
      images += batch.size;
      batches += 1;
      sample();
      batch.release();
    }
  } finally {
    clearInterval(timer);
    await stream.close();
  }
  const end = performance.now();
  const cpu = process.cpuUsage(first.cpu);
  const elapsedMs = end - start;
  const imagesPerSecond = (images * 1000) / elapsedMs;
  const steadyImagesPerSecond = batches > 1 ? ((images - first.size) * 1000) / (end - first.at) : imagesPerSecond;
  const steadyCpuMsPerImage = batches > 1 ? (cpu.user + cpu.system) / 1000 / (images - first.size) : NaN;
  return { imagesPerSecond, steadyImagesPerSecond, steadyCpuMsPerImage, images, batches, elapsedMs, peakRssBytes, stats: stream.stats };
}
