// Counter-based randomness: every draw is a hash of (seed, epoch, stream tag, ..., counter), so a draw
// never depends on how many other draws happened before it or in which order (resume, workers).

/** Stream tags keep the shard-order, sample-shuffle and resampling draws independent. */
export const STREAM = { shardOrder: 1, sampleShuffle: 2, resample: 3 } as const;

function mix(h: number, value: number): number {
  // murmur3 body step applied to the low and high 32-bit words of a safe integer
  const words = [value >>> 0, Math.floor(value / 4294967296) >>> 0];
  for (let k of words) {
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  return h;
}

function finalize(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Uniform float in [0, 1) with 53 random bits, a pure function of the integer key. */
export function uniform(key: readonly number[]): number {
  let a = 0x9747b28c;
  let b = 0x2545f491;
  for (const value of key) {
    a = mix(a, value);
    b = mix(b, value ^ 0x5bd1e995);
  }
  return ((finalize(a) >>> 5) * 67108864 + (finalize(b ^ a) >>> 6)) / 9007199254740992;
}

/** Uniform integer in [0, n), a pure function of the key. */
export function uniformInt(n: number, key: readonly number[]): number {
  return Math.floor(uniform(key) * n);
}

/** Fisher-Yates permutation of 0..n-1 whose i-th swap is drawn from (key..., i). */
export function permutation(n: number, key: readonly number[]): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = uniformInt(i + 1, [...key, i]);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}
