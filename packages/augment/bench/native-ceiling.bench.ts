// How much would the two ways of halving the kernels' cost gain? 1. Native code: the colour jitter's hue rotation
// (the most expensive op per pixel) three ways on one 224x224 view: the shipped hand-assembled kernel (4 lanes),
// the same formulas in C (bench/native/hue.c) compiled by clang for AVX2 (8 lanes) and called through koffi, and
// that C compiled by clang for WebAssembly SIMD; the three must agree bit for bit. 2. 16-bit pixels: the vertical
// resampling pass as shipped against a first 16-bit version (bench/native/vpass16.c) for crops of several sizes
// resized to 224. Needs clang-14 (or clang) and lld; prints ms and the ratios.
//
//   npm run bench:native -w @twinflow/augment [-- --rounds 10]

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { arena } from '../src/arena.js';
import { taps, unrolledTaps } from '../src/resample.js';
import { COLOUR_OPS, colourProgram, kernels } from '../src/wasm-kernels.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '10' } } });
const rounds = Number(values.rounds);
const here = path.dirname(fileURLToPath(import.meta.url));
const source = path.join(here, 'native', 'hue.c');
const clang = ['clang-14', 'clang'].find((name) => {
  try {
    execFileSync(name, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
});
if (clang === undefined) throw new Error('clang not found: apt-get install clang-14 lld-14');
const dir = mkdtempSync(path.join(os.tmpdir(), 'twinflow-native-'));
const so = path.join(dir, 'libhue.so');
const wasmFile = path.join(dir, 'hue.wasm');
// -ffp-contract=off: no fused multiply-adds, so every path rounds alike
execFileSync(clang, ['-O3', '-mavx2', '-ffp-contract=off', '-fno-math-errno', '-shared', '-fPIC', '-o', so, source]);
execFileSync(clang, ['--target=wasm32', '-O3', '-msimd128', '-ffp-contract=off', '-nostdlib', '-Wl,--no-entry',
  '-Wl,--export=hue', '-Wl,--import-memory', '-o', wasmFile, source]);
const vpass16File = path.join(dir, 'vpass16.wasm');
execFileSync(clang, ['--target=wasm32', '-O3', '-msimd128', '-nostdlib', '-Wl,--no-entry', '-Wl,--export=vpass16',
  '-Wl,--import-memory', '-o', vpass16File, path.join(here, 'native', 'vpass16.c')]);

interface Koffi { load(path: string): { func(signature: string): (...args: unknown[]) => unknown } }
const koffi = createRequire(import.meta.url)('koffi') as Koffi;
const nativeHue = koffi.load(so).func('void hue(float *p, int pixels, float shift6)') as (p: Float32Array, n: number, s: number) => void;
const memory = new WebAssembly.Memory({ initial: 64 });
const clangWasm = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(wasmFile)), { env: { memory } })
  .exports as { hue(ptr: number, pixels: number, shift6: number): void };
const memory16 = new WebAssembly.Memory({ initial: 128 });
const { vpass16 } = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(vpass16File)), { env: { memory: memory16 } })
  .exports as { vpass16(dst: number, src: number, stride: number, n: number, first: number, wq: number, k: number, rows: number): void };
rmSync(dir, { recursive: true, force: true });

const pixels = 224 * 224;
const shift6 = 6 * 0.1;
const input = new Float32Array(pixels * 3);
let state = 1;
/** A 32-bit linear congruential step: fixed inputs, no seedable library needed for a bench. */
const next = (): number => (state = (Math.imul(state, 1103515245) + 12345) >>> 0);
for (let i = 0; i < input.length; i++) input[i] = (next() >>> 8) / 16777216;
const ptr = arena.alloc(input.length * 4);
const shipped = colourProgram([COLOUR_OPS.hue], false);
const native = new Float32Array(input);
const clangView = new Float32Array(memory.buffer, 0, input.length);

