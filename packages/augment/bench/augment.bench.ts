// Images per second on one thread over a folder of real photographs (tools/make-photo-corpus.ts), for
// decode only, decode + random resized crop 224, SimCLR two views and MoCo v2 two views; with
// /usr/bin/python3 + torchvision present, the same pipelines in torchvision on the same files, and the ratios.
//
//   UV_THREADPOOL_SIZE=1 tsx bench/augment.bench.ts [--dir bench-data/photos] [--limit 1024] [--warmup 64]

import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { augmentViews, compose, decodeImage, jpegDecoder, mocoV2, randomResizedCrop, simclr, type Pipeline } from '../src/index.js';

sharp.concurrency(1);
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..', '..');
const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: path.join(root, 'bench-data', 'photos') },
    limit: { type: 'string', default: '1024' },
    warmup: { type: 'string', default: '64' },
  },
});
const dir = path.resolve(values.dir);
if (!existsSync(dir)) {
  console.log(`No corpus at ${dir}; making it with tools/make-photo-corpus.ts (installs the wallpaper packages with apt)`);
  execFileSync(process.execPath, ['--import=tsx', path.join(root, 'tools', 'make-photo-corpus.ts'), '--out', dir], { stdio: 'inherit' });
}
const files = readdirSync(dir).filter((f) => /\.jpe?g$/i.test(f)).sort().slice(0, Number(values.limit)).map((f) => path.join(dir, f));
const blobs = files.map((f) => readFileSync(f));
const warmup = Number(values.warmup);

// Python is driven line by line so each chunk of files runs in Node and then in torchvision back to back:
// on a shared machine both sides then see the same load, which keeps the ratios meaningful.
const list = path.join(os.tmpdir(), `twinflow-bench-files-${process.pid}.txt`);
writeFileSync(list, files.join('\n'));
let python: ChildProcessWithoutNullStreams | undefined;
let answers: AsyncIterator<string> | undefined;
let note = '';
try {
  python = spawn('/usr/bin/python3', [path.join(here, 'torchvision_bench.py'), list],
    { env: { ...process.env, OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' } });
  answers = createInterface({ input: python.stdout })[Symbol.asyncIterator]();
  const first = await answers.next();
  if (first.value !== 'ready') throw new Error('torchvision_bench.py did not start');
} catch (err) {
  note = `torchvision not measured (${(err as Error).message.split('\n')[0]}); install python3-torchvision for ratios`;
  python?.kill();
  python = undefined;
}

/** Wall and CPU milliseconds torchvision's `name` takes over files [first, end). */
async function torchvision(name: string | undefined, first: number, end: number): Promise<[number, number]> {
  if (!python || !answers || name === undefined) return [NaN, NaN];
  python.stdin.write(`${name} ${first} ${end}\n`);
  const line = await answers.next();
  const [wall, cpu] = String(line.value).split(' ').map(Number);
  return [wall * 1000, cpu * 1000];
}

const CHUNK = 16;

interface Rates { wall: number; cpu: number; refWall: number; refCpu: number }

/** Images/s of ours and torchvision's `name` (none when undefined) by wall clock and by CPU time, alternating chunks of CHUNK files. */
async function rate(name: string | undefined, run: (blob: Buffer, i: number) => Promise<unknown>): Promise<Rates> {
  const w = Math.min(warmup, blobs.length);
  for (let i = 0; i < w; i++) await run(blobs[i], i);
  await torchvision(name, 0, w);
  let wall = 0;
  let cpu = 0;
  let refWall = 0;
  let refCpu = 0;
  for (let first = 0; first < blobs.length; first += CHUNK) {
    const end = Math.min(blobs.length, first + CHUNK);
    const start = performance.now();
    const usage = process.cpuUsage();
    for (let i = first; i < end; i++) await run(blobs[i], i);
    const used = process.cpuUsage(usage);
    wall += performance.now() - start;
    cpu += (used.user + used.system) / 1000;
    const [rw, rc] = await torchvision(name, first, end);
    refWall += rw;
    refCpu += rc;
  }
  const per = (ms: number) => (blobs.length * 1000) / ms;
  return { wall: per(wall), cpu: per(cpu), refWall: per(refWall), refCpu: per(refCpu) };
}

const views = (pipeline: Pipeline, n: number) => (blob: Buffer, i: number) =>
  augmentViews(blob, pipeline, { seed: 0, key: String(i), views: n });

const results: Record<string, Rates> = {
  'decode': await rate('decode', (blob, i) => decodeImage(blob, { key: String(i) })),
  'decode-sharp': await rate(undefined, (blob, i) => decodeImage(blob, { key: String(i), decoder: 'sharp' })),
  'rrc-224': await rate('rrc-224', views(compose([randomResizedCrop({ size: 224 })]), 1)),
  'simclr-2view': await rate('simclr-2view', views(simclr({ size: 224 }), 2)),
  'mocov2-2view': await rate('mocov2-2view', views(mocoV2({ size: 224 }), 2)),
};
python?.stdin.end();
rmSync(list, { force: true });

// CPU time is the headline: on a shared machine it tracks per-core throughput far better than wall time.
console.log(`${blobs.length} JPEGs from ${dir}; one thread (sharp.concurrency(1), UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE ?? 'unset'}); ` +
  `img/s per CPU-second (wall-clock img/s in brackets); load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores`);
for (const [name, r] of Object.entries(results)) {
  const ratio = Number.isFinite(r.refCpu)
    ? `${(r.cpu / r.refCpu).toFixed(2)}x torchvision (${r.refCpu.toFixed(0)} img/s) [wall ${(r.wall / r.refWall).toFixed(2)}x]`
    : '';
  console.log(`${name.padEnd(14)}${r.cpu.toFixed(0).padStart(6)} img/s [${r.wall.toFixed(0)}]  ${ratio}`);
}
const decoder = jpegDecoder();
console.log(`JPEG decoder: ${decoder.decoder} (${decoder.detail}); decode-sharp is sharp alone, for reference`);
console.log(`simclr-2view / decode: ${(results['simclr-2view'].cpu / results.decode.cpu).toFixed(2)} (target >= 0.5); ` +
  `/ decode-sharp: ${(results['simclr-2view'].cpu / results['decode-sharp'].cpu).toFixed(2)}`);
if (note) console.log(note);
