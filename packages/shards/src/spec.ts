// Shard lists: brace ranges keep their zero padding, several lists join with `::`, as in webdataset.
import braces from 'braces';
import { ShardSpecError, invalidOption } from './errors.js';

/** Expands a spec (`train-{000000..001281}.tar::extra-{0..3}.tar`, or an array of such) into shard locations. */
export function expandShardSpec(spec: string | readonly string[], name = 'spec'): string[] {
  const items = typeof spec === 'string' ? [spec] : spec;
  if (!Array.isArray(items) || items.length === 0 || items.some((s) => typeof s !== 'string' || s.length === 0)) {
    throw invalidOption('a non-empty string or a non-empty array of non-empty strings', name, spec);
  }
  const out: string[] = [];
  for (const item of items) {
    for (const part of item.split('::')) {
      if (part.length === 0) throw new ShardSpecError(`Empty entry in shard list "${item}" (check the "::" separators)`);
      // braces caps ranges at 1000 items by default; ImageNet-size shard lists are longer than that
      out.push(...braces(part, { expand: true, rangeLimit: Number.MAX_SAFE_INTEGER }));
    }
  }
  if (out.includes('-') && out.length > 1) {
    throw new ShardSpecError('"-" (stdin) must be the only shard in the list');
  }
  return out;
}
