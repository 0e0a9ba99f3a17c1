// Counter-based randomness: every draw is a pure function of (seed, stream key, counter), so
// a resumed run reproduces the same numbers without saving generator state, whatever the
// evaluation order.

/** 32-bit avalanche hash of a list of integers (murmur3 finaliser over a running mix). */
export function hash32(...values: number[]): number {
  let h = 0x9e3779b9;
  for (const v of values) {
    h = Math.imul(h ^ (v >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/**
 * A seed for a tfjs random initialiser: a pure function of (seed, key, counters), never 0. tfjs treats a
 * seed of 0 as "no seed" (`seed ? seed : Math.random()` in its truncated-normal sampler), which made
 * the first layer built with seed 0 differ from run to run.
 */
export function initializerSeed(seed: number, key: string, ...counters: number[]): number {
  return (hash32(seed, hashString(key), ...counters) % 2147483646) + 1;
}

/** Hash of a string key, so streams can be named ('queue', 'ghost-bn'). */
export function hashString(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A generator over the stream (seed, key, ...counters); draws are uniform in [0, 1). */
export class Rng {
  private readonly base: number;
  private counter = 0;

  constructor(seed: number, key: string, ...counters: number[]) {
    this.base = hash32(seed, hashString(key), ...counters);
  }

  /** Uniform float in [0, 1) with 32 bits of resolution. */
  next(): number {
    return hash32(this.base, this.counter++) / 4294967296;
  }

  /** Standard normal draw (Box-Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
