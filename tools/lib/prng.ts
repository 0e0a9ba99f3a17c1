// Counter-based PRNG for fixture generation: every stream is named by hashing its parts, so the bytes a
// fixture gets do not depend on the order in which fixtures are generated.

/** Avalanche a 32-bit integer (Chris Wellons' lowbias32). */
export function mix32(x: number): number {
  x = (x ^ (x >>> 16)) >>> 0;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x = (x ^ (x >>> 15)) >>> 0;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

/** 32-bit seed for the stream named by `parts` (FNV-1a over the parts, then avalanched). */
export function streamSeed(...parts: (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const ch of parts.join('\u0000')) {
    h = Math.imul(h ^ ch.codePointAt(0)!, 0x01000193) >>> 0;
  }
  return mix32(h);
}

/** Deterministic random stream: value i is a hash of (seed, i). */
export class Rng {
  private counter = 0;

  constructor(private readonly seed: number) {}

  /** Uniform 32-bit unsigned integer. */
  uint32(): number {
    this.counter = (this.counter + 1) >>> 0;
    return mix32((mix32(this.seed ^ 0x9e3779b9) + Math.imul(this.counter, 0x9e3779b9)) >>> 0);
  }

  /** Uniform float in [0, 1). */
  next(): number {
    return this.uint32() / 4294967296;
  }

  /** Uniform float in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Fisher-Yates shuffle in place; returns `items`. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }
}
