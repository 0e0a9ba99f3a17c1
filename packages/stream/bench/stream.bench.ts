// Benchmark: the SimCLR two-view 224 pipeline from shards of the photo corpus, 1 and 2 worker threads,
// against the augment engine's single-thread rate and torchvision's DataLoader with 2 workers.
// Usage: flock /tmp/bench.lock npm run bench -w @twinflow/stream [-- --rounds 3] [--batches 16]
// Each round runs the augment engine alone, then the stream with 1 and with 2 threads, each in a fresh process;
// the medians over the rounds are reported, so that a burst of load from other jobs moves one round, not the result.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { augmentViews, jpegDecoder, pipelineFromSpec } from '@twinflow/augment';
import { expandShardSpec, imagePart, ShardWriter, shards } from '@twinflow/shards';
import sharp from 'sharp';
import { benchStream } from '../src/index.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const photos = join(root, 'bench-data/photos');
const shardDir = join(root, 'bench-data/stream-photos');
const pipeline = { preset: 'simclr', size: 224 } as const;
const batchSize = 256;
const prefetch = 4;
/** Batches of 256 per timed stream run (--batches): enough that start-up is a small share of the time. */
let target = 8 * batchSize;
/** Images the augment engine alone runs over, one after another, after `augmentWarmup` untimed ones. */
const augmentImages = 1024;
const augmentWarmup = 64;
const torchvisionReference = 90;

interface RunReport {
  imagesPerSecond: number;
  steadyImagesPerSecond: number;
  images: number;
  peakRssBytes: number;
  utilization: number;
  /** Worker time (decode + augment) per image, ms: grows with threads only when the cores are contended. */
  workerMsPerImage: number;
  /** CPU time of the whole process (every thread) per image after the first batch, ms. */
  cpuMsPerImage: number;
}

