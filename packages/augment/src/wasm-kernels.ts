// The hot loops as WebAssembly SIMD, four floats per instruction: the separable resampling passes, the blur
// passes, the colour ops and the final conversion to bytes. The module is small, so it is assembled here from
// opcodes (WebAssembly binary format + the SIMD proposal's opcode table) rather than shipped as a binary blob.

import { LUMA_B, LUMA_G, LUMA_R } from './image.js';

/** Unsigned LEB128. */
function u32(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 for i32.const. */
function s32(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const I32 = 0x7f;
const V128 = 0x7b;
const F32 = 0x7d;
const get = (i: number): number[] => [0x20, ...u32(i)];
const set = (i: number): number[] => [0x21, ...u32(i)];
const tee = (i: number): number[] => [0x22, ...u32(i)];
const i32 = (n: number): number[] => [0x41, ...s32(n)];
const add = [0x6a];
const sub = [0x6b];
const mul = [0x6c];
const geU = [0x4f];
const select = [0x1b];
const load = [0x28, 2, 0];
const simd = (op: number, ...imm: number[]): number[] => [0xfd, ...u32(op), ...imm];
const vload = simd(0x00, 0, 0);
const vstore = simd(0x0b, 0, 0);
const vsplat32 = simd(0x09, 0, 0);
const vzero = simd(0x0c, ...new Array<number>(16).fill(0));
const fadd = simd(0xe4);
const fmul = simd(0xe6);
/** Four bytes to four floats: load32_zero, widen u8 -> u16 -> u32, convert as signed (0..255 either way; the
 * unsigned convert has no x64 instruction and costs several). */
const vloadU8 = [...simd(0x5c, 0, 0), ...simd(0x89), ...simd(0xa9), ...simd(0xfa)];

/** `for (i = 0; i < n; i += step) body` with i and n locals. */
function loop(i: number, n: number, step: number, body: number[]): number[] {
  return [
    ...i32(0), ...set(i),
    0x02, 0x40, 0x03, 0x40,
    ...get(i), ...get(n), ...geU, 0x0d, 1,
    ...body,
    ...get(i), ...i32(step), ...add, ...set(i),
    0x0c, 0,
    0x0b, 0x0b,
  ];
}

interface Func {
  params: number[];
  locals: number[];
  body: number[];
}

const ints = (n: number): number[] => new Array<number>(n).fill(I32);
/** Splat each of the `count` floats at address local `ptr` into its own vector local `local(t)`, once, before a loop. */
const splatWeights = (ptr: number, count: number, local: (t: number) => number): number[] =>
  Array.from({ length: count }, (_, t) => [...get(ptr), ...simd(0x09, 0, ...u32(t * 4)), ...set(local(t))]).flat();

/**
 * vpassU8(dst, src, stride, n, first, count, weights, ksize, rows): for each output row o,
 * dst[o][0..n) = sum_t weights[o * ksize + t] * src[(first[o] + t) * stride + 0..n). Output rows of n floats; source
 * rows of bytes, `stride` bytes apart. Two taps per sweep over the row; writes round n up to 4.
 */
function vpass(): Func {
  const [dst, src, stride, n, first, count, weights, ksize, rows] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [o, t, cnt, out, end, p, a, b, wp, wa, wb] = [9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19];
  const selectV128 = [0x1c, 1, V128];
  /** `while (p < end) { body; p += 16 }` */
  const sweep = (body: number[]): number[] => [
    ...get(out), ...set(p),
    0x02, 0x40, 0x03, 0x40,
    ...get(p), ...get(end), ...geU, 0x0d, 1,
    ...body,
    ...get(p), ...i32(16), ...add, ...set(p),
    0x0c, 0,
    0x0b, 0x0b,
  ];
  // Two taps per sweep over the row: dst += src[a] * wa + src[b] * wb (wb = 0 past the last tap).
  const pair = sweep([
    ...get(p),
    ...get(p), ...vload,
    ...get(a), ...vloadU8, ...get(wa), ...fmul, ...fadd,
    ...get(b), ...vloadU8, ...get(wb), ...fmul, ...fadd,
    ...vstore,
    ...get(a), ...i32(4), ...add, ...set(a),
    ...get(b), ...i32(4), ...add, ...set(b),
  ]);
  // The first pair stores without reading the row back (no zeroing sweep), as 0 + x is x.
  const firstPair = sweep([
    ...get(p),
    ...get(a), ...vloadU8, ...get(wa), ...fmul,
    ...get(b), ...vloadU8, ...get(wb), ...fmul, ...fadd,
    ...vstore,
    ...get(a), ...i32(4), ...add, ...set(a),
    ...get(b), ...i32(4), ...add, ...set(b),
  ]);
  const body = loop(o, rows, 1, [
    ...get(dst), ...get(o), ...get(n), ...mul, ...i32(4), ...mul, ...add, ...tee(out),
    ...get(n), ...i32(4), ...mul, ...add, ...set(end),
    ...get(count), ...get(o), ...i32(4), ...mul, ...add, ...load, ...set(cnt),
    // rows outside the resized grid (zero padding) have no taps
    ...get(cnt), 0x45, 0x04, 0x40, ...sweep([...get(p), ...vzero, ...vstore]), 0x0b,
    ...loop(t, cnt, 2, [
      ...get(src),
      ...get(first), ...get(o), ...i32(4), ...mul, ...add, ...load, ...get(t), ...add,
      ...get(stride), ...mul, ...add, ...tee(a),
      ...get(stride), ...add, ...get(a),
      ...get(t), ...i32(1), ...add, ...get(cnt), 0x48, ...select, ...set(b),
      ...get(weights), ...get(o), ...get(ksize), ...mul, ...get(t), ...add, ...i32(4), ...mul, ...add, ...tee(wp),
      ...vsplat32, ...set(wa),
      ...get(wp), ...simd(0x09, 0, 4), ...vzero,
      ...get(t), ...i32(1), ...add, ...get(cnt), 0x48, ...selectV128, ...set(wb),
      ...get(t), 0x45, 0x04, 0x40, ...firstPair, 0x05, ...pair, 0x0b,
    ]),
  ]);
  return { params: ints(9), locals: [I32, I32, I32, I32, I32, I32, I32, I32, I32, V128, V128], body };
}

/**
 * vpassK<k>(dst, src, stride, n, first, weights, ksize, rows): `vpassU8` with exactly k taps per output row,
 * unrolled, sixteen values at a time: each tap's 16 source bytes are loaded once and widened to four float vectors
 * (two widening steps and a conversion per vector, where four bytes at a time cost a load, two widenings and a
 * conversion per vector), and the four sums stay in registers across the taps instead of being read and written
 * back once per pair of taps. Rows with fewer taps carry zero weights (see resample's `fit`). The terms are added
 * in the same order as `vpassU8`, so the results are the same bit for bit. Writes round n up to 16, reads too.
 */
function vpassK(k: number): Func {
  const [dst, src, stride, n, first, weights, ksize, rows] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [o, i, out, wp, base] = [8, 9, 10, 11, 12];
  const w = (t: number): number => 13 + t;
  const [x, lo, hi] = [13 + k, 14 + k, 15 + k];
  const acc = (j: number): number => 16 + k + j;
  const widen = (high: boolean): number[] => simd(high ? 0x8a : 0x89); // i16x8.extend_{low,high}_i8x16_u
  const widen32 = (high: boolean): number[] => simd(high ? 0xaa : 0xa9); // i32x4.extend_{low,high}_i16x8_u
  const convert = simd(0xfa);
  const quarter = (j: number): number[] => [...get(j < 2 ? lo : hi), ...widen32(j % 2 === 1), ...convert];
  const tap = (t: number): number[] => [
    ...get(base), ...get(i), ...add, ...i32(t), ...get(stride), ...mul, ...add, ...vload, ...tee(x),
    ...widen(false), ...set(lo), ...get(x), ...widen(true), ...set(hi),
    ...[0, 1, 2, 3].flatMap((j) => t === 0
      ? [...quarter(j), ...get(w(0)), ...fmul, ...set(acc(j))]
      : [...get(acc(j)), ...quarter(j), ...get(w(t)), ...fmul, ...fadd, ...set(acc(j))]),
  ];
  const body = loop(o, rows, 1, [
    ...get(dst), ...get(o), ...get(n), ...mul, ...i32(4), ...mul, ...add, ...set(out),
    ...get(src), ...get(first), ...get(o), ...i32(4), ...mul, ...add, ...load, ...get(stride), ...mul, ...add, ...set(base),
    ...get(weights), ...get(o), ...get(ksize), ...mul, ...i32(4), ...mul, ...add, ...set(wp),
    ...splatWeights(wp, k, w),
    ...loop(i, n, 16, [
      ...Array.from({ length: k }, (_, t) => tap(t)).flat(),
      ...[0, 1, 2, 3].flatMap((j) => [...get(out), ...get(i), ...i32(4), ...mul, ...add, ...get(acc(j)), ...simd(0x0b, 0, ...u32(j * 16))]),
    ]),
  ]);
  return { params: ints(8), locals: [...ints(5), ...new Array<number>(k + 7).fill(V128)], body };
}

/**
 * hpass(dst, src, stride, rows, first, count, weights, ksize, n, flip): for each source row y and output pixel
 * d (mirrored when flip), the RGB of dst[y][d] = sum_t weights[o * ksize + t] * src[y][first[o] + t] on RGB
 * pixels (12 bytes). Each pixel is summed as a 4-lane vector and stored 16 bytes wide, so the 4th lane spills
 * into the next pixel, which is written after it.
 */
function hpass(): Func {
  const [dst, src, stride, rows, first, count, weights, ksize, n, flip] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const [y, d, o, t, cnt, p, wp, acc, out, row] = [10, 11, 12, 13, 14, 15, 16, 17, 18, 19];
  const body = [
    ...get(dst), ...set(out),
    ...loop(y, rows, 1, [
      ...get(src), ...get(y), ...get(stride), ...mul, ...add, ...set(row),
      ...loop(d, n, 1, [
        ...get(n), ...i32(1), ...sub, ...get(d), ...sub,
        ...get(d), ...get(flip), ...select, ...set(o),
        ...get(count), ...get(o), ...i32(4), ...mul, ...add, ...load, ...set(cnt),
        ...get(row), ...get(first), ...get(o), ...i32(4), ...mul, ...add, ...load, ...i32(12), ...mul, ...add, ...set(p),
        ...get(weights), ...get(o), ...get(ksize), ...mul, ...i32(4), ...mul, ...add, ...set(wp),
        ...vzero, ...set(acc),
        ...loop(t, cnt, 1, [
          ...get(acc), ...get(p), ...vload, ...get(wp), ...vsplat32, ...fmul, ...fadd, ...set(acc),
          ...get(p), ...i32(12), ...add, ...set(p),
          ...get(wp), ...i32(4), ...add, ...set(wp),
        ]),
        ...get(out), ...get(acc), ...vstore,
        ...get(out), ...i32(12), ...add, ...set(out),
      ]),
    ]),
  ];
  return { params: ints(10), locals: [I32, I32, I32, I32, I32, I32, I32, V128, I32, I32], body };
}

/** Tap counts up to this get a horizontal resampling pass with the taps unrolled. */
export const UNROLLED_TAPS = 12;

/**
 * hpassK<k>(dst, src, stride, rows, first, weights, ksize, n, flip): `hpass` with exactly k taps per output
 * pixel, unrolled, and run down one output column at a time: a column's k weights are splatted once for all its
 * rows and its first input is looked up once, so each pixel costs k loads, multiplies and adds and two pointer
 * steps (row by row it also paid the flip, the lookups and the splats per pixel: 16% more time for random resized
 * crops). Outputs with fewer taps carry zero weights, and every first[o] + k must stay within the row (see
 * resample). The terms are summed from zero in the same order as `hpass`, so the results are the same bit for bit.
 */
function hpassK(k: number): Func {
  const [dst, src, stride, rows, first, weights, ksize, n, flip] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [y, d, o, p, wp, q, rowBytes] = [9, 10, 11, 12, 13, 14, 15];
  const w = (t: number): number => 16 + t;
  const acc = 16 + k;
  const taps: number[] = [...vzero];
  for (let t = 0; t < k; t++) taps.push(...get(p), ...simd(0x00, 0, ...u32(t * 12)), ...get(w(t)), ...fmul, ...fadd);
  /** Down one output column: every row's pixel d, stored by `store` (which takes the sum from local acc). */
  const column = (store: number[]): number[] => loop(y, rows, 1, [
    ...taps, ...set(acc),
    ...store,
    ...get(p), ...get(stride), ...add, ...set(p),
    ...get(q), ...get(rowBytes), ...add, ...set(q),
  ]);
  const body = [
    ...get(n), ...i32(12), ...mul, ...set(rowBytes),
    ...loop(d, n, 1, [
      ...get(n), ...i32(1), ...sub, ...get(d), ...sub,
      ...get(d), ...get(flip), ...select, ...set(o),
      ...get(src), ...get(first), ...get(o), ...i32(4), ...mul, ...add, ...load, ...i32(12), ...mul, ...add, ...set(p),
      ...get(weights), ...get(o), ...get(ksize), ...mul, ...i32(4), ...mul, ...add, ...set(wp),
      ...splatWeights(wp, k, w),
      ...get(dst), ...get(d), ...i32(12), ...mul, ...add, ...set(q),
      // A 16-byte store spills its 4th lane into the next pixel of the row, which a later column overwrites; the
      // last column would spill into the next row's first pixel, already written, so it stores 8 + 4 bytes.
      ...get(d), ...get(n), ...i32(1), ...sub, 0x46,
      0x04, 0x40,
      ...column([...get(q), ...get(acc), ...simd(0x5b, 0, 0, 0), ...get(q), ...get(acc), ...simd(0x5a, 0, 8, 2)]),
      0x05,
      ...column([...get(q), ...get(acc), ...vstore]),
      0x0b,
    ]),
  ];
  return { params: ints(9), locals: [...ints(7), ...new Array<number>(k + 1).fill(V128)], body };
}

/**
 * sym(dst, dstStride, src, srcStride, step, n, rows, weights, r): a symmetric 1-D filter over padded input.
 * For each row y and float i < n: dst[y][i] = w0 * s[i] + sum_{t=1..r} w_t * (s[i - t step] + s[i + t step]),
 * s = src + y * srcStride. With step = 12 bytes it blurs along a row of RGB pixels; with step = a row's
 * stride it blurs down the columns. The input must hold r padding pixels (or rows) on both sides.
 */
function sym(): Func {
  const [dst, dstStride, src, srcStride, step, n, rows, weights, r] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [y, o, end, sp, t, off, wp, acc, w0] = [9, 10, 11, 12, 13, 14, 15, 16, 17];
  const body = [
    ...get(weights), ...vsplat32, ...set(w0),
    ...loop(y, rows, 1, [
      ...get(dst), ...get(y), ...get(dstStride), ...mul, ...add, ...tee(o),
      ...get(n), ...i32(4), ...mul, ...add, ...set(end),
      ...get(src), ...get(y), ...get(srcStride), ...mul, ...add, ...set(sp),
      0x02, 0x40, 0x03, 0x40,
      ...get(o), ...get(end), ...geU, 0x0d, 1,
      ...get(sp), ...vload, ...get(w0), ...fmul, ...set(acc),
      ...get(step), ...set(off),
      ...get(weights), ...i32(4), ...add, ...set(wp),
      ...i32(1), ...set(t),
      0x02, 0x40, 0x03, 0x40,
      ...get(t), ...get(r), 0x4a, 0x0d, 1,
      ...get(acc),
      ...get(sp), ...get(off), ...sub, ...vload,
      ...get(sp), ...get(off), ...add, ...vload,
      ...fadd, ...get(wp), ...vsplat32, ...fmul, ...fadd, ...set(acc),
      ...get(off), ...get(step), ...add, ...set(off),
      ...get(wp), ...i32(4), ...add, ...set(wp),
      ...get(t), ...i32(1), ...add, ...set(t),
      0x0c, 0,
      0x0b, 0x0b,
      ...get(o), ...get(acc), ...vstore,
      ...get(o), ...i32(16), ...add, ...set(o),
      ...get(sp), ...i32(16), ...add, ...set(sp),
      0x0c, 0,
      0x0b, 0x0b,
    ]),
  ];
  return { params: ints(9), locals: [I32, I32, I32, I32, I32, I32, I32, V128, V128], body };
}

/** Radii up to this get a blur pass with the taps unrolled and the weights in registers. */
export const UNROLLED_RADIUS = 12;

/**
 * blurH<r>(dst, dstStride, src, srcStride, n, rows, weights): `sym` along rows (step 12 bytes) for one radius,
 * unrolled: every tap is two loads at constant offsets from one moving pointer.
 */
function blurH(r: number): Func {
  const [dst, dstStride, src, srcStride, n, rows, weights] = [0, 1, 2, 3, 4, 5, 6];
  const [y, o, end, sp] = [7, 8, 9, 10];
  const w = (t: number): number => 11 + t;
  const at = (offset: number): number[] => [...get(sp), ...simd(0x00, 0, ...u32(offset))];
  const taps: number[] = [...at(r * 12), ...get(w(0)), ...fmul];
  for (let t = 1; t <= r; t++) taps.push(...at((r - t) * 12), ...at((r + t) * 12), ...fadd, ...get(w(t)), ...fmul, ...fadd);
  const body = [
    ...splatWeights(weights, r + 1, w),
    ...loop(y, rows, 1, [
      ...get(dst), ...get(y), ...get(dstStride), ...mul, ...add, ...tee(o),
      ...get(n), ...i32(4), ...mul, ...add, ...set(end),
      ...get(src), ...get(y), ...get(srcStride), ...mul, ...add, ...i32(r * 12), ...sub, ...set(sp),
      0x02, 0x40, 0x03, 0x40,
      ...get(o), ...get(end), ...geU, 0x0d, 1,
      ...get(o), ...taps, ...vstore,
      ...get(o), ...i32(16), ...add, ...set(o),
      ...get(sp), ...i32(16), ...add, ...set(sp),
      0x0c, 0,
      0x0b, 0x0b,
    ]),
  ];
  return { params: ints(7), locals: [I32, I32, I32, I32, ...new Array<number>(r + 1).fill(V128)], body };
}

/**
 * blurColumns(dst, dstStride, src, n, rows, weights) for one radius r and one source row stride (bytes): `sym`
 * down the columns, unrolled. Output row y reads input rows y .. y + 2r (the input has r padding rows on top) at
 * constant offsets from one moving pointer: with the stride built in, every tap is one load, where a runtime
 * stride costs an address computation per tap (and, past eight taps, more live pointers than registers).
 */
function blurColumns(r: number, stride: number): Func {
  const [dst, dstStride, src, n, rows, weights] = [0, 1, 2, 3, 4, 5];
  const [y, o, end, q] = [6, 7, 8, 9];
  const w = (t: number): number => 10 + t;
  const at = (k: number): number[] => [...get(q), ...simd(0x00, 0, ...u32(k * stride))];
  const taps: number[] = [...at(r), ...get(w(0)), ...fmul];
  for (let t = 1; t <= r; t++) taps.push(...at(r - t), ...at(r + t), ...fadd, ...get(w(t)), ...fmul, ...fadd);
  const body = [
    ...splatWeights(weights, r + 1, w),
    ...loop(y, rows, 1, [
      ...get(dst), ...get(y), ...get(dstStride), ...mul, ...add, ...tee(o),
      ...get(n), ...i32(4), ...mul, ...add, ...set(end),
      ...get(src), ...get(y), ...i32(stride), ...mul, ...add, ...set(q),
      0x02, 0x40, 0x03, 0x40,
      ...get(o), ...get(end), ...geU, 0x0d, 1,
      ...get(o), ...taps, ...vstore,
      ...get(o), ...i32(16), ...add, ...set(o),
      ...get(q), ...i32(16), ...add, ...set(q),
      0x0c, 0,
      0x0b, 0x0b,
    ]),
  ];
  return { params: ints(6), locals: [I32, I32, I32, I32, ...new Array<number>(r + 1).fill(V128)], body };
}

const vand = simd(0x4e);
const bitselect = simd(0x52);
const fsplat = simd(0x13);
const shuffle = (lanes: number[]): number[] => simd(0x0d, ...lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]));
const f32x4 = (a: number, b: number, c: number, d: number): number[] =>
  simd(0x0c, ...new Uint8Array(new Float32Array([a, b, c, d]).buffer));
