// Child process for the stop tests: stops a stream mid-epoch in each way given on the command line
// (abort, break, throw), printing what is left running after each, then must exit on its own: a leaked
// thread, file handle or timer would keep it alive. Usage: abort-child.ts <shard spec> <mode>...
import { viewStream } from '../../src/index.js';

process.on('unhandledRejection', (reason) => {
  console.log(`unhandled rejection: ${String(reason)}`);
  process.exitCode = 3;
});

const [data, ...modes] = process.argv.slice(2);
for (const mode of modes) {
  const controller = new AbortController();
  const stream = viewStream({
    data: data as string,
    pipeline: { preset: 'simclr', size: 64 },
    batchSize: 2,
    threads: 2,
    prefetch: 4,
    signal: controller.signal,
  });
  let batches = 0;
  try {
    for await (const batch of stream) {
      batches += 1;
      batch.release();
      if (mode === 'abort' && batches === 2) controller.abort(new Error('stop requested'));
      if (mode === 'break' && batches === 2) break;
      if (mode === 'throw' && batches === 2) throw new Error('consumer failed');
    }
    console.log(`${mode}: finished after ${batches} batches`);
  } catch (error) {
    console.log(`${mode}: stopped after ${batches} batches: ${(error as Error).message}`);
  }
  await stream.close();
  // What would keep the process alive, stdout and stderr aside (pipes when run by the test).
  const resources = process.getActiveResourcesInfo().filter((r) => r !== 'PipeWrap' && r !== 'TTYWrap');
  console.log(`${mode}: in flight ${stream.stats.inFlight}, resources ${JSON.stringify(resources)}`);
}