async function listImages(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && /\.(jpe?g|png|webp)$/i.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** Packs the photo corpus into shards once (bench-data/ is git-ignored); returns the spec and image count. */
async function ensureShards(): Promise<{ spec: string; images: number }> {
  if (!existsSync(photos)) {
    const tool = join(root, 'tools/make-photo-corpus.ts');
    if (!existsSync(tool)) throw new Error(`No photo corpus at ${photos} and no ${tool} to make one`);
    execFileSync(process.execPath, ['--import=tsx', tool], { cwd: root, stdio: 'inherit' });
  }
  const files = await listImages(photos);
  if (files.length === 0) throw new Error(`No images in ${photos}`);
  const marker = join(shardDir, 'DONE');
  const pattern = join(shardDir, 'photos-%06d.tar');
  const maxCount = 250;
  const count = Math.ceil(files.length / maxCount);
  const spec = join(shardDir, `photos-{000000..${String(count - 1).padStart(6, '0')}}.tar`);
  if (existsSync(marker) && (await readFile(marker, 'utf8')) === String(files.length)) return { spec, images: files.length };
  await rm(shardDir, { recursive: true, force: true });
  await mkdir(shardDir, { recursive: true });
  const writer = new ShardWriter(pattern, { maxCount });
  for (const file of files) {
    const name = relative(photos, file);
    const dot = name.lastIndexOf('.');
    const ext = name.slice(dot + 1).toLowerCase().replace('jpeg', 'jpg');
    await writer.write({ key: name.slice(0, dot).replaceAll('.', '_'), parts: { [ext]: await readFile(file) } });
  }
  await writer.close();
  await writeFile(marker, String(files.length));
  return { spec, images: files.length };
}

/** The spec repeated until one pass holds at least `target` images. */
function repeated(spec: string, images: number): string {
  return Array.from({ length: Math.ceil(target / images) }, () => spec).join('::');
}

async function childStream(spec: string, threads: number): Promise<RunReport> {
  const result = await benchStream({ data: spec, pipeline, batchSize, prefetch, threads, views: 2, seed: 0 });
  const maxRss = process.resourceUsage().maxRSS * 1024;
  return {
    imagesPerSecond: result.imagesPerSecond,
    steadyImagesPerSecond: result.steadyImagesPerSecond,
    images: result.images,
    peakRssBytes: Math.max(result.peakRssBytes, maxRss),
    utilization: result.stats.utilization,
    workerMsPerImage: (result.stats.stages.decodeMs + result.stats.stages.augmentMs) / result.images,
    cpuMsPerImage: result.steadyCpuMsPerImage,
  };
}

/** The augment engine alone on this thread: augmentViews (decode + two views), one image after another. */
async function childAugment(spec: string): Promise<{ imagesPerSecond: number; images: number; cpuMsPerImage: number }> {
  sharp.concurrency(1);
  const built = pipelineFromSpec(pipeline);
  const inputs: { key: string; bytes: Uint8Array }[] = [];
  for await (const sample of shards(spec)) {
    const bytes = imagePart(sample);
    if (bytes) inputs.push({ key: sample.key, bytes });
    if (inputs.length === augmentImages) break;
  }
  for (const { key, bytes } of inputs.slice(0, augmentWarmup)) await augmentViews(bytes, built, { seed: 0, key });
  const start = performance.now();
  const cpu = process.cpuUsage();
  for (const { key, bytes } of inputs) await augmentViews(bytes, built, { seed: 0, key, views: 2 });
  const used = process.cpuUsage(cpu);
  return {
    imagesPerSecond: (inputs.length * 1000) / (performance.now() - start),
    images: inputs.length,
    cpuMsPerImage: (used.user + used.system) / 1000 / inputs.length,
  };
}

/** The JSON report a child prints on its last line. */
const lastLine = <T>(out: string): T => JSON.parse(out.trim().split('\n').at(-1) as string) as T;
const script = fileURLToPath(import.meta.url);

/** Runs this script in a fresh process (on the CPUs in `cpus`, through taskset, when given). */
function child<T>(args: string[], cpus?: string): T {
  const command = [process.execPath, ...process.execArgv, script, ...args];
  if (cpus !== undefined) command.unshift('taskset', '-c', cpus);
  return lastLine<T>(execFileSync(command[0], command.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
}

/** Runs `copies` processes of this script at once and returns their reports. */
async function children<T>(args: string[], copies: number): Promise<T[]> {
  const run = async (): Promise<T> =>
    lastLine<T>((await promisify(execFile)(process.execPath, [...process.execArgv, script, ...args], { encoding: 'utf8' })).stdout);
  return Promise.all(Array.from({ length: copies }, run));
}

/** taskset is util-linux's; without it (or on one core) the pinned run is left out. */
const canPin = spawnSync('taskset', ['-c', '0', 'true']).status === 0 && availableParallelism() >= 2;

function torchvision(spec: string): { imagesPerSecond: number; images: number } | string {
  const python = '/usr/bin/python3';
  const probe = spawnSync(python, ['-c', 'import torch, torchvision'], { encoding: 'utf8' });
  if (probe.status !== 0) return 'not installed (python3-torchvision)';
  const loader = fileURLToPath(new URL('torchvision-loader.py', import.meta.url));
  const args = [loader, String(batchSize), '2', ...expandShardSpec(spec)];
  const run = spawnSync(python, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (run.status !== 0) return `failed (exit ${run.status})`;
  return lastLine<{ imagesPerSecond: number; images: number }>(run.stdout);
}

const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const rate = (r: number): string => `${r.toFixed(1)} images/s`;

const median = (values: number[]): number => {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const load = (): string => `load average ${loadavg()[0].toFixed(1)}`;

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { rounds: { type: 'string', default: '3' }, batches: { type: 'string', default: '16' } },
  });
  const [mode, spec, threads] = positionals;
  const batches = Number(values.batches);
  if (!(Number.isInteger(batches) && batches > 1)) throw new Error(`--batches must be an integer above 1, got ${values.batches}`);
  target = batches * batchSize;
  if (mode === 'child-stream') {
    console.log(JSON.stringify(await childStream(spec, Number(threads))));
    return;
  }
  if (mode === 'child-augment') {
    console.log(JSON.stringify(await childAugment(spec)));
    return;
  }
  const rounds = Number(values.rounds);
  if (!(Number.isInteger(rounds) && rounds > 0)) throw new Error(`--rounds must be a positive integer, got ${values.rounds}`);
  const { spec: base, images } = await ensureShards();
  const spec1 = repeated(base, images);
  const decoder = jpegDecoder();
  console.log(`stream bench: SimCLR two views 224x224 uint8 NHWC, batch ${batchSize}, prefetch ${prefetch}; JPEG decoder ${decoder.decoder} (${decoder.detail})`);
  console.log(
    `data: ${images} photos in ${base}; each stream run streams >= ${target} images, the augment engine alone ${augmentImages}; ` +
      `${rounds} round${rounds > 1 ? 's' : ''}, medians reported (shared 2-core machine: figures are indicative); ${load()}`,
  );
  const augments: number[] = [];
  const augmentCpu: number[] = [];
  const pairs: number[] = [];
  const ones: RunReport[] = [];
  const pinned: RunReport[] = [];
  const twos: RunReport[] = [];
  for (let round = 1; round <= rounds; round++) {
    const alone = child<{ imagesPerSecond: number; cpuMsPerImage: number }>(['child-augment', base]);
    augments.push(alone.imagesPerSecond);
    augmentCpu.push(alone.cpuMsPerImage);
    // Two engines at once, each in its own process: what two cores give two threads with no pool at all
    // (shared caches and memory, each process's helper threads now competing for the cores).
    const pair = await children<{ imagesPerSecond: number }>(['child-augment', base], 2);
    pairs.push(pair[0].imagesPerSecond + pair[1].imagesPerSecond);
    ones.push(child<RunReport>(['child-stream', spec1, '1']));
    if (canPin) pinned.push(child<RunReport>(['child-stream', spec1, '1'], '0'));
    twos.push(child<RunReport>(['child-stream', spec1, '2']));
    console.log(
      `round ${round}: augment alone ${rate(augments.at(-1) as number)} (two at once ${rate(pairs.at(-1) as number)}), stream 1 thread ${rate(ones.at(-1)?.steadyImagesPerSecond as number)}` +
        `${canPin ? ` (on one core: ${rate(pinned.at(-1)?.steadyImagesPerSecond as number)})` : ''}, ` +
        `2 threads ${rate(twos.at(-1)?.steadyImagesPerSecond as number)}; ${load()}`,
    );
  }
  const augment = median(augments);
  const pairRate = median(pairs);
  console.log(`augment alone, 1 thread: ${rate(augment)}  (x2 threads: ${rate(2 * augment)})`);
  console.log(`augment alone in two processes at once: ${rate(pairRate)} together, ${(pairRate / augment).toFixed(2)}x one ` +
    '(what two cores give two threads without a pool)');
  const summary = (runs: RunReport[], label: string): number => {
    const steady = median(runs.map((r) => r.steadyImagesPerSecond));
    console.log(
      `stream, ${label}: ${rate(steady)} steady, ${rate(median(runs.map((r) => r.imagesPerSecond)))} with start-up; ` +
        `${runs[0].images} images, utilisation ${(100 * median(runs.map((r) => r.utilization))).toFixed(0)}%, ` +
        `worker ${median(runs.map((r) => r.workerMsPerImage)).toFixed(1)} ms/image, peak RSS ${mb(Math.max(...runs.map((r) => r.peakRssBytes)))}`,
    );
    return steady;
  };
  const one = summary(ones, '1 thread');
  const onOneCore = canPin ? summary(pinned, '1 thread on one core (taskset -c 0)') : NaN;
  const two = summary(twos, '2 threads');
  // Unpinned, the 1-thread run has the second core to itself for the main thread's reading and dispatching
  // and V8's helper threads; pinned, it pays for them as the 2-thread run does, so cores are compared with cores.
  console.log(`scaling ${(two / one).toFixed(2)}x (target >= 1.8x)` +
    (canPin ? `; against 1 thread on one core: scaling ${(two / onOneCore).toFixed(2)}x` : ''));
  const cpuOne = median(ones.map((r) => r.cpuMsPerImage));
  const cpuTwo = median(twos.map((r) => r.cpuMsPerImage));
  const cpuAlone = median(augmentCpu);
  console.log(
    `CPU per image, every thread of the process (robust to other load): augment alone ${cpuAlone.toFixed(1)} ms, ` +
      `stream 1 thread ${cpuOne.toFixed(1)} ms, 2 threads ${cpuTwo.toFixed(1)} ms (the pool costs ` +
      `${((100 * (cpuTwo - cpuAlone)) / cpuAlone).toFixed(0)}% over the engine alone; on two idle cores 2 threads could reach ${rate(2000 / cpuTwo)})`,
  );
  console.log(`2 threads vs augment x 2: ${((100 * two) / (2 * augment)).toFixed(0)}% (target >= 90%); ` +
    `vs two engines at once: ${((100 * two) / pairRate).toFixed(0)}% (the pool's own cost)`);
  // The augment bench's headline is images per CPU-second (every thread of the process): the engine alone's
  // wall-clock rate above also has the idle second core working for it (garbage collection, V8's compiler).
  console.log(`2 threads vs augment x 2, the engine alone counted per CPU-second as the augment bench does ` +
    `(${rate(1000 / cpuAlone)} x 2): ${((100 * two * cpuAlone) / 2000).toFixed(0)}%`);
  console.log(`peak RSS, 2 threads: ${mb(Math.max(...twos.map((r) => r.peakRssBytes)))} (target < 1024 MB)`);
  const torch = torchvision(spec1);
  if (typeof torch === 'string') console.log(`torchvision DataLoader, 2 workers: ${torch}; reference ${rate(torchvisionReference)}`);
  else {
    console.log(
      `torchvision DataLoader, 2 workers: ${rate(torch.imagesPerSecond)} (${torch.images} images; reference ${rate(torchvisionReference)}); ` +
        `stream 2 threads / torchvision: ${(two / torch.imagesPerSecond).toFixed(2)}x`,
    );
  }
  console.log(`done; ${load()}`);
}

await main();