const rgbMask = simd(0x0c, ...new Array<number>(12).fill(0xff), 0, 0, 0, 0);

/** channelSums(ptr, pixels, out): per-channel sums of RGB pixels as 4 floats at out (4th lane 0). */
function channelSums(): Func {
  const [ptr, pixels, out, i, acc] = [0, 1, 2, 3, 4];
  return {
    params: [I32, I32, I32],
    locals: [I32, V128],
    body: [
      ...vzero, ...set(acc),
      ...loop(i, pixels, 1, [
        ...get(acc), ...get(ptr), ...get(i), ...i32(12), ...mul, ...add, ...vload, ...rgbMask, ...vand, ...fadd, ...set(acc),
      ]),
      ...get(out), ...get(acc), ...vstore,
    ],
  };
}

/** The ops a colour program is made of. */
export const COLOUR_OPS = { affine: 0, saturation: 1, hue: 2 } as const;

/**
 * colour<ops>(ptr, pixels, sums, a0, b0, a1, b1, ...): run one fixed sequence of colour ops over RGB pixels in one
 * pass, four pixels at a time deinterleaved into R, G, B vectors (so the jitter's ops cost one load and store, not
 * one each). Each sequence is its own function with the ops inlined and their factors splatted once: one function
 * reading the ops from memory paid loads, splats and two branches per op per four pixels, and was 12% slower on a
 * four-op jitter with the same output bytes. Ops, torchvision's float formulas:
 * - affine(a, b): x = clamp(a x + b, 0, 1) per channel (brightness: b = 0; contrast: b = (1 - a) mean);
 * - saturation(a, b = 1 - a): x = clamp(a x + b luma, 0, 1) (a = 0 is grayscale);
 * - hue(a = 6 shift): HSV rotation; channel n (R 5, G 3, B 1) = v - c clamp(min(k, 4 - k), 0, 1) with
 *   k = (n + 6h) mod 6 and c = v - min: the p, q, t of `_hsv2rgb` without per-sector selects.
 * With `sums`, the per-channel sums of the result are left as three 4-lane vectors at the `sums` address.
 */
