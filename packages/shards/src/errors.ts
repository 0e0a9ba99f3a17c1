// Every error class and message of @twinflow/shards comes from this module, so the wording lives in one place.

/** Base class of everything this package throws on purpose. */
export class ShardsError extends Error {
  override name = 'ShardsError';
}

/** An option had the wrong type or range; the message names the option path (`options.shuffle`). */
export class ShardsOptionError extends ShardsError {
  override name = 'ShardsOptionError';
}

/** sharp-style option message: `Expected <expected> for <name> but received <actual> of type <typeof>`. */
export function invalidOption(expected: string, name: string, actual: unknown): ShardsOptionError {
  return new ShardsOptionError(`Expected ${expected} for ${name} but received ${String(actual)} of type ${typeof actual}`);
}

/**
 * A data error tied to one shard. `scope` says what it spoils: `'sample'` errors leave the tar framing
 * intact (the next sample can be read), `'shard'` errors end the shard.
 */
export class ShardError extends ShardsError {
  override name = 'ShardError';
  readonly url: string;
  /** Byte offset in the shard (in the decompressed stream for gzip shards); undefined when not applicable. */
  readonly offset: number | undefined;
  readonly key: string | undefined;
  readonly scope: 'sample' | 'shard';

  constructor(message: string, details: { url: string; offset?: number; key?: string; scope: 'sample' | 'shard'; cause?: unknown }) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.url = details.url;
    this.offset = details.offset;
    this.key = details.key;
    this.scope = details.scope;
  }
}

const at = (url: string, offset: number): string => `${url} at byte ${offset}`;

/** The shard file does not exist. */
export class ShardNotFoundError extends ShardError {
  override name = 'ShardNotFoundError';
  constructor(url: string, cause?: unknown) {
    super(`Shard not found: ${url}. Check the path and the brace range.`, { url, offset: 0, scope: 'shard', cause });
  }
}

/** Reading the shard failed for another reason (permissions, I/O error, stdin read twice). */
export class ShardReadError extends ShardError {
  override name = 'ShardReadError';
  constructor(url: string, offset: number, reason: string, cause?: unknown) {
    super(`Cannot read ${at(url, offset)}: ${reason}`, { url, offset, scope: 'shard', cause });
  }
}

/** An HTTP server answered with a status that is not retried (4xx) or kept failing until the last retry. */
export class HttpError extends ShardError {
  override name = 'HttpError';
  readonly status: number | undefined;
  readonly attempts: number;
  constructor(url: string, offset: number, details: { status?: number; attempts: number; reason: string; cause?: unknown }) {
    super(
      `HTTP request for ${at(url, offset)} failed after ${details.attempts} attempt${details.attempts === 1 ? '' : 's'}: ${details.reason}`,
      { url, offset, scope: 'shard', cause: details.cause },
    );
    this.status = details.status;
    this.attempts = details.attempts;
  }
}

/** Base of the tar framing errors below. */
export class TarFormatError extends ShardError {
  override name = 'TarFormatError';
}

/** The data ended inside a header or a member. */
export class TruncatedTarError extends TarFormatError {
  override name = 'TruncatedTarError';
  constructor(url: string, offset: number, member: string | undefined, cause?: unknown) {
    const inside = member === undefined ? 'inside a header' : `inside member "${member}"`;
    super(`Truncated tar: ${url} ends at byte ${offset} ${inside}. The download or copy was probably cut short.`, {
      url, offset, scope: 'shard', cause,
    });
  }
}

/** A header block failed its checksum or magic check after at least one good member. */
export class CorruptTarHeaderError extends TarFormatError {
  override name = 'CorruptTarHeaderError';
  constructor(url: string, offset: number, cause?: unknown) {
    super(`Invalid tar header in ${at(url, offset)}. The tar is probably corrupted.`, { url, offset, scope: 'shard', cause });
  }
}

/** The first block is not a tar header (or the file is empty / shorter than one block). */
export class NotATarError extends TarFormatError {
  override name = 'NotATarError';
  constructor(url: string, size: number | undefined, cause?: unknown) {
    const why = size === 0 ? 'it is empty (0 bytes)' : 'its first 512 bytes are not a tar header';
    super(`Not a tar archive: ${url}: ${why}. Is it the right file, or compressed with something other than gzip?`, {
      url, offset: 0, scope: 'shard', cause,
    });
  }
}

/** The gzip layer of a `.tar.gz` shard is corrupt or cut short. */
export class GzipError extends ShardError {
  override name = 'GzipError';
  constructor(url: string, offset: number, cause?: unknown) {
    super(`Corrupt or truncated gzip data in ${url} after ${offset} decompressed bytes`, { url, offset, scope: 'shard', cause });
  }
}

/** Two members of one sample share an extension (`a.jpg`, `a.jpg`): the sample is ambiguous. */
export class DuplicatePartError extends ShardError {
  override name = 'DuplicatePartError';
  constructor(url: string, offset: number, key: string, ext: string) {
    super(`Sample "${key}" in ${at(url, offset)} has the extension "${ext}" twice`, { url, offset, key, scope: 'sample' });
  }
}

/** A part a decoder needs is missing or does not parse (`.cls` not an integer, `.json` not JSON). */
export class SamplePartError extends ShardError {
  override name = 'SamplePartError';
  constructor(url: string, key: string, reason: string, cause?: unknown) {
    super(`Sample "${key}" from ${url}: ${reason}`, { url, key, scope: 'sample', cause });
  }
}

/** More (rank x worker) streams than shards: some stream would get no data. */
export class TooFewShardsError extends ShardsError {
  override name = 'TooFewShardsError';
  constructor(shards: number, worldSize: number, numWorkers: number) {
    super(
      `${shards} shard${shards === 1 ? '' : 's'} cannot be split over ${worldSize} rank${worldSize === 1 ? '' : 's'} x ` +
        `${numWorkers} worker${numWorkers === 1 ? '' : 's'} = ${worldSize * numWorkers} streams: every stream needs at ` +
        'least one shard. Use fewer workers, more (smaller) shards, or resampled mode.',
    );
  }
}

/** The shard spec expanded to nothing or to something unusable. */
export class ShardSpecError extends ShardsError {
  override name = 'ShardSpecError';
}

/** A resume state does not belong to this dataset configuration, or the data changed since it was taken. */
export class ResumeStateError extends ShardsError {
  override name = 'ResumeStateError';
}

/** Resampled mode drew many shards in a row that produced no sample. */
export class NoSamplesError extends ShardsError {
  override name = 'NoSamplesError';
  constructor(draws: number) {
    super(`Resampled mode drew ${draws} shards in a row without a single readable sample; check the shard list`);
  }
}

/** Writing shards failed (bad pattern, bad key, filesystem error). */
export class ShardWriteError extends ShardsError {
  override name = 'ShardWriteError';
}