const paths = {
  'shipped wasm (hand-assembled, 4 lanes)': () => shipped(ptr, pixels, 0, shift6, 0),
  'clang wasm simd128 (4 lanes)': () => clangWasm.hue(0, pixels, shift6),
  'native AVX2 via koffi (8 lanes)': () => nativeHue(native, pixels, shift6),
};
// One application from the same input: the three must agree bit for bit.
arena.f32(ptr, input.length).set(input);
clangView.set(input);
for (const run of Object.values(paths)) run();
const ours = arena.f32(ptr, input.length);
const same = (other: Float32Array): boolean => other.every((v, i) => Object.is(v, ours[i]));
if (!same(native) || !same(clangView)) throw new Error('the three hue kernels disagree: the comparison would be unfair');

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];
/** Median ms per call of each of `runs`, alternating them over `rounds` rounds of `reps` calls. */
function time(runs: (() => void)[], reps: number): number[] {
  const all = runs.map((): number[] => []);
  for (let r = 0; r < rounds + 1; r++) {
    runs.forEach((run, i) => {
      const start = performance.now();
      for (let k = 0; k < reps; k++) run();
      if (r > 0) all[i].push((performance.now() - start) / reps);
    });
  }
  return all.map(median);
}

// Timed on the result of the previous application (hue rotations keep values in [0, 1]).
const hueTimes = time(Object.values(paths), 200);
console.log(`hue rotation of one 224x224 view, median of ${rounds} rounds of 200; the three give the same bits`);
Object.keys(paths).forEach((name, i) => {
  console.log(`${name.padEnd(40)} ${hueTimes[i].toFixed(3)} ms  ${(hueTimes[0] / hueTimes[i]).toFixed(2)}x the shipped kernel`);
});

// 2. The vertical resampling pass of a 500x375 photo's crop (a square box of `side` rows) to 224 rows.
const [width, height] = [500, 375];
const photo = arena.alloc(width * height * 3 + 64);
const bytes = arena.u8(photo, width * height * 3);
for (let i = 0; i < bytes.length; i++) bytes[i] = next() >>> 24;
const [PHOTO, FIRST, WEIGHTS, DST] = [1 << 20, 2 << 20, 3 << 20, 4 << 20];
new Uint8Array(memory16.buffer, PHOTO, bytes.length).set(bytes);
console.log('\nvertical resampling pass of a square crop to 224 rows, shipped float kernel against 16-bit (clang wasm)');
for (const side of [120, 224, 300, 375]) {
  const t = taps(0, side, 224, 0, 224, 'bilinear');
  const k = unrolledTaps(t, side, side); // every row given k taps, as resample does for the unrolled pass
  const n = side * 3;
  const table = arena.taps(t, 1 / 255);
  const out = arena.alloc(224 * n * 4 + 64);
  new Int32Array(memory16.buffer, FIRST, 224).set(t.first);
  const q14 = new Int16Array(memory16.buffer, WEIGHTS, 224 * k);
  for (let o = 0; o < 224; o++) {
    let sum = 0;
    for (let j = 0; j < k; j++) sum += q14[o * k + j] = Math.round(t.weights[o * t.ksize + j] * 16384);
    q14[o * k] += 16384 - sum; // the rounded weights still sum to one
  }
  const shippedPass = (): void => kernels[`vpass${k}`](out, photo, width * 3, n, table.first, table.weights, t.ksize, 224);
  const fixedPass = (): void => vpass16(DST, PHOTO, width * 3, n, FIRST, WEIGHTS, k, 224);
  shippedPass();
  fixedPass();
  const a = arena.f32(out, 224 * n);
  const b = new Float32Array(memory16.buffer, DST, 224 * n);
  const worst = a.reduce((most, v, i) => Math.max(most, Math.abs(v - b[i])), 0);
  const [float, fixed] = time([shippedPass, fixedPass], 100);
  console.log(`crop ${side} rows, ${k} taps: shipped ${float.toFixed(3)} ms, 16-bit ${fixed.toFixed(3)} ms = ` +
    `${(float / fixed).toFixed(2)}x the shipped kernel; outputs differ by up to ${worst.toExponential(1)}`);
}