function colourProgramFunc(ops: readonly number[], sums: boolean): Func {
  const [ptr, pixels, out] = [0, 1, 2];
  const a = (step: number): number => 3 + 2 * step;
  const params = [I32, I32, I32, ...ops.flatMap(() => [F32, F32])];
  let next = params.length;
  const [i, q] = [next++, next++];
  const [v0, v1, v2, R, G, B, mx, c, h6, isR, isG, g, sR, sG, sB, mask] = Array.from({ length: 16 }, () => next++);
  const factors = ops.map(() => [next++, next++]);
  const x = (n: number): number[] => get(n);
  const splat = (v: number): number[] => f32x4(v, v, v, v);
  // f32x4.min / max must propagate NaN and order -0 < +0, which V8 lowers to about eight instructions each;
  // pmin(a, b) = b < a ? b : a and pmax(a, b) = a < b ? b : a are one minps / maxps. There are no NaNs here;
  // with the constant first, pmax(0, x) and pmin(1, x) equal max(x, 0) and min(x, 1) bit for bit, and between
  // two pixel values they could differ only in the sign of a zero.
  const pmin = simd(0xea);
  const pmax = simd(0xeb);
  const clamp01 = (value: number[]): number[] => [...splat(1), ...splat(0), ...value, ...pmax, ...pmin];
  const fsub = simd(0xe5);
  const fdiv = simd(0xe7);
  const feq = simd(0x41);
  const floor = simd(0x68);
  // Every shuffle takes its two low lanes from the first operand and its two high lanes from the second, the
  // form V8 emits as one shufps (other lane patterns become two pshufb, an or and two constant loads).
  const shuf = (p: number[], r: number[], lanes: number[]): number[] => [...p, ...r, ...shuffle(lanes)];
  const rows = (p: number[], r: number[]): number[] => shuf(p, r, [0, 2, 4, 6]);
  // bitselect(p, r, m) = m ? p : r
  const choose = (p: number[], r: number[], m: number[]): number[] => [...p, ...r, ...m, ...bitselect];
  const each = (f: (ch: number) => number[]): number[] => [...f(R), ...set(R), ...f(G), ...set(G), ...f(B), ...set(B)];
  const affineOp = (va: number, vb: number): number[] =>
    each((ch) => clamp01([...x(ch), ...x(va), ...fmul, ...x(vb), ...fadd]));
  const saturationOp = (va: number, vb: number): number[] => [
    ...x(R), ...splat(LUMA_R), ...fmul, ...x(G), ...splat(LUMA_G), ...fmul, ...fadd, ...x(B), ...splat(LUMA_B), ...fmul, ...fadd,
    ...x(vb), ...fmul, ...set(g),
    ...each((ch) => clamp01([...x(ch), ...x(va), ...fmul, ...x(g), ...fadd])),
  ];
  const channel = (n: number): number[] => [
    ...x(mx), ...x(c),
    // k = (n + 6h) mod 6 = y - 6 floor(y / 6)
    ...splat(n), ...x(h6), ...fadd, ...set(v0),
    ...x(v0), ...x(v0), ...splat(1 / 6), ...fmul, ...floor, ...splat(6), ...fmul, ...fsub, ...set(v0),
    ...clamp01([...x(v0), ...splat(4), ...x(v0), ...fsub, ...pmin]),
    ...fmul, ...fsub,
  ];
  const hueOp = (va: number): number[] => [
    ...x(R), ...x(G), ...pmax, ...x(B), ...pmax, ...set(mx),
    ...x(mx), ...x(R), ...x(G), ...pmin, ...x(B), ...pmin, ...fsub, ...set(c),
    ...x(mx), ...x(R), ...feq, ...set(isR),
    ...x(mx), ...x(G), ...feq, ...set(isG),
    // 6h = (max == r) ? (g - b) / c : (max == g) ? 2 + (b - r) / c : 4 + (r - g) / c, plus 6 shift; gray
    // pixels (c = 0) divide 0 by a tiny number and come out as v - 0 = v, unchanged.
    ...choose(splat(0), choose(splat(2), splat(4), x(isG)), x(isR)),
    ...choose([...x(G), ...x(B), ...fsub], choose([...x(B), ...x(R), ...fsub], [...x(R), ...x(G), ...fsub], x(isG)), x(isR)),
    ...splat(1e-30), ...x(c), ...pmax, ...fdiv, ...fadd, ...x(va), ...fadd, ...set(h6),
    ...channel(5), ...channel(3), ...channel(1),
    ...set(B), ...set(G), ...set(R),
  ];
  const op = (code: number, [va, vb]: number[]): number[] =>
    code === COLOUR_OPS.affine ? affineOp(va, vb) : code === COLOUR_OPS.saturation ? saturationOp(va, vb) : hueOp(va);
  const sum = (acc: number, ch: number): number[] => [...x(acc), ...x(ch), ...x(mask), ...vand, ...fadd, ...set(acc)];
  const steps = ops.flatMap((code, step) => op(code, factors[step]));
  return {
    params,
    locals: [...ints(2), ...new Array<number>(next - params.length - 2).fill(V128)],
    body: [
      ...factors.flatMap(([va, vb], step) => [...get(a(step)), ...fsplat, ...set(va), ...get(a(step) + 1), ...fsplat, ...set(vb)]),
      ...vzero, ...set(sR), ...vzero, ...set(sG), ...vzero, ...set(sB),
      ...loop(i, pixels, 4, [
        ...get(ptr), ...get(i), ...i32(12), ...mul, ...add, ...set(q),
        ...get(q), ...simd(0x00, 0, 0), ...set(v0),
        ...get(q), ...simd(0x00, 0, 16), ...set(v1),
        ...get(q), ...simd(0x00, 0, 32), ...set(v2),
        ...shuf(x(v0), shuf(x(v1), x(v2), [2, 2, 5, 5]), [0, 3, 5, 6]), ...set(R),
        ...rows(shuf(x(v0), x(v1), [1, 1, 4, 4]), shuf(x(v1), x(v2), [3, 3, 6, 6])), ...set(G),
        ...shuf(shuf(x(v0), x(v1), [2, 2, 5, 5]), x(v2), [0, 2, 4, 7]), ...set(B),
        ...steps,
        ...(sums ? [
          // lanes past the last pixel hold slack, not pixels: mask them out of the sums
          ...get(i), ...simd(0x11), ...simd(0x0c, ...new Uint8Array(new Int32Array([0, 1, 2, 3]).buffer)), ...simd(0xae),
          ...get(pixels), ...simd(0x11), ...simd(0x39), ...set(mask),
          ...sum(sR, R), ...sum(sG, G), ...sum(sB, B),
        ] : []),
        // interleave back: (R0 G0 B0 R1) (G1 B1 R2 G2) (B2 R3 G3 B3)
        ...get(q), ...rows(shuf(x(R), x(G), [0, 0, 4, 4]), shuf(x(B), x(R), [0, 0, 5, 5])), ...simd(0x0b, 0, 0),
        ...get(q), ...rows(shuf(x(G), x(B), [1, 1, 5, 5]), shuf(x(R), x(G), [2, 2, 6, 6])), ...simd(0x0b, 0, 16),
        ...get(q), ...rows(shuf(x(B), x(R), [2, 2, 7, 7]), shuf(x(G), x(B), [3, 3, 7, 7])), ...simd(0x0b, 0, 32),
      ]),
      ...(sums ? [
        ...get(out), ...x(sR), ...simd(0x0b, 0, 0),
        ...get(out), ...x(sG), ...simd(0x0b, 0, 16),
        ...get(out), ...x(sB), ...simd(0x0b, 0, 32),
      ] : []),
    ],
  };
}

