// `twinflow stream bench <shards>`: the decode + augment pipeline alone, printing images/s.
import type { Command } from 'commander';
import { z } from 'zod';
import { addSchemaOptions, resolveConfig, type FlagTable } from '../config.js';
import { channelsSchema, cropScaleSchema, defaultThreads, presetSchema, seedSchema, sizeSchema, threadsSchema, strengthSchema } from '../options.js';

export const streamBenchSchema = z.strictObject({
  preset: presetSchema.default('simclr'),
  size: sizeSchema.default(224),
  strength: strengthSchema.default(1),
  cropScale: cropScaleSchema.optional(),
  channels: channelsSchema.default(3),
  views: z.int().min(1).max(8).default(2),
  batchSize: z.int().min(1).default(256),
  threads: threadsSchema.default(defaultThreads()),
  prefetch: z.int().min(1).default(4),
  epoch: z.int().min(0).default(0),
  seed: seedSchema.default(0),
});

export type StreamBenchConfig = z.infer<typeof streamBenchSchema>;

export const streamBenchFlags: FlagTable<typeof streamBenchSchema> = {
  preset: { flags: '--preset <name>', help: `${presetSchema.options.join(', ')}` },
  size: { flags: '--size <px>', help: 'side of each square view', parse: 'number' },
  strength: { flags: '--strength <s>', help: 'SimCLR colour-jitter strength s', parse: 'number' },
  cropScale: { flags: '--crop-scale <min,max>', help: 'area fractions of the random resized crop', parse: 'numbers' },
  channels: { flags: '--channels <n>', help: '3 = RGB, 1 = luma', parse: 'number' },
  views: { flags: '--views <n>', help: 'views per image', parse: 'number' },
  batchSize: { flags: '--batch-size <n>', help: 'images per batch', parse: 'number' },
  threads: { flags: '--threads <n>', help: 'worker threads', parse: 'number' },
  prefetch: { flags: '--prefetch <n>', help: 'batches in flight', parse: 'number' },
  epoch: { flags: '--epoch <n>', help: 'epoch mixed into the shard order and the augmentation seed', parse: 'number' },
  seed: { flags: '--seed <n>', help: 'seed of order and augmentations', parse: 'number' },
};

export function registerStream(program: Command): void {
  const stream = program.command('stream').description('the shards -> worker pool -> batches pipeline');
  const command = stream
    .command('bench')
    .description('stream one epoch through the decode + augment pipeline without a trainer; print images/s and per-stage times')
    .argument('<shards>', "shard spec: paths, brace ranges, '::'-joined lists, http(s) URLs");
  addSchemaOptions(command, streamBenchSchema, streamBenchFlags);
  command.addHelpText('after', "\nExample:\n  $ twinflow stream bench 'fixtures/shards/wds-{000000..000003}.tar' --threads 2 --batch-size 64");
  command.action(async (spec: string) => {
    const config = await resolveConfig(streamBenchSchema, { command, table: streamBenchFlags });
    const { benchmarkStream } = await import('../stream-run.js');
    await benchmarkStream(spec, config);
  });
}
