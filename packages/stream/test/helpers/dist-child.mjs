// Runs the built package with plain node (no tsx, no source condition): the worker must resolve to dist/worker.js.
import { viewStream } from '../../dist/index.js';

const [data] = process.argv.slice(2);
const stream = viewStream({ data, pipeline: { preset: 'simclr', size: 16 }, batchSize: 16, threads: 2 });
const keys = [];
for await (const batch of stream) {
  keys.push(...batch.keys);
  batch.release();
}
console.log(JSON.stringify({ keys: keys.length, unique: new Set(keys).size }));
