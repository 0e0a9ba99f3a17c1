// The slot bookkeeping without threads: a fake "worker" writes each sample's number into its slot,
// samples settle in a scrambled order, some fail, and the emitted batches must come out right.
import test from 'ava';
import { AsCompletedBatcher, OrderedBatcher } from '../src/batcher.js';
import type { Batcher, PhysicalBatch, SampleTask } from '../src/batcher.js';
import { BufferPool } from '../src/buffer-pool.js';

/** A small deterministic permutation generator (xorshift32), so the scrambles are reproducible. */
function scramble<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let x = seed || 1;
  for (let i = out.length - 1; i > 0; i--) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const j = (x >>> 0) % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

interface Run {
  emitted: { values: number[]; keys: string[]; labels: number[] }[];
  pool: BufferPool;
  batcher: Batcher;
}

/**
 * Streams `total` samples through a batcher of `capacity` slots, dispatching while fewer than `window` (>= capacity)
 * samples hold memory (dispatched, not failed, not emitted: the stream's own bound), settling half of
 * those in flight in a scrambled order each round; samples in `failing` fail.
 */
function simulate(kind: 'ordered' | 'as-completed', total: number, capacity: number, window: number, failing: Set<number>, seed: number, dropLast = false): Run {
  const pool = new BufferPool(2, capacity * 2);
  const emitted: Run['emitted'] = [];
  let holding = 0;
  const emit = (batch: PhysicalBatch, size: number): void => {
    holding -= size;
    const view0 = new Uint16Array(batch.set[0], 0, size);
    const view1 = new Uint16Array(batch.set[1], 0, size);
    emitted.push({ values: [...view0], keys: batch.keys.slice(0, size), labels: [...batch.labels.slice(0, size)] });
    // Both views of a sample must travel together.
    for (let i = 0; i < size; i++) if (view1[i] !== view0[i] + 1000) throw new Error(`view 1 of slot ${i} lost its sample`);
    pool.release(batch.set);
  };
  const batcher = kind === 'ordered' ? new OrderedBatcher(capacity, 1, 2, pool, emit) : new AsCompletedBatcher(capacity, 1, 2, pool, emit);
  let next = 0;
  let inFlight: SampleTask[] = [];
  let round = 0;
  while (next < total || inFlight.length > 0) {
    while (next < total && holding < window) {
      const n = next++;
      holding += 1;
      const task = batcher.assign({ key: `k${n}`, url: 'u', label: n % 7, readMs: 0, decodeMs: 0, augmentMs: 0, state: 'pending' });
      inFlight.push(task);
    }
    const order = scramble(inFlight, seed + round++);
    const settleNow = order.slice(0, Math.max(1, Math.floor(order.length / 2)));
    for (const task of settleNow) {
      const n = Number(task.key.slice(1));
      if (failing.has(n)) {
        task.state = 'failed';
        holding -= 1;
      } else {
        new Uint16Array(task.batch.set[0])[task.slot] = n;
        new Uint16Array(task.batch.set[1])[task.slot] = n + 1000;
        task.state = 'done';
      }
      batcher.settle(task);
    }
    inFlight = inFlight.filter((t) => !settleNow.includes(t));
  }
  batcher.finish(dropLast);
  return { emitted, pool, batcher };
}

const cases: [number, number, number, number[]][] = [
  [50, 8, 12, []],
  [50, 8, 12, [0, 3, 4, 5, 17, 49]],
  [64, 4, 9, Array.from({ length: 20 }, (_, i) => i * 3)],
  [30, 5, 7, Array.from({ length: 12 }, (_, i) => i + 9)],
  [10, 16, 16, [2]],
];

for (const [total, capacity, window, failed] of cases) {
  const failing = new Set(failed);
  const expected = Array.from({ length: total }, (_, i) => i).filter((i) => !failing.has(i));
  for (const seed of [1, 2, 3]) {
    test(`ordered: ${total} samples, batches of ${capacity}, ${failed.length} failures, scramble ${seed}`, (t) => {
      const { emitted, pool, batcher } = simulate('ordered', total, capacity, window, failing, seed);
      t.deepEqual(emitted.flatMap((b) => b.values), expected);
      t.deepEqual(emitted.flatMap((b) => b.keys), expected.map((n) => `k${n}`));
      t.deepEqual(emitted.flatMap((b) => b.labels), expected.map((n) => n % 7));
      t.true(emitted.slice(0, -1).every((b) => b.values.length === capacity));
      t.is(batcher.openBatches, 0);
      // Failed samples never pin memory: the batches in use stay within the window plus two.
      t.true(pool.allocated <= Math.ceil(window / capacity) + 2, `allocated ${pool.allocated}`);
    });
    test(`as-completed: ${total} samples, batches of ${capacity}, ${failed.length} failures, scramble ${seed}`, (t) => {
      const { emitted, batcher } = simulate('as-completed', total, capacity, window, failing, seed);
      t.deepEqual(emitted.flatMap((b) => b.values).sort((a, b) => a - b), expected);
      for (const b of emitted) t.deepEqual(b.keys, b.values.map((n) => `k${n}`));
      t.is(emitted.filter((b) => b.values.length < capacity).length, expected.length % capacity === 0 ? 0 : 1);
      t.is(batcher.openBatches, 0);
    });
  }
}

test('dropLast drops only the short tail, in both modes', (t) => {
  const ordered = simulate('ordered', 21, 5, 6, new Set([7]), 1, true);
  t.deepEqual(ordered.emitted.flatMap((b) => b.values), [0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
  const loose = simulate('as-completed', 21, 5, 6, new Set([7, 8]), 1, true);
  t.is(loose.emitted.length, 3);
  t.true(loose.emitted.every((b) => b.values.length === 5));
});
