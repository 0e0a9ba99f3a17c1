import { join } from 'node:path';
import test from 'ava';
import { ResumeStateError, ShardsOptionError, shards } from '../src/index.js';
import type { ShardsOptions } from '../src/index.js';
import { BROKEN, collect, keys, makeShards, takeThenState, tempDir } from './helpers.js';

const spec = (async () => makeShards(await tempDir(), 6, 14))();

/** Stop points spread over the epoch, from a fixed LCG so the test is reproducible. */
function stopPoints(total: number, count: number, seed: number): number[] {
  const out = [0, 1, total - 1, total];
  let x = seed;
  while (out.length < count) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out.push(1 + (x % (total - 1)));
  }
  return out;
}

const configs: [string, ShardsOptions][] = [
  ['tar order', {}],
  ['shuffle buffer + shard shuffle', { seed: 9, shuffle: 30, initial: 10, shardShuffle: true }],
  ['worker 1 of 3, rank 1 of 2, shuffle', { seed: 4, shuffle: 7, shardShuffle: true, rank: 1, worldSize: 2, workerId: 0, numWorkers: 3 }],
  ['resampled + shuffle', { seed: 2, resampled: true, epochLength: 60, shuffle: 15 }],
];

for (const [name, options] of configs) {
  test(`resume (${name}): stopping anywhere and resuming neither repeats nor skips a sample`, async (t) => {
    const reference = keys(await collect(shards(await spec, { ...options, epoch: 3 })));
    const next = keys(await collect(shards(await spec, { ...options, epoch: 4 })));
    t.true(reference.length > 0);
    for (const [i, stop] of stopPoints(reference.length, 6, reference.length).entries()) {
      const { samples, state } = await takeThenState(shards(await spec, { ...options, epoch: 3 }), stop);
      t.true(JSON.stringify(state).length < 2000, 'state stays small');
      const resumed = shards(await spec, { ...options, resume: state });
      const rest = keys(await collect(resumed));
      t.deepEqual([...keys(samples), ...rest], reference, `stopped after ${stop}`);
      if (i === 5) t.deepEqual(keys(await collect(resumed)), next, 'the pass after the resumed one is the next epoch');
    }
  });
}

test('resume under skip-sample with broken shards in the list reproduces the uninterrupted run', async (t) => {
  const list = [join(BROKEN, 'repeated-ext.tar'), join(BROKEN, 'truncated.tar'), join(BROKEN, 'corrupt-header.tar'), await spec];
  const options: ShardsOptions = { errors: 'skip-sample', shuffle: 5, seed: 1, shardShuffle: true };
  const full = shards(list, options);
  const reference = keys(await collect(full));
  for (const stop of stopPoints(reference.length, 5, 77)) {
    const { samples, state } = await takeThenState(shards(list, options), stop);
    t.deepEqual([...keys(samples), ...keys(await collect(shards(list, { ...options, resume: state })))], reference, `stop ${stop}`);
  }
});

test('a state taken before the first sample, and at the end of an epoch', async (t) => {
  const ds = shards(await spec, { shuffle: 4 });
  t.deepEqual(ds.state(), { version: 1, epoch: 0, shard: 0, sample: 0, yielded: 0, buffer: [], config: ds.state().config });
  await collect(ds);
  t.like(ds.state(), { epoch: 1, shard: 0, sample: 0, yielded: 0 });
});

test('a state from another configuration is refused; a malformed one names the option', async (t) => {
  const list = await spec;
  const { state } = await takeThenState(shards(list, { seed: 1, shuffle: 4 }), 5);
  t.throws(() => shards(list, { seed: 2, shuffle: 4, resume: state }), {
    instanceOf: ResumeStateError,
    message: 'options.resume was taken with another configuration (seed, shuffle, split, resampling, error policy or shard list differ)',
  });
  t.throws(() => shards(list, { resume: { ...state, shard: -1 } }), {
    instanceOf: ShardsOptionError,
    message: /^Expected a state returned by dataset.state\(\) for options.resume but received /,
  });
});
