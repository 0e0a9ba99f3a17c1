import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { ShardWriter, shards } from '@twinflow/shards';
import { centerCrop, compose, horizontalFlip, normalize, resize, simclr } from '@twinflow/augment';
import { viewStream, ViewShapeError } from '../src/index.js';
import { collect, fashion, small, wds, wdsKeys } from './helpers/fixtures.js';

test('every sample exactly once per epoch, in shard order, with its label and NHWC views', async (t) => {
  const stream = viewStream({ data: wds, pipeline: small, batchSize: 5, threads: 2 });
  const got = await collect(stream);
  t.deepEqual(got.keys, wdsKeys);
  t.deepEqual(got.sizes, [5, 5, 5, 5, 5, 5, 5, 5, 5, 3]);
  t.deepEqual(got.labels, wdsKeys.map((_, i) => i % 5));
  const first = got.batches[0];
  t.is(first.views.length, 2);
  t.is(first.dtype, 'uint8');
  t.deepEqual([first.height, first.width, first.channels], [24, 24, 3]);
  t.true(first.views.every((view) => view instanceof Uint8Array && view.length === 5 * 24 * 24 * 3));
  t.true(first.timings.decodeMs > 0 && first.timings.augmentMs > 0 && first.timings.readMs >= 0);
  const stats = stream.stats;
  t.is(stats.samples, 48);
  t.is(stats.batches, 10);
  t.is(stats.skipped.samples, 0);
  t.true(stats.utilization > 0 && stats.utilization <= 1);
  t.true(stats.stages.decodeMs > 0 && stats.stages.augmentMs > 0);
});

test('dropLast drops the short batch; a shuffled epoch still holds every sample once', async (t) => {
  const got = await collect(
    viewStream({ data: wds, pipeline: small, batchSize: 5, threads: 1, dropLast: true, shards: { shuffle: 16, shardShuffle: true } }),
  );
  t.deepEqual(got.sizes, Array(9).fill(5));
  t.is(new Set(got.keys).size, 45);
  t.notDeepEqual(got.keys, wdsKeys.slice(0, 45));
  const all = await collect(viewStream({ data: wds, pipeline: small, batchSize: 7, threads: 1, shards: { shuffle: 16, shardShuffle: true } }));
  t.deepEqual([...all.keys].sort(), wdsKeys);
});

test('split over two ranks, each sample is streamed by exactly one of them', async (t) => {
  const ranks = await Promise.all(
    [0, 1].map((rank) => collect(viewStream({ data: wds, pipeline: small, batchSize: 8, threads: 1, shards: { rank, worldSize: 2 } }))),
  );
  t.deepEqual([...ranks[0].keys, ...ranks[1].keys].sort(), wdsKeys);
  t.true(ranks.every((r) => r.keys.length > 0));
});

test('same seed, same bytes with 1 and 2 threads, ordered or not, whatever the batch size', async (t) => {
  const one = await collect(viewStream({ data: wds, pipeline: small, batchSize: 8, threads: 1, seed: 7 }));
  const two = await collect(viewStream({ data: wds, pipeline: small, batchSize: 3, threads: 2, seed: 7 }));
  const loose = await collect(viewStream({ data: wds, pipeline: small, batchSize: 5, threads: 2, seed: 7, ordered: false }));
  t.deepEqual(two.keys, one.keys);
  t.deepEqual([...loose.keys].sort(), wdsKeys);
  for (const key of wdsKeys) {
    t.deepEqual(two.bytes.get(key), one.bytes.get(key), key);
    t.deepEqual(loose.bytes.get(key), one.bytes.get(key), key);
  }
  const other = await collect(viewStream({ data: wds, pipeline: small, batchSize: 8, threads: 1, seed: 8 }));
  t.notDeepEqual(other.bytes.get(wdsKeys[0]), one.bytes.get(wdsKeys[0]));
  const nextEpoch = await collect(viewStream({ data: wds, pipeline: small, batchSize: 8, threads: 1, seed: 7, epoch: 1 }));
  t.notDeepEqual(nextEpoch.bytes.get(wdsKeys[0]), one.bytes.get(wdsKeys[0]));
});

test('views of one batch are distinct augmentations, not copies', async (t) => {
  const got = await collect(viewStream({ data: wds, pipeline: small, batchSize: 48, threads: 1 }));
  const differing = wdsKeys.filter((key) => !got.bytes.get(key)?.[0].equals(got.bytes.get(key)?.[1] as Buffer));
  t.true(differing.length > 40);
});

