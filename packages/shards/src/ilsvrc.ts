// ILSVRC-2012 archives read in place: the train tar's per-synset member tars become shards of their own
// (byte ranges of the outer file, streamed, never unpacked), labelled by the synset's index in the sorted
// wnid list; the val tar is one shard labelled from the ground-truth file.
import { readFile } from 'node:fs/promises';
import { ShardSpecError } from './errors.js';
import type { ShardRef } from './shard-ref.js';
import { indexTar } from './tar-index.js';

export type Layout = 'auto' | 'webdataset' | 'ilsvrc-train' | 'ilsvrc-val';

/** The layout a location has under `auto`: by the official archive names. */
export function detectLayout(location: string): Exclude<Layout, 'auto'> {
  const base = location.slice(location.lastIndexOf('/') + 1);
  if (/^ILSVRC2012_img_train(_t3)?\.tar$/.test(base)) return 'ilsvrc-train';
  if (/^ILSVRC2012_img_val\.tar$/.test(base)) return 'ilsvrc-val';
  return 'webdataset';
}

/** One shard per synset tar inside the train archive; labels follow the sorted wnids (or `classes`). */
export async function ilsvrcTrainShards(
  location: string,
  http: { retries: number; retryDelay: number; timeout: number },
  classes: readonly string[] | undefined,
): Promise<ShardRef[]> {
  if (location === '-') {
    throw new ShardSpecError('The ilsvrc-train layout reads member tars by byte range; stdin ("-") cannot be read that way');
  }
  const members = (await indexTar(location, location, http)).filter((m) => m.name.endsWith('.tar'));
  if (members.length === 0) throw new ShardSpecError(`${location} holds no member .tar files; is it ILSVRC2012_img_train.tar?`);
  const wnid = (name: string): string => name.slice(name.lastIndexOf('/') + 1, -'.tar'.length);
  const order = classes ?? members.map((m) => wnid(m.name)).sort();
  const index = new Map(order.map((w, i) => [w, i]));
  return members.map((m) => {
    const label = index.get(wnid(m.name));
    if (label === undefined) throw new ShardSpecError(`Synset ${wnid(m.name)} in ${location} is not in options.classes`);
    return { url: `${location}#${m.name}`, location, start: m.start, end: m.start + m.size, label };
  });
}

/**
 * The validation tar as one shard. Ground-truth line i labels `ILSVRC2012_val_<i+1>`; a line is a class
 * index (integer, minus `base`: the official devkit file is 1-based) or a wnid looked up in `classes`.
 */
export async function ilsvrcValShard(
  location: string,
  groundTruth: string | undefined,
  base: number,
  classes: readonly string[] | undefined,
): Promise<ShardRef> {
  if (groundTruth === undefined) return { url: location, location };
  const lines = (await readFile(groundTruth, 'utf8')).split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  const index = classes === undefined ? undefined : new Map(classes.map((w, i) => [w, i]));
  const labels = lines.map((line, i) => {
    if (/^\d+$/.test(line)) return Number(line) - base;
    const label = index?.get(line);
    if (label === undefined) {
      throw new ShardSpecError(
        `${groundTruth} line ${i + 1}: "${line}" is ${index ? 'not in options.classes' : 'a wnid, which needs options.classes'}`,
      );
    }
    return label;
  });
  const labelOf = (key: string): number | undefined => {
    const n = /(\d+)$/.exec(key);
    return n === null ? undefined : labels[Number(n[1]) - 1];
  };
  return { url: location, location, labelOf };
}
