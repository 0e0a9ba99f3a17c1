// Scratch memory inside the WebAssembly instance: the decoded source (copied in once per image) and the
// per-view buffers and tap tables after it. Synchronous use only: a view is rendered, processed and written
// before the next one starts, so the arena is simply reset per view.

import type { DecodedImage, ViewImage } from './image.js';
import { kernels } from './wasm-kernels.js';

/** Tap tables of a separable pass: first input index, tap count and weights (ksize slots) per output. */
export interface Taps {
  first: Int32Array;
  count: Int32Array;
  weights: Float64Array;
  ksize: number;
}

const align = (n: number): number => (n + 15) & ~15;

/** A source a decoder wrote into the arena (see `Arena.place`); it takes its bytes along if another source evicts it. */
class PlacedSource implements DecodedImage {
  private own: Uint8Array | undefined;
  constructor(readonly ptr: number, readonly width: number, readonly height: number) {}

  get data(): Uint8Array {
    return this.own ?? arena.u8(this.ptr, this.width * this.height * 3);
  }

  evict(): void {
    this.own ??= this.data.slice();
  }
}

class Arena {
  private source: DecodedImage | undefined;
  private mark = 0;
  private top = 0;

  /** Copy `source` to the start of memory unless it is already there; free every per-view buffer. Returns its address. */
  begin(source: DecodedImage): number {
    if (this.source !== source) {
      // A placed source still in use (a pipeline that resizes twice renders from an intermediate image between
      // views) must keep its bytes; the copy is rare, the common case places one source per image.
      if (this.source instanceof PlacedSource) this.source.evict();
      this.source = undefined;
      this.top = 0;
      const ptr = this.alloc(source.data.length);
      new Uint8Array(kernels.memory.buffer, ptr, source.data.length).set(source.data);
      this.source = source;
      this.mark = this.top;
    }
    this.top = this.mark;
    return 0;
  }

  /**
   * Make room for a `width` x `height` RGB source at the start of memory and return it, for a decoder to write
   * into (`data`) instead of decoding into a buffer of its own that `begin` would then copy: the next `begin`
   * with it finds it in place. The previous placed source is overwritten: callers render one image completely,
   * synchronously, before placing the next.
   */
  place(width: number, height: number): DecodedImage {
    this.source = undefined;
    this.top = 0;
    const source = new PlacedSource(this.alloc(width * height * 3), width, height);
    this.source = source;
    this.mark = this.top;
    return source;
  }

  /** Reserve `bytes` (16-aligned, with 48 bytes of slack: the kernels run over the end by up to three vectors). */
  alloc(bytes: number): number {
    const ptr = this.top;
    this.top = align(ptr + bytes + 48);
    const have = kernels.memory.buffer.byteLength;
    if (this.top > have) kernels.memory.grow(Math.ceil((this.top - have) / 65536));
    return ptr;
  }

  /** Current top, to hand back to `release` when a temporary buffer is done. */
  save(): number {
    return this.top;
  }

  /** Free everything allocated since `save()` returned `mark`. */
  release(mark: number): void {
    this.top = mark;
  }

  /** A float view of arena memory (re-create after any alloc: growing detaches old views). */
  f32(ptr: number, length: number): Float32Array {
    return new Float32Array(kernels.memory.buffer, ptr, length);
  }

  /** An int32 view of arena memory (same caveat as f32). */
  i32(ptr: number, length: number): Int32Array {
    return new Int32Array(kernels.memory.buffer, ptr, length);
  }

  /** A byte view of arena memory (same caveat as f32). */
  u8(ptr: number, length: number): Uint8Array {
    return new Uint8Array(kernels.memory.buffer, ptr, length);
  }

  /** Upload tap tables, weights multiplied by `scale`; returns their addresses. */
  taps(taps: Taps, scale: number): { first: number; count: number; weights: number } {
    const n = taps.first.length;
    const first = this.alloc(n * 4);
    const count = this.alloc(n * 4);
    const weights = this.alloc(taps.weights.length * 4);
    const buffer = kernels.memory.buffer;
    new Int32Array(buffer, first, n).set(taps.first);
    new Int32Array(buffer, count, n).set(taps.count);
    const w = new Float32Array(buffer, weights, taps.weights.length);
    for (let i = 0; i < w.length; i++) w[i] = taps.weights[i] * scale;
    return { first, count, weights };
  }
}

/** The thread's arena. */
export const arena = new Arena();

/** A view living in arena memory; `data` is re-created on access so it survives memory growth. */
export class ArenaImage implements ViewImage {
  constructor(readonly ptr: number, readonly width: number, readonly height: number) {}

  get data(): Float32Array {
    return arena.f32(this.ptr, this.width * this.height * 3);
  }
}

/** Run a kernel on `image` in arena memory: in place for arena views, else through a temporary copy. */
export function inArena(image: ViewImage, run: (ptr: number) => void): void {
  if (image instanceof ArenaImage) {
    run(image.ptr);
    return;
  }
  const length = image.width * image.height * 3;
  const mark = arena.save();
  const ptr = arena.alloc(length * 4);
  arena.f32(ptr, length).set(image.data);
  run(ptr);
  image.data.set(arena.f32(ptr, length));
  arena.release(mark);
}
