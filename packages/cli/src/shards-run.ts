// The body of `twinflow shards make`.
import { join } from 'node:path';
import { makeShardsFromImageFolder } from '@twinflow/shards';
import type { ShardsMakeConfig } from './commands/shards.js';

/** Packs `root/<class>/*` into `<outDir>/<prefix>-NNNNNN.tar` + classes.json; returns a one-line summary. */
export async function makeShards(root: string, outDir: string, config: ShardsMakeConfig): Promise<{ summary: string; shards: string[] }> {
  const result = await makeShardsFromImageFolder(root, join(outDir, `${config.prefix}-%06d.tar`), {
    maxCount: config.maxCount,
    maxBytes: config.maxBytes,
    shuffle: config.shuffle,
    seed: config.seed,
    classIndexPath: join(outDir, 'classes.json'),
  });
  const shards = result.shards.map((s) => s.path);
  const range = shards.length === 1 ? shards[0] : `${shards[0]} .. ${shards.at(-1)}`;
  return {
    shards,
    summary: `${result.samples} samples of ${result.classes.length} classes in ${shards.length} shard${shards.length === 1 ? '' : 's'}: ${range}; class index ${result.classIndexPath}`,
  };
}