test('float32 views hold the uint8 values scaled to [0, 1]; more views when asked', async (t) => {
  const bytes = await collect(viewStream({ data: wds, pipeline: small, batchSize: 16, threads: 1, views: 3 }));
  const floats = viewStream({ data: wds, pipeline: small, batchSize: 16, threads: 1, views: 3, dtype: 'float32' });
  let checked = 0;
  for await (const batch of floats) {
    t.is(batch.dtype, 'float32');
    t.is(batch.views.length, 3);
    const per = 24 * 24 * 3;
    batch.keys.forEach((key, i) => {
      batch.views.forEach((view, v) => {
        const expected = bytes.bytes.get(key)?.[v] as Buffer;
        const actual = view.subarray(i * per, (i + 1) * per);
        t.true(actual.every((x, j) => Math.abs(x * 255 - expected[j]) <= 0.5 + 1e-3), `${key} view ${v}`);
        checked += 1;
      });
    });
    batch.release();
  }
  t.is(checked, 48 * 3);
});

test('a Pipeline object, a ShardDataset and one channel (Fashion-MNIST)', async (t) => {
  const dataset = shards(fashion);
  const stream = viewStream({ data: dataset, pipeline: simclr({ size: 16, strength: 0.5 }), batchSize: 250, threads: 1, channels: 1 });
  const got = await collect(stream);
  t.deepEqual(got.sizes, [250, 250, 250, 250]);
  t.is(new Set(got.keys).size, 1000);
  t.true(got.labels.every((label) => label >= 0 && label <= 9));
  t.deepEqual([got.batches[0].height, got.batches[0].width, got.batches[0].channels], [16, 16, 1]);
  t.is(got.batches[0].views[0].length, 250 * 16 * 16);
});

test('samples without .cls get label -1', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'stream-nocls-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const jpg = await readFile(new URL('../../../fixtures/images/photo-64x48.jpg', import.meta.url));
  const writer = new ShardWriter(join(dir, 'shard-%06d.tar'));
  await writer.write({ key: 'a', parts: { jpg } });
  await writer.write({ key: 'b', parts: { jpg, cls: '3' } });
  await writer.close();
  const got = await collect(viewStream({ data: join(dir, 'shard-000000.tar'), pipeline: small, batchSize: 2, threads: 1 }));
  t.deepEqual(got.keys, ['a', 'b']);
  t.deepEqual(got.labels, [-1, 3]);
});

test('release() hands the memory to a later batch; unreleased batches keep theirs', async (t) => {
  const released = viewStream({ data: wds, pipeline: small, batchSize: 4, threads: 1, prefetch: 1 });
  const seen = new Set<ArrayBufferLike>();
  let batches = 0;
  let reusedBuffer = false;
  for await (const batch of released) {
    if (seen.has(batch.views[0].buffer)) reusedBuffer = true;
    seen.add(batch.views[0].buffer);
    batches += 1;
    batch.release();
    batch.release();
  }
  t.is(batches, 12);
  t.true(reusedBuffer);
  t.true(released.stats.buffers.allocated <= 3);
  t.is(released.stats.buffers.allocated + released.stats.buffers.reused, 12);

  const kept = await collect(viewStream({ data: wds, pipeline: small, batchSize: 4, threads: 1, prefetch: 1 }), { release: false });
  t.is(new Set(kept.batches.map((b) => b.views[0].buffer)).size, 12);
});

test('a stream is iterated once', async (t) => {
  const stream = viewStream({ data: wds, pipeline: small, batchSize: 48, threads: 1 });
  await collect(stream);
  t.throws(() => stream[Symbol.asyncIterator](), { message: /iterated once/ });
});

test('a pipeline whose size depends on the input learns the shape from the first sample', async (t) => {
  const flip = compose([horizontalFlip({ p: 0.5 })]);
  const got = await collect(viewStream({ data: fashion, pipeline: flip, batchSize: 300, threads: 1, channels: 1 }));
  t.deepEqual(got.sizes, [300, 300, 300, 100]);
  t.deepEqual([got.batches[0].height, got.batches[0].width, got.batches[0].channels], [28, 28, 1]);
  t.is(new Set(got.keys).size, 1000);
  // Images of other sizes cannot share the batch: under throw the first one stops the run, naming it.
  const mixed = viewStream({ data: wds, pipeline: flip, batchSize: 4, threads: 1 });
  const error = await t.throwsAsync(collect(mixed), { instanceOf: ViewShapeError });
  t.regex(error?.message ?? '', /^Sample photos\/s\d{6} from .*wds-00000\d\.tar produced \d+x\d+x3 views but the batch is \d+x\d+x3/);
});

test('a pipeline ending in normalize gives float32 views by default and refuses uint8', async (t) => {
  const normalized = compose([resize({ size: 20 }), centerCrop({ size: 16 }), normalize({ mean: [0.5], std: [0.25] })]);
  const stream = viewStream({ data: wds, pipeline: normalized, batchSize: 48, threads: 1 });
  const got = await collect(stream, { release: false });
  t.is(got.batches[0].dtype, 'float32');
  t.true(got.batches[0].views[0].some((x) => x < 0));
  t.throws(() => viewStream({ data: wds, pipeline: normalized, batchSize: 4, dtype: 'uint8' }), {
    message: `Expected 'float32' (the pipeline ends in normalize) for options.dtype but received "uint8" of type string`,
  });
});