/** toBytes(dst, src, n): dst[i] = trunc(src[i] * 255 + 0.5) saturated to 0..255, 16 at a time (signed truncation:
 * x64 has no unsigned one, and the saturating narrows clip both ends anyway). */
function toBytes(): Func {
  const [dst, src, n, i, q] = [0, 1, 2, 3, 4];
  const word = (k: number): number[] => [...get(q), ...simd(0x00, 0, k * 16), ...f32x4(255, 255, 255, 255), ...fmul,
    ...f32x4(0.5, 0.5, 0.5, 0.5), ...fadd, ...simd(0xf8)];
  return {
    params: [I32, I32, I32],
    locals: [I32, I32],
    body: loop(i, n, 16, [
      ...get(src), ...get(i), ...i32(4), ...mul, ...add, ...set(q),
      ...get(dst), ...get(i), ...add,
      ...word(0), ...word(1), ...simd(0x86), ...word(2), ...word(3), ...simd(0x86), ...simd(0x66),
      ...vstore,
    ]),
  };
}

interface Named extends Func {
  name: string;
}

/** A module of `funcs`, all exported by name; its memory is its own (exported as "memory") or imported as "k"."memory". */
function encode(funcs: Named[], memoryImported: boolean): Uint8Array {
  const section = (id: number, bytes: number[]): number[] => [id, ...u32(bytes.length), ...bytes];
  const vec = (items: number[][]): number[] => [...u32(items.length), ...items.flat()];
  const name = (s: string): number[] => [...u32(s.length), ...[...s].map((c) => c.charCodeAt(0))];
  const types = vec(funcs.map((f) => [0x60, ...u32(f.params.length), ...f.params, 0]));
  const functions = vec(funcs.map((_, i) => u32(i)));
  const limits = [0x00, 1];
  const exported = funcs.map((f, i) => [...name(f.name), 0x00, ...u32(i)]);
  const code = vec(funcs.map((f) => {
    const locals = vec(f.locals.map((type) => [1, type]));
    const body = [...locals, ...f.body, 0x0b];
    return [...u32(body.length), ...body];
  }));
  const memory = memoryImported
    ? section(2, vec([[...name('k'), ...name('memory'), 0x02, ...limits]]))
    : [];
  const own = memoryImported ? [] : section(5, vec([limits]));
  const exports = vec(memoryImported ? exported : [...exported, [...name('memory'), 0x02, 0]]);
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, types), ...memory, ...section(3, functions), ...own, ...section(7, exports), ...section(10, code),
  ]);
}

