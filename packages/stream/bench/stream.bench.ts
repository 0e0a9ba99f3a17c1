// Benchmark: the SimCLR two-view 224 pipeline from shards of the photo corpus, 1 and 2 worker threads,
// against the augment engine's single-thread rate and torchvision's DataLoader with 2 workers.
// Usage: npm run bench -w @twinflow/stream   (takes /tmp/bench.lock so that benchmarks never overlap)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeImage, pipelineFromSpec, renderViews } from '@twinflow/augment';
import { expandShardSpec, imagePart, ShardWriter, shards } from '@twinflow/shards';
import sharp from 'sharp';
import { benchStream } from '../src/index.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const photos = join(root, 'bench-data/photos');
const shardDir = join(root, 'bench-data/stream-photos');
const pipeline = { preset: 'simclr', size: 224 } as const;
const batchSize = 256;
const prefetch = 4;
/** Images per timed run: enough batches of 256 that start-up is a small share of the time. */
const target = 4 * batchSize;
const torchvisionReference = 90;

interface RunReport {
  imagesPerSecond: number;
  steadyImagesPerSecond: number;
  images: number;
  peakRssBytes: number;
  utilization: number;
  /** Worker time (decode + augment) per image, ms: grows with threads only when the cores are contended. */
  workerMsPerImage: number;
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
  };
}

/** The augment engine alone on this thread: decode + two views, one image after another. */
async function childAugment(spec: string): Promise<{ imagesPerSecond: number; images: number }> {
  sharp.concurrency(1);
  const built = pipelineFromSpec(pipeline);
  const inputs: { key: string; bytes: Uint8Array }[] = [];
  for await (const sample of shards(spec)) {
    const bytes = imagePart(sample);
    if (bytes) inputs.push({ key: sample.key, bytes });
    if (inputs.length === 256) break;
  }
  for (const { key, bytes } of inputs.slice(0, 8)) renderViews(await decodeImage(bytes, { key }), built, { seed: 0, key });
  const start = performance.now();
  for (const { key, bytes } of inputs) renderViews(await decodeImage(bytes, { key }), built, { seed: 0, key, views: 2 });
  return { imagesPerSecond: (inputs.length * 1000) / (performance.now() - start), images: inputs.length };
}

function child<T>(...args: string[]): T {
  const script = fileURLToPath(import.meta.url);
  const out = execFileSync(process.execPath, [...process.execArgv, script, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out.trim().split('\n').at(-1) as string) as T;
}

function torchvision(spec: string): { imagesPerSecond: number; images: number } | string {
  const python = '/usr/bin/python3';
  const probe = spawnSync(python, ['-c', 'import torch, torchvision'], { encoding: 'utf8' });
  if (probe.status !== 0) return 'not installed (python3-torchvision)';
  const script = fileURLToPath(new URL('torchvision-loader.py', import.meta.url));
  const args = [script, String(batchSize), '2', ...expandShardSpec(spec)];
  const run = spawnSync(python, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (run.status !== 0) return `failed (exit ${run.status})`;
  return JSON.parse(run.stdout.trim().split('\n').at(-1) as string) as { imagesPerSecond: number; images: number };
}

const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const rate = (r: number): string => `${r.toFixed(1)} images/s`;

async function main(): Promise<void> {
  const [mode, spec, threads] = process.argv.slice(2);
  if (mode === '--stream') {
    console.log(JSON.stringify(await childStream(spec, Number(threads))));
    return;
  }
  if (mode === '--augment') {
    console.log(JSON.stringify(await childAugment(spec)));
    return;
  }
  const { spec: base, images } = await ensureShards();
  const spec1 = repeated(base, images);
  console.log(`stream bench: SimCLR two views 224x224 uint8 NHWC, batch ${batchSize}, prefetch ${prefetch}`);
  console.log(`data: ${images} photos in ${base}, each run streams >= ${target} images (shared 2-core machine: figures are indicative)`);
  const augment = child<{ imagesPerSecond: number }>('--augment', base);
  console.log(`augment alone, 1 thread: ${rate(augment.imagesPerSecond)}  (x2 threads: ${rate(2 * augment.imagesPerSecond)})`);
  const runs = [1, 2].map((t) => child<RunReport>('--stream', spec1, String(t)));
  runs.forEach((r, i) => {
    console.log(
      `stream, ${i + 1} thread${i ? 's' : ''}: ${rate(r.steadyImagesPerSecond)} steady, ${rate(r.imagesPerSecond)} with start-up; ` +
        `${r.images} images, utilisation ${(100 * r.utilization).toFixed(0)}%, worker ${r.workerMsPerImage.toFixed(1)} ms/image, ` +
        `peak RSS ${mb(r.peakRssBytes)}`,
    );
  });
  const [one, two] = runs;
  console.log(`scaling ${(two.steadyImagesPerSecond / one.steadyImagesPerSecond).toFixed(2)}x (target >= 1.8x)`);
  console.log(`2 threads vs augment x 2: ${((100 * two.steadyImagesPerSecond) / (2 * augment.imagesPerSecond)).toFixed(0)}% (target >= 90%)`);
  console.log(`peak RSS, 2 threads: ${mb(two.peakRssBytes)} (target < 1024 MB)`);
  const torch = torchvision(spec1);
  if (typeof torch === 'string') console.log(`torchvision DataLoader, 2 workers: ${torch}; reference ${rate(torchvisionReference)}`);
  else {
    console.log(
      `torchvision DataLoader, 2 workers: ${rate(torch.imagesPerSecond)} (${torch.images} images; reference ${rate(torchvisionReference)}); ` +
        `stream 2 threads / torchvision: ${(two.steadyImagesPerSecond / torch.imagesPerSecond).toFixed(2)}x`,
    );
  }
}

await main();
