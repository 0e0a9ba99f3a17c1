// The sample shuffle buffer: fill to `initial`, then take one random sample per sample added while growing
// by one every second addition until `size`; every pick is a counter-based draw, so the buffer can be
// rebuilt exactly from its contents and counts (resume).
import { uniformInt } from './prng.js';
import type { Sample } from './sample.js';

/** A sample with its position: `shard` in this stream's shard order, `index` within the shard. */
export interface Tagged {
  sample: Sample;
  shard: number;
  index: number;
}

export class ShuffleBuffer {
  readonly items: Tagged[];
  private added: number;
  private taken: number;

  /** `size` 0 or 1 passes samples straight through; `key` seeds the draws. */
  constructor(
    private readonly size: number,
    private readonly initial: number,
    private readonly key: readonly number[],
    restored: { items: Tagged[]; taken: number } = { items: [], taken: 0 },
  ) {
    this.items = restored.items;
    this.taken = restored.taken;
    this.added = restored.taken + restored.items.length;
  }

  get length(): number {
    return this.items.length;
  }

  push(item: Tagged): void {
    this.items.push(item);
    this.added++;
  }

  /** Whether a sample should come out after the latest push. */
  ready(): boolean {
    const n = this.items.length;
    if (this.size <= 1) return n > 0;
    if (this.taken === 0) return n >= this.initial;
    return n >= this.size || this.added % 2 === 0;
  }

  /** Removes and returns a random sample (the buffer must not be empty). */
  take(): Tagged {
    const n = this.items.length;
    const k = this.size <= 1 ? 0 : uniformInt(n, [...this.key, this.taken]);
    this.taken++;
    const item = this.items[k];
    const last = this.items.pop() as Tagged;
    if (k < n - 1) this.items[k] = last;
    return item;
  }
}