function assemble(): Uint8Array {
  return encode([
    { name: 'vpassU8', ...vpass() }, { name: 'hpass', ...hpass() },
    ...Array.from({ length: UNROLLED_TAPS }, (_, k) => ({ name: `hpass${k + 1}`, ...hpassK(k + 1) })),
    ...Array.from({ length: UNROLLED_TAPS }, (_, k) => ({ name: `vpass${k + 1}`, ...vpassK(k + 1) })),
    { name: 'channelSums', ...channelSums() }, { name: 'toBytes', ...toBytes() },
    { name: 'sym', ...sym() },
    ...Array.from({ length: UNROLLED_RADIUS }, (_, k) => ({ name: `blurH${k + 1}`, ...blurH(k + 1) })),
  ], false);
}

/** The slice of the WebAssembly API used here (this project's TypeScript lib settings do not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports?: object) => { exports: object };
}

/** A WebAssembly.Memory. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

interface Exports {
  memory: WasmMemory;
  vpassU8(dst: number, src: number, stride: number, n: number, first: number, count: number, weights: number, ksize: number, rows: number): void;
  hpass(dst: number, src: number, stride: number, rows: number, first: number, count: number, weights: number, ksize: number, n: number, flip: number): void;
  [unrolledH: `hpass${number}`]: (dst: number, src: number, stride: number, rows: number, first: number, weights: number, ksize: number, n: number, flip: number) => void;
  [unrolledV: `vpass${number}`]: (dst: number, src: number, stride: number, n: number, first: number, weights: number, ksize: number, rows: number) => void;
  channelSums(ptr: number, pixels: number, out: number): void;
  toBytes(dst: number, src: number, n: number): void;
  sym(dst: number, dstStride: number, src: number, srcStride: number, step: number, n: number, rows: number, weights: number, r: number): void;
  [unrolled: `blurH${number}`]: (dst: number, dstStride: number, src: number, srcStride: number, n: number, rows: number, weights: number) => void;
}

const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** The instantiated kernels (one instance, and so one memory, per thread). */
export const kernels = new wasm.Instance(new wasm.Module(assemble())).exports as Exports;

