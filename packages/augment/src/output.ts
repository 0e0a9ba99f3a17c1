// Write a finished float view into the caller's buffer: uint8 or float32, HWC or CHW, RGB or luma.

import { arena, ArenaImage } from './arena.js';
import type { ViewImage } from './image.js';
import type { Normalization } from './plan.js';
import { kernels } from './wasm-kernels.js';

/** Output element type. */
export type DType = 'uint8' | 'float32';
/** Output memory layout: HWC (TensorFlow.js) or CHW (PyTorch). */
export type Layout = 'hwc' | 'chw';

// Exact-sum weights so a gray input comes back unchanged as one channel (Fashion-MNIST).
const Y_R = 0.299, Y_G = 0.587, Y_B = 0.114;

/** Per-channel offsets and scales: x -> (x - mean) * scale, or identity. */
function affine(normalization: Normalization | undefined, channels: number): { mean: number[]; scale: number[] } {
  const pick = (values: readonly number[], c: number): number => values[values.length === 1 ? 0 : c];
  const cs = Array.from({ length: channels }, (_, c) => c);
  return normalization
    ? { mean: cs.map((c) => pick(normalization.mean, c)), scale: cs.map((c) => 1 / pick(normalization.std, c)) }
    : { mean: cs.map(() => 0), scale: cs.map(() => 1) };
}

/** uint8 RGB in HWC order: the default and the hot path, done by the SIMD kernel. */
function bytesHwc(image: ViewImage, out: Uint8Array, offset: number): void {
  const length = image.width * image.height * 3;
  if (image instanceof ArenaImage) {
    const mark = arena.save();
    const dst = arena.alloc(length);
    kernels.toBytes(dst, image.ptr, length);
    out.set(arena.u8(dst, length), offset);
    arena.release(mark);
    return;
  }
  const d = image.data;
  for (let i = 0; i < length; i++) out[offset + i] = d[i] * 255 + 0.5;
}

/** uint8 as one luma plane, or as CHW planes. */
function bytesOther(image: ViewImage, out: Uint8Array, offset: number, channels: 1 | 3): void {
  const d = image.data;
  const pixels = image.width * image.height;
  if (channels === 1) {
    for (let p = 0, i = 0; p < pixels; p++, i += 3) out[offset + p] = (Y_R * d[i] + Y_G * d[i + 1] + Y_B * d[i + 2]) * 255 + 0.5;
    return;
  }
  for (let c = 0; c < 3; c++) {
    const base = offset + c * pixels;
    for (let p = 0; p < pixels; p++) out[base + p] = d[p * 3 + c] * 255 + 0.5;
  }
}

/** float32 in any layout, normalised when the pipeline ends in normalize. */
function floats(image: ViewImage, out: Float32Array, offset: number, layout: Layout, channels: 1 | 3,
  normalization: Normalization | undefined): void {
  const d = image.data;
  const pixels = image.width * image.height;
  const { mean, scale } = affine(normalization, channels);
  if (channels === 1) {
    const m = mean[0], s = scale[0];
    for (let p = 0, i = 0; p < pixels; p++, i += 3) out[offset + p] = (Y_R * d[i] + Y_G * d[i + 1] + Y_B * d[i + 2] - m) * s;
    return;
  }
  if (layout === 'hwc') {
    if (!normalization) {
      out.set(d, offset);
      return;
    }
    for (let i = 0; i < pixels * 3; i += 3) {
      out[offset + i] = (d[i] - mean[0]) * scale[0];
      out[offset + i + 1] = (d[i + 1] - mean[1]) * scale[1];
      out[offset + i + 2] = (d[i + 2] - mean[2]) * scale[2];
    }
    return;
  }
  for (let c = 0; c < 3; c++) {
    const base = offset + c * pixels;
    const m = mean[c], s = scale[c];
    for (let p = 0; p < pixels; p++) out[base + p] = (d[p * 3 + c] - m) * s;
  }
}

/** Write `image` into `out` from element `offset`; uint8 rounds x * 255, float32 keeps [0, 1] (or normalised values). */
export function writeView(image: ViewImage, out: Uint8Array | Float32Array, offset: number, layout: Layout,
  channels: 1 | 3, normalization: Normalization | undefined): void {
  if (out instanceof Float32Array) floats(image, out, offset, layout, channels, normalization);
  else if (layout === 'hwc' && channels === 3) bytesHwc(image, out, offset);
  else bytesOther(image, out, offset, channels);
}
