// The per-stream error policy, exported so that later stages (image decoding in @twinflow/stream) skip and
// count exactly the way the shard reader does.
import { ShardError } from './errors.js';

/** `throw` (default) rethrows; `skip-sample` drops the sample; `skip-shard` drops the rest of its shard. */
export type ErrorPolicy = 'throw' | 'skip-sample' | 'skip-shard';

export const ERROR_POLICIES: readonly ErrorPolicy[] = ['throw', 'skip-sample', 'skip-shard'];

/** Counters of everything read and everything skipped; nothing is dropped without a count. */
export interface ShardStats {
  /** Samples yielded. */
  samples: number;
  /** Samples dropped by an error (a bad sample, or the partial sample at a truncation). */
  skippedSamples: number;
  /** Shards abandoned early by an error. */
  skippedShards: number;
  /** Shards read to the end. */
  shards: number;
  /** Raw bytes read from files, HTTP or stdin (compressed bytes for gzip shards). */
  bytes: number;
  /** Tar entries that are not sample parts (directories, links, names without a key or extension). */
  ignoredEntries: number;
  /** HTTP retries. */
  retries: number;
  /** Every error that was skipped, by error name (`TruncatedTarError: 2`). */
  errors: Record<string, number>;
}

export function emptyStats(): ShardStats {
  return { samples: 0, skippedSamples: 0, skippedShards: 0, shards: 0, bytes: 0, ignoredEntries: 0, retries: 0, errors: {} };
}

/**
 * Applies a policy to one data error: rethrows it under `throw` (and for errors that are not ShardErrors),
 * otherwise counts it in `stats` and returns what to drop. A shard-scoped error (truncation, HTTP) drops
 * the rest of the shard under both skip policies, since nothing after it can be read.
 */
export function handleDataError(
  error: unknown,
  policy: ErrorPolicy,
  stats: ShardStats,
  onError?: (error: ShardError) => void,
): 'sample' | 'shard' {
  if (!(error instanceof ShardError)) throw error;
  onError?.(error);
  if (policy === 'throw') throw error;
  stats.errors[error.name] = (stats.errors[error.name] ?? 0) + 1;
  if (error.scope === 'sample' && policy === 'skip-sample') {
    stats.skippedSamples++;
    return 'sample';
  }
  if (error.scope === 'sample') stats.skippedSamples++;
  stats.skippedShards++;
  return 'shard';
}
