import test from 'ava';
import { StreamOptionError, viewStream } from '../src/index.js';
import type { ViewStreamOptions } from '../src/index.js';
import { small, wds } from './helpers/fixtures.js';

const base: ViewStreamOptions = { data: wds, pipeline: small, batchSize: 4 };

const invalid: [string, Record<string, unknown>, string][] = [
  ['batchSize missing', { batchSize: undefined }, 'Expected an integer between 1 and 1048576 for options.batchSize but received undefined of type undefined'],
  ['batchSize zero', { batchSize: 0 }, 'Expected an integer between 1 and 1048576 for options.batchSize but received 0 of type number'],
  ['batchSize fraction', { batchSize: 2.5 }, 'Expected an integer between 1 and 1048576 for options.batchSize but received 2.5 of type number'],
  ['views', { views: 0 }, 'Expected an integer between 1 and 64 for options.views but received 0 of type number'],
  ['threads', { threads: '2' }, 'Expected an integer between 1 and 1024 for options.threads but received "2" of type string'],
  ['prefetch', { prefetch: 0 }, 'Expected an integer between 1 and 1024 for options.prefetch but received 0 of type number'],
  ['dropLast', { dropLast: 1 }, 'Expected a boolean for options.dropLast but received 1 of type number'],
  ['ordered', { ordered: 'yes' }, 'Expected a boolean for options.ordered but received "yes" of type string'],
  ['seed', { seed: -1 }, 'Expected an integer of at least 0 for options.seed but received -1 of type number'],
  ['epoch', { epoch: 1.5 }, 'Expected an integer of at least 0 for options.epoch but received 1.5 of type number'],
  ['errors', { errors: 'ignore' }, 'Expected one of "throw", "skip-sample", "skip-shard" for options.errors but received "ignore" of type string'],
  ['dtype', { dtype: 'float16' }, 'Expected one of "uint8", "float32" for options.dtype but received "float16" of type string'],
  ['channels', { channels: 4 }, 'Expected one of 1, 3 for options.channels but received 4 of type number'],
  ['data', { data: '' }, 'Expected a shard spec string, an array of them, or a shards() dataset for options.data but received "" of type string'],
  ['data array', { data: ['a.tar', 3] }, 'Expected a shard spec string, an array of them, or a shards() dataset for options.data but received ["a.tar", 3] of type object'],
  ['pipeline', { pipeline: 'simclr' }, 'Expected a pipeline spec object or a Pipeline for options.pipeline but received "simclr" of type string'],
  ['signal', { signal: {} }, 'Expected an AbortSignal for options.signal but received [object Object] of type object'],
  ['shards', { shards: [] }, 'Expected an object for options.shards but received [] of type object'],
  ['maxPixels', { maxPixels: 0 }, 'Expected an integer of at least 1 for options.maxPixels but received 0 of type number'],
  ['testing', { testing: { key: 'x' } }, 'Expected { exitWorkerOnKey: string, exits?: number, after?: boolean, fullTasks?: boolean } for options.testing but received [object Object] of type object'],
  ['testing.exits', { testing: { exitWorkerOnKey: 'x', exits: -1 } }, 'Expected an integer of at least 0 for options.testing.exits but received -1 of type number'],
  ['testing.after', { testing: { exitWorkerOnKey: 'x', after: 1 } }, 'Expected a boolean for options.testing.after but received 1 of type number'],
  ['testing.fullTasks', { testing: { exitWorkerOnKey: 'x', fullTasks: 'yes' } }, 'Expected a boolean for options.testing.fullTasks but received "yes" of type string'],
];

for (const [title, patch, message] of invalid) {
  test(`invalid option: ${title}`, (t) => {
    const error = t.throws(() => viewStream({ ...base, ...patch } as ViewStreamOptions), { instanceOf: StreamOptionError });
    t.is(error?.message, message);
  });
}

test('options object itself is checked', (t) => {
  t.throws(() => viewStream(null as unknown as ViewStreamOptions), {
    instanceOf: StreamOptionError,
    message: 'Expected an options object for options but received null of type object',
  });
});

test('a stream that is never iterated starts no threads and can be closed', async (t) => {
  const stream = viewStream(base);
  await stream.close();
  t.is(stream.stats.threads > 0, true);
  t.is(stream.stats.samples, 0);
});
