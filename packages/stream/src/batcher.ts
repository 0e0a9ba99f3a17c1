// Slots and batches: where each sample's views are written, and when a batch is complete.
//
// Every dispatched sample gets a slot in a physical batch buffer up front, so that its worker can write
// straight into shared memory. Failed samples leave holes; holes are closed in one of two ways:
// - ordered: samples are placed in dispatch (= shard reading) order; once a hole has appeared, each
//   later sample is copied one slot (or batch) down by the main thread. Batch contents then depend
//   only on the reading order, never on thread timing. Copies happen only after a skipped sample.
// - as-completed: a hole is handed to the next sample read, and a batch is emitted as soon as its B
//   slots hold finished samples, whatever the order; leftovers are compacted at the end of the epoch.
import type { BufferPool, BufferSet } from './buffer-pool.js';

/** One sample on its way through the pool. */
export interface SampleTask {
  key: string;
  url: string;
  label: number;
  readMs: number;
  decodeMs: number;
  augmentMs: number;
  state: 'pending' | 'done' | 'failed';
  batch: PhysicalBatch;
  slot: number;
}

/** A batch-sized buffer set and what its slots hold. */
export interface PhysicalBatch {
  set: BufferSet;
  keys: string[];
  labels: Int32Array;
  /** Per slot: read, decode and augment milliseconds of the sample it holds. */
  times: Float64Array;
  /** Slots handed out (fresh ones; as-completed also reuses holes). */
  assigned: number;
  /** Slots whose sample has been settled and accounted for by the batcher. */
  settled: number;
  /** Ordered: slots holding placed samples. As-completed: slots holding finished samples. */
  filled: number;
  /** As-completed: free slots left by failed samples. */
  holes: number[];
  /** As-completed: which slots hold a finished sample. */
  done: Uint8Array;
}

/** Where a full (or final, partial) batch goes. */
export type Emit = (batch: PhysicalBatch, size: number) => void;

export abstract class Batcher {
  /** Physical batches allocated and not yet emitted or released, oldest first. */
  protected open: PhysicalBatch[] = [];

  constructor(
    protected readonly capacity: number,
    protected readonly elements: number,
    protected readonly bytesPerElement: number,
    protected readonly pool: BufferPool,
    protected readonly emit: Emit,
  ) {}

  /** Picks the slot for the next sample read. */
  abstract assign(task: Omit<SampleTask, 'batch' | 'slot'>): SampleTask;
  /** Accounts for a settled (done or failed) sample. */
  abstract settle(task: SampleTask): void;
  /** Emits what is left once every sample has settled (the last batch may be smaller). */
  abstract finish(dropLast: boolean): void;

  /** Physical batches holding memory right now. */
  get openBatches(): number {
    return this.open.length;
  }

  /** Returns every open batch's memory to the pool (after a stop). */
  discard(): void {
    for (const batch of this.open) this.pool.release(batch.set);
    this.open = [];
  }

  protected allocate(): PhysicalBatch {
    const batch: PhysicalBatch = {
      set: this.pool.acquire(),
      keys: new Array<string>(this.capacity),
      labels: new Int32Array(this.capacity),
      times: new Float64Array(this.capacity * 3),
      assigned: 0,
      settled: 0,
      filled: 0,
      holes: [],
      done: new Uint8Array(this.capacity),
    };
    this.open.push(batch);
    return batch;
  }

  protected remove(batch: PhysicalBatch): void {
    this.open.splice(this.open.indexOf(batch), 1);
  }

  /** Moves a finished sample's views, key, label and timings into (to, slot); copies only when the place differs. */
  protected place(task: SampleTask, to: PhysicalBatch, slot: number): void {
    if (task.batch !== to || task.slot !== slot) {
      const bytes = this.elements * this.bytesPerElement;
      for (let v = 0; v < to.set.length; v++) {
        const source = new Uint8Array(task.batch.set[v], task.slot * bytes, bytes);
        new Uint8Array(to.set[v], slot * bytes, bytes).set(source);
      }
    }
    to.keys[slot] = task.key;
    to.labels[slot] = task.label;
    to.times[slot * 3] = task.readMs;
    to.times[slot * 3 + 1] = task.decodeMs;
    to.times[slot * 3 + 2] = task.augmentMs;
  }
}

