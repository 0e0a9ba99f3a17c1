// Lists the members of a tar by reading only its header blocks (random access on a file, Range requests
// over HTTP), so that the members of an ILSVRC tar-of-tars can be read as shards of their own.
import { open } from 'node:fs/promises';
import { CorruptTarHeaderError, NotATarError, ShardNotFoundError, ShardReadError, TruncatedTarError } from './errors.js';
import { httpBytes } from './http-source.js';
import { isHttp } from './source.js';
import { decodeHeader, decodePax, isZeroBlock } from './tar-header.js';

export interface IndexedMember {
  name: string;
  /** Byte offset of the member's data (after its header). */
  start: number;
  size: number;
}

interface RandomAccess {
  read(offset: number, length: number): Promise<Buffer>;
  close(): Promise<void>;
}

async function openRandomAccess(location: string, url: string, http: { retries: number; retryDelay: number; timeout: number }): Promise<RandomAccess> {
  if (isHttp(location)) {
    return {
      async read(offset, length) {
        const parts: Buffer[] = [];
        const o = { ...http, start: offset, end: offset + length, signal: undefined, onRetry: undefined };
        for await (const chunk of httpBytes(location, o)) parts.push(chunk);
        return Buffer.concat(parts);
      },
      close: async () => undefined,
    };
  }
  let handle;
  try {
    handle = await open(location.startsWith('file://') ? new URL(location) : location, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new ShardNotFoundError(url, error);
    throw new ShardReadError(url, 0, (error as Error).message, error);
  }
  const file = handle;
  return {
    async read(offset, length) {
      const buf = Buffer.alloc(length);
      const { bytesRead } = await file.read(buf, 0, length, offset);
      return buf.subarray(0, bytesRead);
    },
    close: () => file.close(),
  };
}

/** The file members of the tar at `location`, with data offsets, read from header blocks only. */
export async function indexTar(
  location: string,
  url: string,
  http: { retries: number; retryDelay: number; timeout: number },
): Promise<IndexedMember[]> {
  const access = await openRandomAccess(location, url, http);
  const members: IndexedMember[] = [];
  try {
    let offset = 0;
    let longName: string | undefined;
    for (;;) {
      const block = await access.read(offset, 512);
      if (block.length === 0 && offset > 0) break;
      if (block.length < 512) {
        if (offset === 0) throw new NotATarError(url, block.length);
        throw new TruncatedTarError(url, offset + block.length, undefined);
      }
      if (isZeroBlock(block)) break;
      const header = decodeHeader(block);
      if (header === undefined) {
        if (offset === 0) throw new NotATarError(url, block.length);
        throw new CorruptTarHeaderError(url, offset);
      }
      const start = offset + 512;
      offset = start + ((header.size + 511) & ~511);
      if (header.type === 'L') {
        longName = (await access.read(start, header.size)).toString('utf8').replace(/\0+$/, '');
        continue;
      }
      if (header.type === 'x') {
        longName = decodePax(await access.read(start, header.size)).path ?? longName;
        continue;
      }
      if (header.type !== '0' && header.type !== '7') {
        longName = undefined;
        continue;
      }
      members.push({ name: longName ?? header.name, start, size: header.size });
      longName = undefined;
    }
  } finally {
    await access.close();
  }
  return members;
}
