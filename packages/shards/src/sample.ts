// Samples are runs of consecutive tar members sharing a key (webdataset convention).
import { DuplicatePartError } from './errors.js';
import type { ShardError } from './errors.js';
import type { TarMember } from './tar-members.js';

/** One training example: `parts` maps a lower-case extension (`jpg`, `cls`, `json`, ...) to its bytes. */
export interface Sample {
  key: string;
  /** The shard the sample came from (for an ILSVRC member tar: `outer.tar#n01440764.tar`). */
  url: string;
  parts: Record<string, Buffer>;
}

/** A shard yields samples, and sample-scoped errors as values so that the shard can go on. */
export type ShardItem = { sample: Sample; error?: undefined } | { sample?: undefined; error: ShardError };

/**
 * Splits a member path into key and extension: the key is the path up to the first dot of the basename,
 * the extension the rest, lower-cased (`dir/n01_1.tar.JPEG` -> `dir/n01_1`, `tar.jpeg`).
 * Returns undefined for names without a key or an extension (`README`, `.hidden`).
 */
export function splitKey(name: string): { key: string; ext: string } | undefined {
  const slash = name.lastIndexOf('/');
  const dot = name.indexOf('.', slash + 1);
  if (dot <= slash + 1 || dot === name.length - 1) return undefined;
  return { key: name.slice(0, dot), ext: name.slice(dot + 1).toLowerCase() };
}

/**
 * Groups batches of members into batches of samples; members without key or extension go to `onIgnored`.
 * When the member stream fails, the sample being assembled still comes out if all its members were read
 * whole; a sample whose member was cut (`cutMember()`) is reported through `onPartial` and dropped. Then
 * the error propagates.
 */
export async function* groupSamples(
  members: AsyncIterable<TarMember[]>,
  url: string,
  hooks: { onIgnored: (name: string) => void; onPartial: (key: string) => void; cutMember: () => string | undefined },
): AsyncGenerator<ShardItem[]> {
  let key: string | undefined;
  // null prototype: a member named `x.__proto__` or `x.constructor` is an ordinary part
  let parts: Record<string, Buffer> = Object.create(null);
  let duplicate: DuplicatePartError | undefined;
  const pending = (): ShardItem => (duplicate === undefined ? { sample: { key: key as string, url, parts } } : { error: duplicate });
  const iterator = members[Symbol.asyncIterator]();
  try {
    for (;;) {
      let next: IteratorResult<TarMember[]>;
      try {
        next = await iterator.next();
      } catch (error) {
        const cut = hooks.cutMember();
        const cutKey = cut === undefined ? undefined : (splitKey(cut)?.key ?? cut);
        if (key !== undefined && cutKey !== key) yield [pending()];
        if (cutKey !== undefined) hooks.onPartial(cutKey);
        throw error;
      }
      if (next.done) break;
      const out: ShardItem[] = [];
      for (const member of next.value) {
        const split = splitKey(member.name);
        if (split === undefined) {
          hooks.onIgnored(member.name);
          continue;
        }
        if (split.key !== key) {
          if (key !== undefined) out.push(pending());
          key = split.key;
          parts = Object.create(null);
          duplicate = undefined;
        }
        if (Object.hasOwn(parts, split.ext)) duplicate ??= new DuplicatePartError(url, member.offset, split.key, split.ext);
        else parts[split.ext] = member.data;
      }
      if (out.length > 0) yield out;
    }
  } finally {
    await iterator.return?.();
  }
  if (key !== undefined) yield [pending()];
}

/**
 * Copies the parts that are small views of a larger read buffer, so that a sample held for long (in the
 * shuffle buffer) keeps at most twice its own size alive instead of whole read chunks.
 */
export function compactSample(sample: Sample): Sample {
  for (const ext in sample.parts) {
    const part = sample.parts[ext];
    if (part.byteLength * 2 < part.buffer.byteLength) sample.parts[ext] = Buffer.from(part);
  }
  return sample;
}
