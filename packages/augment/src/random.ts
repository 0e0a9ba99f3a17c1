// Counter-free, order-independent randomness: each (seed, epoch, key, view) gets its own sfc32 stream,
// so the draws for one view never depend on which thread ran it or which views ran before it.

const encoder = new TextEncoder();

/** murmur3's 32-bit finaliser: a full-avalanche mix of one word. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** murmur3 x86_32 over a sequence of 32-bit words, seeded; two seeds give two independent 32-bit lanes. */
function murmur(words: Uint32Array, seed: number): number {
  let h = seed >>> 0;
  for (let i = 0; i < words.length; i++) {
    let k = Math.imul(words[i], 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  return fmix32(h ^ (words.length * 4));
}

/** A seeded sfc32 generator with the distributions the transforms need. */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** Seed the four state words; 12 warm-up rounds as sfc32 recommends. */
  constructor(a: number, b: number, c: number, d: number) {
    this.a = a | 0; this.b = b | 0; this.c = c | 0; this.d = d | 1;
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** Next raw 32-bit output. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  next(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform double in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Uniform integer in [0, n), n >= 1. */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** True with probability p. */
  bernoulli(p: number): boolean {
    return this.next() < p;
  }

  /** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
  permutation(n: number): number[] {
    const out = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = out[i]; out[i] = out[j]; out[j] = t;
    }
    return out;
  }
}

/** The generator for one view: a hash of (seed, epoch, key, view), so any thread and any order give the same draws. */
export function viewRandom(seed: number, epoch: number, key: string, view: number): Random {
  const keyBytes = encoder.encode(key);
  const words = new Uint32Array(6 + Math.ceil(keyBytes.length / 4));
  words[0] = seed >>> 0;
  words[1] = Math.floor(seed / 4294967296) >>> 0;
  words[2] = epoch >>> 0;
  words[3] = Math.floor(epoch / 4294967296) >>> 0;
  words[4] = view >>> 0;
  words[5] = keyBytes.length;
  for (let i = 0; i < keyBytes.length; i++) words[6 + (i >> 2)] |= keyBytes[i] << ((i & 3) * 8);
  return new Random(murmur(words, 0x9e3779b9), murmur(words, 0x7f4a7c15), murmur(words, 0x85ebca77), murmur(words, 0xc2b2ae3d));
}