/** Dispatch order in, dispatch order out; see the module comment. */
export class OrderedBatcher extends Batcher {
  readonly #sequence: SampleTask[] = [];
  #head = 0;

  assign(task: Omit<SampleTask, 'batch' | 'slot'>): SampleTask {
    let batch = this.open.at(-1);
    if (batch === undefined || batch.assigned === this.capacity) batch = this.allocate();
    const assigned: SampleTask = { ...task, batch, slot: batch.assigned++ };
    this.#sequence.push(assigned);
    return assigned;
  }

  settle(): void {
    // Place the finished prefix of the sequence. The destination is always the oldest open batch: every
    // batch before it has been emitted, and a sample is only ever moved to a slot whose own sample was
    // handled earlier in the sequence, so nothing is overwritten before it has been moved.
    while (this.#head < this.#sequence.length && this.#sequence[this.#head].state !== 'pending') {
      const task = this.#sequence[this.#head++];
      task.batch.settled += 1;
      if (task.state === 'done') {
        const destination = this.open[0];
        this.place(task, destination, destination.filled++);
        if (destination.filled === this.capacity) {
          this.remove(destination);
          this.emit(destination, this.capacity);
        }
      }
      this.#releaseDrained();
    }
    if (this.#head > 1024) {
      this.#sequence.splice(0, this.#head);
      this.#head = 0;
    }
  }

  // A batch other than the destination whose every slot was handed out and handled has nothing left
  // in it (its samples moved down or failed), so its memory can go back to the pool right away.
  #releaseDrained(): void {
    for (let i = this.open.length - 1; i >= 1; i--) {
      const batch = this.open[i];
      if (batch.assigned === this.capacity && batch.settled === this.capacity) {
        this.open.splice(i, 1);
        this.pool.release(batch.set);
      }
    }
  }

  finish(dropLast: boolean): void {
    const last = this.open[0];
    if (last !== undefined && last.filled > 0 && !dropLast) {
      this.remove(last);
      this.emit(last, last.filled);
    }
    this.discard();
  }
}

/** Batches leave as soon as they are full; see the module comment. */
export class AsCompletedBatcher extends Batcher {
  assign(task: Omit<SampleTask, 'batch' | 'slot'>): SampleTask {
    for (const batch of this.open) {
      const hole = batch.holes.pop();
      if (hole !== undefined) return { ...task, batch, slot: hole };
    }
    let batch = this.open.at(-1);
    if (batch === undefined || batch.assigned === this.capacity) batch = this.allocate();
    return { ...task, batch, slot: batch.assigned++ };
  }

  settle(task: SampleTask): void {
    const batch = task.batch;
    if (task.state === 'failed') {
      batch.holes.push(task.slot);
      return;
    }
    this.place(task, batch, task.slot);
    batch.done[task.slot] = 1;
    batch.filled += 1;
    if (batch.filled === this.capacity) {
      this.remove(batch);
      this.emit(batch, this.capacity);
    }
  }

  finish(dropLast: boolean): void {
    // Compact the leftovers, oldest batch and lowest slot first, into as few batches as possible; the
    // destination never runs ahead of the source, so no sample is overwritten before it is moved.
    const leftovers = this.open;
    this.open = [];
    let destination = 0;
    let filled = 0;
    const flush = (size: number): void => {
      const batch = leftovers[destination++];
      if (size === this.capacity || !dropLast) this.emit(batch, size);
      else this.pool.release(batch.set);
    };
    for (const batch of leftovers) {
      for (let slot = 0; slot < batch.assigned; slot++) {
        if (batch.done[slot] !== 1) continue;
        const task: SampleTask = {
          key: batch.keys[slot],
          url: '',
          label: batch.labels[slot],
          readMs: batch.times[slot * 3],
          decodeMs: batch.times[slot * 3 + 1],
          augmentMs: batch.times[slot * 3 + 2],
          state: 'done',
          batch,
          slot,
        };
        const to = leftovers[destination];
        if (to !== batch || filled !== slot) this.place(task, to, filled);
        filled += 1;
        if (filled === this.capacity) {
          flush(this.capacity);
          filled = 0;
        }
      }
    }
    if (filled > 0) flush(filled);
    for (const batch of leftovers.slice(destination)) this.pool.release(batch.set);
  }
}
