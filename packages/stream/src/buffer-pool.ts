// Batch memory: one SharedArrayBuffer per view, recycled once the consumer releases the batch.
//
// Shared memory is what lets the worker threads write each sample's views straight into its slot of
// the batch (zero copies, nothing to transfer back). A released set goes on a free list; a batch the
// consumer never releases is simply garbage-collected, so forgetting release() costs allocations, not leaks.

/** A batch's backing store: one buffer per view, each `capacity * sampleElements` elements. */
export type BufferSet = SharedArrayBuffer[];

export class BufferPool {
  readonly #free: BufferSet[] = [];
  /** Buffer sets created so far (each `views * bytes` bytes). */
  allocated = 0;
  /** Buffer sets handed out again after a release(). */
  reused = 0;

  constructor(
    readonly views: number,
    readonly bytes: number,
  ) {}

  acquire(): BufferSet {
    const set = this.#free.pop();
    if (set) {
      this.reused += 1;
      return set;
    }
    this.allocated += 1;
    return Array.from({ length: this.views }, () => new SharedArrayBuffer(this.bytes));
  }

  release(set: BufferSet): void {
    this.#free.push(set);
  }

  clear(): void {
    this.#free.length = 0;
  }
}
