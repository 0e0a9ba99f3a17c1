// Byte sources behind a shard location: a file (optionally a byte range of it), an http(s) URL, or stdin;
// gzip is detected by its magic bytes and undone here, so the tar reader only ever sees tar bytes.
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { Readable, pipeline } from 'node:stream';
import { GzipError, ShardNotFoundError, ShardReadError, ShardsError } from './errors.js';
import { httpBytes } from './http-source.js';

export interface SourceOptions {
  start?: number;
  end?: number;
  /** Read chunk size in bytes for files and gunzip output. */
  readSize: number;
  retries: number;
  retryDelay: number;
  timeout: number;
  signal: AbortSignal | undefined;
  /** Called with the size of every raw chunk read (compressed bytes for gzip shards). */
  onBytes: (n: number) => void;
  onRetry: () => void;
}

export const isHttp = (location: string): boolean => /^https?:\/\//i.test(location);

let stdinTaken = false;

/** Raw bytes of a location, without gzip handling. */
async function* rawBytes(location: string, url: string, o: SourceOptions): AsyncGenerator<Buffer> {
  if (isHttp(location)) {
    const http = { ...o, start: o.start ?? 0, end: o.end };
    for await (const chunk of httpBytes(location, http)) {
      o.onBytes(chunk.length);
      yield chunk;
    }
    return;
  }
  if (location === '-') {
    // stdin can be consumed once per process; a second pass would silently read nothing
    if (stdinTaken) throw new ShardReadError(url, 0, 'stdin was already consumed by an earlier pass');
    stdinTaken = true;
    for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
      o.onBytes(chunk.length);
      yield chunk;
    }
    return;
  }
  const path = location.startsWith('file://') ? new URL(location) : location;
  const stream = createReadStream(path, {
    start: o.start, end: o.end === undefined ? undefined : o.end - 1, highWaterMark: o.readSize, signal: o.signal,
  });
  let pos = o.start ?? 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      pos += chunk.length;
      o.onBytes(chunk.length);
      yield chunk;
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ShardNotFoundError(url, error);
    if (code === 'ABORT_ERR') throw error;
    throw new ShardReadError(url, pos, (error as Error).message, error);
  } finally {
    // Wait for the descriptor to be closed, so that a consumer that stops early and awaits its
    // iterator's return() leaves no file handle behind.
    if (!stream.closed) {
      const closed = new Promise<void>((resolve) => stream.once('close', () => resolve()));
      stream.destroy();
      await closed;
    }
  }
}

/** Tar bytes of a location: raw bytes, gunzipped when they start with the gzip magic 1f 8b. */
export async function* tarBytes(location: string, url: string, o: SourceOptions): AsyncGenerator<Buffer> {
  const raw = rawBytes(location, url, o);
  // closes the file / connection also when the consumer stops before the first delegated chunk
  try {
    const head: Buffer[] = [];
    let headLength = 0;
    while (headLength < 2) {
      const next = await raw.next();
      if (next.done) break;
      head.push(next.value);
      headLength += next.value.length;
    }
    const first = head.length === 1 ? head[0] : Buffer.concat(head);
    if (first.length < 2 || first[0] !== 0x1f || first[1] !== 0x8b) {
      if (first.length > 0) yield first;
      yield* raw;
      return;
    }
    yield* gunzipped(first, raw, url, o.readSize);
  } finally {
    await raw.return(undefined);
  }
}

async function* gunzipped(first: Buffer, rest: AsyncIterable<Buffer>, url: string, readSize: number): AsyncGenerator<Buffer> {
  async function* all(): AsyncGenerator<Buffer> {
    yield first;
    yield* rest;
  }
  const gunzip = createGunzip({ chunkSize: Math.min(readSize, 1 << 20) });
  pipeline(Readable.from(all(), { objectMode: false }), gunzip, () => undefined);
  let produced = 0;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      produced += chunk.length;
      yield chunk;
    }
  } catch (error) {
    if (error instanceof ShardsError || (error as Error).name === 'AbortError') throw error;
    throw new GzipError(url, produced, error);
  } finally {
    gunzip.destroy();
  }
}
