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
  // What would keep the process alive, stdout and stderr aside (pipes when run by the test). Node
  // closes a terminated worker's MessagePort a few event-loop turns after the worker's 'exit' (the
  // close is asynchronous and Piscina does not expose it), so handles get a short grace period to
  // finish closing; one that is still open after it is a leak.
  const resources = await settledResources(2000);
  console.log(`${mode}: in flight ${stream.stats.inFlight}, resources ${JSON.stringify(resources)}`);
}

async function settledResources(graceMs: number): Promise<string[]> {
  const open = (): string[] => process.getActiveResourcesInfo().filter((r) => r !== 'PipeWrap' && r !== 'TTYWrap');
  const until = performance.now() + graceMs;
  while (open().length > 0 && performance.now() < until) await new Promise((resolve) => setImmediate(resolve));
  return open();
}
