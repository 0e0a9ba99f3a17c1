// How much faster would native code be than the shipped WebAssembly kernels? The colour jitter's hue rotation
// (the most expensive op per pixel) three ways on one 224x224 view: the shipped hand-assembled kernel (4 lanes),
// the same formulas in C (bench/native/hue.c) compiled by clang for AVX2 (8 lanes) and called through koffi, and
// that C compiled by clang for WebAssembly SIMD. Needs clang-14 (or clang) and lld; checks the three agree bit for
// bit, then prints ms per view and the ratios.
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
import { COLOUR_OPS, colourProgram } from '../src/wasm-kernels.js';

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

interface Koffi { load(path: string): { func(signature: string): (...args: unknown[]) => unknown } }
const koffi = createRequire(import.meta.url)('koffi') as Koffi;
const nativeHue = koffi.load(so).func('void hue(float *p, int pixels, float shift6)') as (p: Float32Array, n: number, s: number) => void;
const memory = new WebAssembly.Memory({ initial: 64 });
const clangWasm = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(wasmFile)), { env: { memory } })
  .exports as { hue(ptr: number, pixels: number, shift6: number): void };
rmSync(dir, { recursive: true, force: true });

const pixels = 224 * 224;
const shift6 = 6 * 0.1;
const input = new Float32Array(pixels * 3);
let state = 1;
for (let i = 0; i < input.length; i++) {
  state = (Math.imul(state, 1103515245) + 12345) >>> 0;
  input[i] = (state >>> 8) / 16777216;
}
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

// Timed on the result of the previous application (hue rotations keep values in [0, 1]); rounds alternate paths.
const times = new Map<string, number[]>(Object.keys(paths).map((name) => [name, []]));
for (let r = 0; r < rounds + 1; r++) {
  for (const [name, run] of Object.entries(paths)) {
    const start = performance.now();
    for (let k = 0; k < 200; k++) run();
    if (r > 0) times.get(name)?.push((performance.now() - start) / 200);
  }
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const base = median(times.get('shipped wasm (hand-assembled, 4 lanes)') ?? []);
console.log(`hue rotation of one 224x224 view, median of ${rounds} rounds of 200; the three give the same bits`);
for (const [name, xs] of times) {
  const ms = median(xs);
  console.log(`${name.padEnd(40)} ${ms.toFixed(3)} ms  ${(base / ms).toFixed(2)}x the shipped kernel`);
}
