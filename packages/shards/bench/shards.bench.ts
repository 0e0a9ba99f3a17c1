// Throughput of shard -> samples from the page cache on one core, against a bare fs read of the same bytes.
// Writes about 220 MB of ImageNet-sized samples (mean 110 KB) once into bench-data/ (gitignored) and reuses them.
import { createReadStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ShardWriter, shards } from '../src/index.js';

const DIR = join(fileURLToPath(new URL('../../..', import.meta.url)), 'bench-data', 'shards');
const SAMPLES = 2000;
const PER_SHARD = 200;
const READ_SIZE = 1 << 20;
const ROUNDS = 11;

/** Deterministic incompressible-looking bytes (xorshift32), so that no layer can cheat on content. */
function noise(n: number, seed: number): Buffer {
  const out = Buffer.allocUnsafe(n);
  let x = seed | 1;
  for (let i = 0; i + 4 <= n; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out.writeInt32LE(x, i);
  }
  return out;
}

async function generate(): Promise<string[]> {
  const manifest = join(DIR, 'manifest.json');
  if (existsSync(manifest)) return JSON.parse(readFileSync(manifest, 'utf8')) as string[];
  await mkdir(DIR, { recursive: true });
  const pool = noise(8 << 20, 42);
  const writer = new ShardWriter(join(DIR, 'bench-%06d.tar'), { maxCount: PER_SHARD });
  for (let i = 0; i < SAMPLES; i++) {
    const size = 80_000 + ((i * 7919) % 60_000);
    const at = (i * 104_729) % (pool.length - size);
    await writer.write({ key: `train/${String(i).padStart(8, '0')}`, parts: { jpg: pool.subarray(at, at + size), cls: String(i % 1000) } });
  }
  const paths = (await writer.close()).map((s) => s.path);
  writeFileSync(manifest, JSON.stringify(paths));
  return paths;
}

interface Run {
  bytes: number;
  samples: number;
  /** Wall-clock ms. */
  ms: number;
  /** CPU ms of the whole process (all threads): robust against other processes on a shared machine. */
  cpuMs: number;
}

async function timed(body: () => Promise<{ bytes: number; samples: number }>): Promise<Run> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const { bytes, samples } = await body();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { bytes, samples, ms, cpuMs: (cpu.user + cpu.system) / 1000 };
}

const bare = (paths: string[]): Promise<Run> => timed(async () => {
  let bytes = 0;
  for (const path of paths) for await (const chunk of createReadStream(path, { highWaterMark: READ_SIZE })) bytes += (chunk as Buffer).length;
  return { bytes, samples: 0 };
});

const viaShards = (paths: string[]): Promise<Run> => timed(async () => {
  const ds = shards(paths, { readSize: READ_SIZE });
  let payload = 0;
  for await (const sample of ds) payload += sample.parts.jpg.length;
  if (payload === 0) throw new Error('no payload read');
  return { bytes: ds.stats.bytes, samples: ds.stats.samples };
});

/** Median run by the given time: steadier than the best run when other processes share the core. */
const median = (runs: Run[], key: 'ms' | 'cpuMs'): Run => [...runs].sort((a, b) => a[key] - b[key])[runs.length >> 1];

const paths = await generate();
await bare(paths); // warm the page cache
const bareRuns: Run[] = [];
const shardRuns: Run[] = [];
for (let r = 0; r < ROUNDS; r++) {
  bareRuns.push(await bare(paths));
  shardRuns.push(await viaShards(paths));
}
const mb = shardRuns[0].bytes / 1e6;
const samples = shardRuns[0].samples;
const rate = (run: Run, key: 'ms' | 'cpuMs'): number => mb / (run[key] / 1000);
const line = (label: string, key: 'ms' | 'cpuMs'): void => {
  const s = rate(median(shardRuns, key), key);
  const b = rate(median(bareRuns, key), key);
  console.log(
    `${label.padEnd(9)} shards() ${s.toFixed(0)} MB/s, ${(samples / (median(shardRuns, key)[key] / 1000)).toFixed(0)} samples/s | ` +
      `bare fs ${b.toFixed(0)} MB/s | ratio ${((100 * s) / b).toFixed(1)} %`,
  );
};
console.log(`data: ${paths.length} shards, ${mb.toFixed(1)} MB, ${samples} samples (mean ${(mb * 1000 / samples).toFixed(1)} KB incl. tar framing), ` +
  `${READ_SIZE >> 10} KiB reads, median of ${ROUNDS} interleaved rounds`);
line('wall:', 'ms');
line('cpu time:', 'cpuMs');
console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
