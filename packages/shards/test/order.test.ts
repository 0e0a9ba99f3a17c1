import test from 'ava';
import { shards } from '../src/index.js';
import { collect, keys, makeShards, tempDir } from './helpers.js';

const spec = (async () => makeShards(await tempDir(), 8, 25))();
const sorted = (a: string[]): string[] => [...a].sort();

test('same seed, same order; another seed or epoch, another order; always the same multiset', async (t) => {
  const o = { seed: 7, shuffle: 40, shardShuffle: true };
  const a = keys(await collect(shards(await spec, o)));
  const b = keys(await collect(shards(await spec, o)));
  const c = keys(await collect(shards(await spec, { ...o, seed: 8 })));
  const d = keys(await collect(shards(await spec, { ...o, epoch: 1 })));
  const plain = keys(await collect(shards(await spec)));
  t.is(a.length, 200);
  t.deepEqual(a, b);
  t.notDeepEqual(a, c);
  t.notDeepEqual(a, d);
  t.notDeepEqual(a, plain);
  for (const other of [c, d]) t.deepEqual(sorted(other), sorted(plain));
  t.deepEqual(sorted(a), sorted(plain));
});

test('each pass of the dataset is the next epoch, reproducing a fresh dataset at that epoch', async (t) => {
  const o = { seed: 3, shuffle: 10, shardShuffle: true };
  const ds = shards(await spec, o);
  t.is(ds.epoch, 0);
  const first = keys(await collect(ds));
  const second = keys(await collect(ds));
  t.is(ds.epoch, 2);
  t.notDeepEqual(first, second);
  t.deepEqual(second, keys(await collect(shards(await spec, { ...o, epoch: 1 }))));
  t.like(ds.state(), { epoch: 2, shard: 0, sample: 0, yielded: 0 });
});

test('shard shuffle alone keeps samples of a shard together; the buffer mixes shards', async (t) => {
  const shardOnly = keys(await collect(shards(await spec, { seed: 1, shardShuffle: true })));
  const runs = shardOnly.filter((k, i) => i === 0 || k.split('_')[0] !== shardOnly[i - 1].split('_')[0]).length;
  t.is(runs, 8);
  t.notDeepEqual(shardOnly.slice(0, 25).map((k) => k.split('_')[0]), Array(25).fill('s0'));
  const mixed = keys(await collect(shards(await spec, { seed: 1, shuffle: 50 })));
  const mixedRuns = mixed.filter((k, i) => i === 0 || k.split('_')[0] !== mixed[i - 1].split('_')[0]).length;
  t.true(mixedRuns > 30);
});

test('the shuffle buffer holds `initial` samples before the first one comes out', async (t) => {
  const first = keys(await collect(shards(await spec, { seed: 5, shuffle: 100, initial: 3 }), 1))[0];
  t.true(['s0_0', 's0_1', 's0_2'].includes(first));
  const later = keys(await collect(shards(await spec, { seed: 5, shuffle: 100 }), 60));
  t.true(later.some((k) => Number(k.split('_')[0].slice(1)) >= 3), 'full initial fill draws from 100 samples');
});

test('resampled: exactly epochLength samples per pass, with replacement, deterministic', async (t) => {
  // 300 samples = 12 draws of 25-sample shards out of 8: some shard must repeat
  const o = { seed: 11, resampled: true, epochLength: 300 };
  const ds = shards(await spec, o);
  const a = keys(await collect(ds));
  const b = keys(await collect(ds));
  t.is(a.length, 300);
  t.is(b.length, 300);
  t.notDeepEqual(a, b);
  t.true(new Set(a).size < 300, 'draws with replacement repeat samples');
  t.deepEqual(a, keys(await collect(shards(await spec, o))));
  const w0 = keys(await collect(shards(await spec, { ...o, numWorkers: 2, workerId: 0 })));
  const w1 = keys(await collect(shards(await spec, { ...o, numWorkers: 2, workerId: 1 })));
  t.notDeepEqual(w0, w1);
});
