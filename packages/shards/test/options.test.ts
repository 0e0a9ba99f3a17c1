import test from 'ava';
import { ShardSpecError, ShardsOptionError, expandShardSpec, shards } from '../src/index.js';
import type { ShardsOptions } from '../src/index.js';
import { WDS } from './helpers.js';

test('brace ranges keep zero padding, beyond 1000 items; :: joins lists; arrays are concatenated', (t) => {
  const big = expandShardSpec('train-{000000..001281}.tar');
  t.is(big.length, 1282);
  t.is(big[0], 'train-000000.tar');
  t.is(big[1281], 'train-001281.tar');
  t.deepEqual(expandShardSpec(['a-{08..10}.tar::b.tar', 'c-{x,y}.tar']), ['a-08.tar', 'a-09.tar', 'a-10.tar', 'b.tar', 'c-x.tar', 'c-y.tar']);
  t.deepEqual(expandShardSpec('http://h/s-{0..1}.tar'), ['http://h/s-0.tar', 'http://h/s-1.tar']);
});

test('invalid shard specs', (t) => {
  t.throws(() => expandShardSpec('a.tar::'), { instanceOf: ShardSpecError, message: 'Empty entry in shard list "a.tar::" (check the "::" separators)' });
  t.throws(() => expandShardSpec(['-', 'a.tar']), { message: '"-" (stdin) must be the only shard in the list' });
  t.throws(() => shards([]), {
    instanceOf: ShardsOptionError,
    message: 'Expected a non-empty string or a non-empty array of non-empty strings for spec but received  of type object',
  });
});

const invalid: [ShardsOptions, string][] = [
  [{ shuffle: -1 }, 'Expected an integer at least 0 for options.shuffle but received -1 of type number'],
  [{ shuffle: 1.5 }, 'Expected an integer at least 0 for options.shuffle but received 1.5 of type number'],
  [{ shuffle: 10, initial: 11 }, 'Expected an integer between 1 and 10 for options.initial but received 11 of type number'],
  [{ seed: 'x' as never }, 'Expected an integer for options.seed but received x of type string'],
  [{ epoch: -1 }, 'Expected an integer at least 0 for options.epoch but received -1 of type number'],
  [{ shardShuffle: 1 as never }, 'Expected a boolean for options.shardShuffle but received 1 of type number'],
  [{ worldSize: 0 }, 'Expected an integer at least 1 for options.worldSize but received 0 of type number'],
  [{ worldSize: 2, rank: 2 }, 'Expected an integer between 0 and 1 for options.rank but received 2 of type number'],
  [{ numWorkers: 2, workerId: 2 }, 'Expected an integer between 0 and 1 for options.workerId but received 2 of type number'],
  [{ errors: 'ignore' as never }, 'Expected one of "throw", "skip-sample", "skip-shard" for options.errors but received ignore of type string'],
  [{ onError: 'log' as never }, 'Expected a function for options.onError but received log of type string'],
  [{ resampled: true }, 'Expected an integer at least 1 (resampled mode) for options.epochLength but received undefined of type undefined'],
  [{ resampled: true, epochLength: 0 }, 'Expected an integer at least 1 for options.epochLength but received 0 of type number'],
  [{ epochLength: 5 }, 'Expected undefined unless options.resampled is true for options.epochLength but received 5 of type number'],
  [{ signal: {} as never }, 'Expected an AbortSignal for options.signal but received [object Object] of type object'],
  [{ layout: 'zip' as never }, 'Expected one of "auto", "webdataset", "ilsvrc-train", "ilsvrc-val" for options.layout but received zip of type string'],
  [{ groundTruth: '' }, 'Expected a non-empty string for options.groundTruth but received  of type string'],
  [{ classes: [1] as never }, 'Expected an array of strings for options.classes but received 1 of type object'],
  [{ retries: -1 }, 'Expected an integer between 0 and 100 for options.retries but received -1 of type number'],
  [{ timeout: 0 }, 'Expected an integer between 1 and 3600000 for options.timeout but received 0 of type number'],
  [{ readSize: 100 }, 'Expected an integer between 512 and 1073741824 for options.readSize but received 100 of type number'],
];

for (const [options, message] of invalid) {
  test(`invalid options: ${JSON.stringify(options) ?? String(options)}`, (t) => {
    t.throws(() => shards('a.tar', options), { instanceOf: ShardsOptionError, message });
  });
}

test('an aborted signal stops iteration with the signal reason', async (t) => {
  const controller = new AbortController();
  const ds = shards(WDS, { signal: controller.signal });
  let n = 0;
  const error = await t.throwsAsync(async () => {
    for await (const _ of ds) if (++n === 13) controller.abort(new Error('stop now'));
  });
  t.is(error?.message, 'stop now');
  t.true(n < 26);
});
