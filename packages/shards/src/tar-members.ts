// Tar members of a byte stream, pulled one chunk at a time: nothing is read before the consumer asks.
import { ShardsError, ShardReadError } from './errors.js';
import { TarParser } from './tar-parser.js';
import type { TarMember } from './tar-parser.js';

export type { TarMember } from './tar-parser.js';

/**
 * Whole file members of the tar in `chunks`, in batches (the members completed by one chunk), so that the
 * per-member cost is a loop step rather than an async hop. Non-file entries (directories, links) go to `onIgnored`; a
 * failure in the middle of a member's data names that member through `onCut` first. `base` is the offset
 * of the first byte (a member tar read out of an outer tar).
 */
export async function* tarMembers(
  chunks: AsyncIterable<Buffer>,
  url: string,
  base: number,
  hooks: { onIgnored: (name: string) => void; onCut: (name: string) => void },
): AsyncGenerator<TarMember[]> {
  const parser = new TarParser(url, base, hooks.onIgnored);
  try {
    for await (const chunk of chunks) {
      const out: TarMember[] = [];
      let failure: unknown;
      try {
        parser.push(chunk, out);
      } catch (error) {
        failure = error;
      }
      // members completed before a bad header in the same chunk are still good
      if (out.length > 0) yield out;
      if (failure !== undefined) throw failure;
    }
    parser.end();
  } catch (error) {
    const cut = parser.cut;
    if (cut !== undefined) hooks.onCut(cut);
    if (error instanceof ShardsError || (error as Error).name === 'AbortError') throw error;
    throw new ShardReadError(url, base, (error as Error).message, error);
  }
}