/** blurColumns(dst, dstStride, src, n, rows, weights) for one radius and one source row stride. */
export type ColumnBlur = (dst: number, dstStride: number, src: number, n: number, rows: number, weights: number) => void;

const columnBlurs = new Map<string, ColumnBlur>();
/** Distinct (radius, stride) pairs kept compiled; a pipeline has one view size, so a handful are in use at a time. */
const COLUMN_BLURS_KEPT = 64;

/** The column blur for radius `r` (1..UNROLLED_RADIUS) over rows `stride` bytes apart, compiled on first use. */
export function columnBlur(r: number, stride: number): ColumnBlur {
  const key = `${r}:${stride}`;
  let blur = columnBlurs.get(key);
  if (blur === undefined) {
    const module = new wasm.Module(encode([{ name: 'blur', ...blurColumns(r, stride) }], true));
    blur = (new wasm.Instance(module, { k: { memory: kernels.memory } }).exports as { blur: ColumnBlur }).blur;
    if (columnBlurs.size >= COLUMN_BLURS_KEPT) columnBlurs.delete(columnBlurs.keys().next().value as string);
    columnBlurs.set(key, blur);
  }
  return blur;
}

/** colour<ops>(ptr, pixels, sums, a0, b0, a1, b1, ...) for one sequence of colour ops. */
export type ColourProgram = (ptr: number, pixels: number, sums: number, ...factors: number[]) => void;

const colourPrograms = new Map<string, ColourProgram>();

/**
 * The colour kernel for `ops` (COLOUR_OPS codes), summing the result when `sums`, compiled on first use. The
 * jitter makes at most a few hundred distinct sequences (orders of up to four ops, split at contrast), so all
 * are kept.
 */
export function colourProgram(ops: readonly number[], sums: boolean): ColourProgram {
  const key = `${ops.join('')}${sums ? '+' : ''}`;
  let program = colourPrograms.get(key);
  if (program === undefined) {
    const module = new wasm.Module(encode([{ name: 'colour', ...colourProgramFunc(ops, sums) }], true));
    program = (new wasm.Instance(module, { k: { memory: kernels.memory } }).exports as { colour: ColourProgram }).colour;
    colourPrograms.set(key, program);
  }
  return program;
}
