// One shard from bytes to samples: source (file / HTTP / stdin, gunzip) -> tar members -> samples -> labels.
import { groupSamples } from './sample.js';
import type { ShardItem } from './sample.js';
import type { ShardRef } from './shard-ref.js';
import { tarBytes } from './source.js';
import type { SourceOptions } from './source.js';
import { tarMembers } from './tar-members.js';

export interface ReaderHooks extends SourceOptions {
  onIgnored: (name: string) => void;
  onPartial: (key: string) => void;
}

/**
 * Samples of one shard in tar order, in batches; sample-scoped errors come as items, shard-scoped errors
 * are thrown.
 */
export async function* readShard(ref: ShardRef, o: ReaderHooks): AsyncGenerator<ShardItem[]> {
  const bytes = tarBytes(ref.location, ref.url, { ...o, start: ref.start, end: ref.end });
  let cut: string | undefined;
  const members = tarMembers(bytes, ref.url, ref.start ?? 0, { onIgnored: o.onIgnored, onCut: (name) => (cut = name) });
  const hooks = { onIgnored: o.onIgnored, onPartial: o.onPartial, cutMember: () => cut };
  for await (const batch of groupSamples(members, ref.url, hooks)) {
    if (ref.label !== undefined || ref.labelOf !== undefined) {
      for (const item of batch) {
        if (item.sample === undefined) continue;
        const label = ref.label ?? ref.labelOf?.(item.sample.key);
        if (label !== undefined && item.sample.parts.cls === undefined) item.sample.parts.cls = Buffer.from(String(label));
      }
    }
    yield batch;
  }
}
