// `twinflow shards make <image-folder> <out-dir>`: an ImageFolder tree (one folder per class) into
// numbered WebDataset shards plus classes.json.
import type { Command } from 'commander';
import { z } from 'zod';
import { addSchemaOptions, resolveConfig, type FlagTable } from '../config.js';
import { seedSchema } from '../options.js';

export const shardsMakeSchema = z.strictObject({
  prefix: z.string().regex(/^[\w.-]+$/).default('shard'),
  maxCount: z.int().min(1).default(10_000),
  maxBytes: z.int().min(1024).default(2 ** 30),
  shuffle: z.boolean().default(true),
  seed: seedSchema.default(0),
});

export type ShardsMakeConfig = z.infer<typeof shardsMakeSchema>;

export const shardsMakeFlags: FlagTable<typeof shardsMakeSchema> = {
  prefix: { flags: '--prefix <name>', help: 'shard file names: <prefix>-000000.tar, ...' },
  maxCount: { flags: '--max-count <n>', help: 'samples per shard at most', parse: 'number' },
  maxBytes: { flags: '--max-bytes <n>', help: 'bytes per shard at most', parse: 'number' },
  shuffle: { flags: '--no-shuffle', help: 'keep folder order (by default samples are shuffled across classes, seeded)' },
  seed: { flags: '--seed <n>', help: 'seed of --shuffle', parse: 'number' },
};

export function registerShards(program: Command): void {
  const shards = program.command('shards').description('make and inspect WebDataset tar shards');
  const command = shards
    .command('make')
    .description('turn an ImageFolder tree (one folder per class) into numbered shards plus classes.json')
    .argument('<image-folder>', 'root folder: <root>/<class>/<image>')
    .argument('<out-dir>', 'where the shards and classes.json go');
  addSchemaOptions(command, shardsMakeSchema, shardsMakeFlags);
  command.addHelpText('after', `
Example:
  $ twinflow shards make ~/data/flowers/train shards/ --prefix train --max-count 1000
  $ twinflow stream bench 'shards/train-{000000..000003}.tar'`);
  command.action(async (root: string, outDir: string) => {
    const config = await resolveConfig(shardsMakeSchema, { command, table: shardsMakeFlags });
    const { makeShards } = await import('../shards-run.js');
    const result = await makeShards(root, outDir, config);
    process.stdout.write(`${result.summary}\n`);
  });
}
