// Packs samples into numbered tar shards with reproducible bytes: fixed mtime, owner and mode in every header.
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { pack } from 'tar-stream';
import type { Pack } from 'tar-stream';
import { ShardWriteError, invalidOption } from './errors.js';
import { defined, intOption } from './is.js';

export interface ShardWriterOptions {
  /** Samples per shard. Default 10,000. */
  maxCount?: number;
  /** Tar bytes per shard (headers and padding included); a single larger sample still gets a shard. Default 1 GiB. */
  maxBytes?: number;
  /** First shard number. Default 0. */
  start?: number;
  /** mtime written in every header. Default 2000-01-01T00:00:00Z. */
  mtime?: Date;
  /** Called after each shard is complete on disk. */
  onShard?: (shard: WrittenShard) => void;
}

export interface WrittenShard {
  path: string;
  samples: number;
  /** Size of the tar file in bytes. */
  bytes: number;
}

/** What `ShardWriter.write` takes: the key (no dot in its basename) and ext -> bytes. */
export interface SampleInput {
  key: string;
  parts: Record<string, Buffer | Uint8Array | string>;
}

const pad512 = (n: number): number => (n + 511) & ~511;

/** Formats a `printf`-style shard pattern (`out/train-%06d.tar`) with the shard number. */
export function formatShardPath(pattern: string, n: number): string {
  return pattern.replace(/%(0?)(\d*)d/, (_, zero: string, width: string) => String(n).padStart(Number(width || 0), zero ? '0' : ' '));
}

interface Open {
  path: string;
  tar: Pack;
  done: Promise<void>;
  samples: number;
  bytes: number;
}

export class ShardWriter {
  private readonly maxCount: number;
  private readonly maxBytes: number;
  private readonly mtime: Date;
  private readonly onShard: ((shard: WrittenShard) => void) | undefined;
  private next: number;
  private open: Open | undefined;
  private closed = false;
  /** Shards finished so far. */
  readonly shards: WrittenShard[] = [];

  /** `pattern` holds one `%d` / `%06d` for the shard number. */
  constructor(private readonly pattern: string, options: ShardWriterOptions = {}) {
    if (typeof pattern !== 'string' || (pattern.match(/%0?\d*d/g) ?? []).length !== 1) {
      throw invalidOption('a path pattern with exactly one %d or %06d', 'pattern', pattern);
    }
    this.maxCount = intOption(options.maxCount, 'options.maxCount', 1, Number.MAX_SAFE_INTEGER, 10_000);
    this.maxBytes = intOption(options.maxBytes, 'options.maxBytes', 2048, Number.MAX_SAFE_INTEGER, 1 << 30);
    this.next = intOption(options.start, 'options.start', 0, Number.MAX_SAFE_INTEGER, 0);
    if (defined(options.mtime) && !(options.mtime instanceof Date && Number.isFinite(options.mtime.getTime()))) {
      throw invalidOption('a valid Date', 'options.mtime', options.mtime);
    }
    this.mtime = options.mtime ?? new Date(Date.UTC(2000, 0, 1));
    this.onShard = options.onShard;
  }

  /** Appends one sample, starting a new shard when this one would pass maxCount or maxBytes. */
  async write(sample: SampleInput): Promise<void> {
    if (this.closed) throw new ShardWriteError('ShardWriter.write after close()');
    const { key, parts } = sample;
    const base = typeof key === 'string' ? key.slice(key.lastIndexOf('/') + 1) : '';
    if (base === '' || base.includes('.')) {
      throw new ShardWriteError(`Sample key ${JSON.stringify(key)} must be non-empty with no dot after the last "/"`);
    }
    const entries = Object.entries(parts).map(([ext, value]): [string, Buffer] => {
      if (ext === '' || ext.includes('/')) throw new ShardWriteError(`Sample "${key}": part name ${JSON.stringify(ext)} is not an extension`);
      return [ext, typeof value === 'string' ? Buffer.from(value) : Buffer.from(value.buffer, value.byteOffset, value.byteLength)];
    });
    if (entries.length === 0) throw new ShardWriteError(`Sample "${key}" has no parts`);
    // pax headers for names over 100 bytes cost about two more blocks
    const size = entries.reduce((n, [ext, b]) => n + 512 + pad512(b.length) + (Buffer.byteLength(`${key}.${ext}`) > 100 ? 1536 : 0), 0);
    if (this.open && (this.open.samples >= this.maxCount || this.open.bytes + size + 1024 > this.maxBytes)) await this.finish();
    const shard = this.open ?? (await this.start());
    for (const [ext, data] of entries) {
      await new Promise<void>((resolve, reject) => {
        shard.tar.entry(
          { name: `${key}.${ext}`, size: data.length, mtime: this.mtime, mode: 0o644, uid: 0, gid: 0, uname: '', gname: '', type: 'file' },
          data,
          (error) => (error ? reject(error) : resolve()),
        );
      });
    }
    shard.samples++;
    shard.bytes += size;
  }

  /** Finishes the last shard; returns every shard written. */
  async close(): Promise<WrittenShard[]> {
    if (!this.closed) {
      this.closed = true;
      if (this.open) await this.finish();
    }
    return this.shards;
  }

  private async start(): Promise<Open> {
    const path = formatShardPath(this.pattern, this.next++);
    await mkdir(dirname(path), { recursive: true });
    const tar = pack();
    // written under a temporary name so that a crash never leaves a short tar under the final name
    const done = pipeline(tar, createWriteStream(`${path}.partial`));
    done.catch(() => undefined);
    this.open = { path, tar, done, samples: 0, bytes: 0 };
    return this.open;
  }

  private async finish(): Promise<void> {
    const shard = this.open as Open;
    this.open = undefined;
    shard.tar.finalize();
    try {
      await shard.done;
      await rename(`${shard.path}.partial`, shard.path);
    } catch (error) {
      await rm(`${shard.path}.partial`, { force: true });
      throw new ShardWriteError(`Writing ${shard.path} failed: ${(error as Error).message}`, { cause: error });
    }
    const written = { path: shard.path, samples: shard.samples, bytes: shard.bytes + 1024 };
    this.shards.push(written);
    this.onShard?.(written);
  }
}
