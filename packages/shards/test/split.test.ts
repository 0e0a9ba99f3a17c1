import test from 'ava';
import { TooFewShardsError, shards } from '../src/index.js';
import { collect, keys, makeShards, tempDir } from './helpers.js';

const spec = (async () => makeShards(await tempDir(), 12, 9))();

for (const [worldSize, numWorkers] of [[1, 1], [2, 1], [1, 3], [2, 3], [3, 4], [4, 3]]) {
  test(`${worldSize} ranks x ${numWorkers} workers: every sample exactly once per epoch`, async (t) => {
    for (const epoch of [0, 1]) {
      const all: string[] = [];
      for (let rank = 0; rank < worldSize; rank++) {
        for (let workerId = 0; workerId < numWorkers; workerId++) {
          const part = keys(await collect(shards(await spec, { rank, worldSize, workerId, numWorkers, seed: 2, epoch, shuffle: 5, shardShuffle: true })));
          t.true(part.length > 0);
          all.push(...part);
        }
      }
      t.is(all.length, 108);
      t.is(new Set(all).size, 108);
    }
  });
}

test('a node split does not depend on the worker count', async (t) => {
  const perNode = async (numWorkers: number): Promise<string[]> => {
    const out: string[] = [];
    for (let workerId = 0; workerId < numWorkers; workerId++) {
      out.push(...keys(await collect(shards(await spec, { rank: 1, worldSize: 2, workerId, numWorkers, shardShuffle: true, seed: 4 }))));
    }
    return out.sort();
  };
  t.deepEqual(await perNode(1), await perNode(3));
});

test.serial('RANK and WORLD_SIZE from the environment (as torchrun sets them); options win', async (t) => {
  const saved = { RANK: process.env.RANK, WORLD_SIZE: process.env.WORLD_SIZE };
  t.teardown(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
  process.env.RANK = '1';
  process.env.WORLD_SIZE = '3';
  const fromEnv = keys(await collect(shards(await spec)));
  const explicit = keys(await collect(shards(await spec, { rank: 1, worldSize: 3 })));
  t.deepEqual(fromEnv, explicit);
  t.is(fromEnv.length, 36);
  t.is(keys(await collect(shards(await spec, { rank: 0, worldSize: 1 }))).length, 108);
  process.env.RANK = 'x';
  t.throws(() => shards('a.tar'), { message: 'Expected an integer at least 0 for env.RANK but received x of type string' });
  process.env.RANK = '3';
  t.throws(() => shards('a.tar'), { message: 'Expected an integer between 0 and 2 for env.RANK but received 3 of type number' });
});

test('fewer shards than ranks x workers is an error that says so', async (t) => {
  const twelve = await spec;
  const error = t.throws(() => shards(twelve, { worldSize: 4, numWorkers: 4 }), { instanceOf: TooFewShardsError });
  t.is(error?.message, '12 shards cannot be split over 4 ranks x 4 workers = 16 streams: every stream needs at least one shard. ' +
    'Use fewer workers, more (smaller) shards, or resampled mode.');
  t.notThrows(() => shards(twelve, { worldSize: 4, numWorkers: 4, resampled: true, epochLength: 10 }));
});
