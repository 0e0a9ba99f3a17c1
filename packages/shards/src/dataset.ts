// `shards()`: the re-iterable dataset. Each pass is one epoch: this stream's shards in (seeded) order,
// samples through the shuffle buffer, errors through the policy, and a position that `state()` can save.
import { createHash } from 'node:crypto';
import { ResumeStateError, NoSamplesError, ShardError, TooFewShardsError, invalidOption } from './errors.js';
import { ERROR_POLICIES, emptyStats, handleDataError } from './error-policy.js';
import type { ErrorPolicy, ShardStats } from './error-policy.js';
import { detectLayout, ilsvrcTrainShards, ilsvrcValShard } from './ilsvrc.js';
import type { Layout } from './ilsvrc.js';
import { boolOption, defined, envInt, enumOption, fn, intOption, stringOption } from './is.js';
import { STREAM, permutation, uniformInt } from './prng.js';
import { compactSample } from './sample.js';
import type { Sample } from './sample.js';
import { readShard } from './shard-reader.js';
import type { ReaderHooks } from './shard-reader.js';
import type { ShardRef } from './shard-ref.js';
import { ShuffleBuffer } from './shuffle-buffer.js';
import type { Tagged } from './shuffle-buffer.js';
import { expandShardSpec } from './spec.js';

export interface ShardsOptions {
  /** Seed of the shard order, the shuffle buffer and resampling. Default 0. */
  seed?: number;
  /** Epoch of the first pass; each further pass adds one. Default 0. */
  epoch?: number;
  /** Sample shuffle buffer size in samples; 0 (default) keeps tar order. */
  shuffle?: number;
  /** Samples buffered before the first one comes out. Default: `shuffle`. */
  initial?: number;
  /** Shuffle the shard order each epoch. Default false. */
  shardShuffle?: boolean;
  /** This node's rank. Default: env RANK, else 0. */
  rank?: number;
  /** Number of nodes. Default: env WORLD_SIZE, else 1. */
  worldSize?: number;
  /** This worker's index within the node. Default 0. */
  workerId?: number;
  /** Workers per node. Default 1. */
  numWorkers?: number;
  /** What a data error does. Default 'throw'. */
  errors?: ErrorPolicy;
  /** Hears every data error before the policy applies. */
  onError?: (error: ShardError) => void;
  /** Draw shards with replacement, forever; each pass yields `epochLength` samples. Default false. */
  resampled?: boolean;
  /** Samples per pass and stream in resampled mode (required there). */
  epochLength?: number;
  /** Continue from a `state()` taken earlier. */
  resume?: ShardsState;
  /** Aborts reading; the iterator rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Archive layout. 'auto' (default) picks ILSVRC for the official archive names, else webdataset. */
  layout?: Layout;
  /** ILSVRC validation ground-truth file (one label per line, in file-name order). */
  groundTruth?: string;
  /** Subtracted from integer ground-truth lines. Default 1 (the devkit file is 1-based). */
  groundTruthBase?: number;
  /** Class (wnid) list fixing ILSVRC labels; default: the sorted synsets of the train archive. */
  classes?: string[];
  /** HTTP retries after the first attempt. Default 3. */
  retries?: number;
  /** First HTTP retry delay in ms, doubling per retry. Default 250. */
  retryDelay?: number;
  /** HTTP idle timeout in ms: no data for this long counts as a dropped connection (retried). Default 30,000. */
  timeout?: number;
  /** File read chunk size in bytes. Default 1 MiB. */
  readSize?: number;
}

/** Where a stream stands in an epoch; JSON-serialisable. See the README for the resume semantics. */
export interface ShardsState {
  version: 1;
  epoch: number;
  /** Position in this stream's shard order for the epoch (resampled mode: draw number). */
  shard: number;
  /** Samples already taken from that shard. */
  sample: number;
  /** Samples yielded in this epoch. */
  yielded: number;
  /** Shuffle buffer contents as [shard, sample] positions, in buffer order. */
  buffer: [number, number][];
  /** Fingerprint of the configuration; resuming under another configuration is refused. */
  config: string;
}

/** A re-iterable recipe: every `for await` is one epoch. */
export interface ShardDataset extends AsyncIterable<Sample> {
  /** Position after the last sample yielded by the latest pass (a finished pass points at the next epoch). */
  state(): ShardsState;
  readonly stats: ShardStats;
  /** Epoch the next pass will read. */
  readonly epoch: number;
}

interface Settings {
  seed: number;
  shuffle: number;
  initial: number;
  shardShuffle: boolean;
  rank: number;
  worldSize: number;
  workerId: number;
  numWorkers: number;
  errors: ErrorPolicy;
  onError: ((error: ShardError) => void) | undefined;
  resampled: boolean;
  epochLength: number;
  signal: AbortSignal | undefined;
  layout: Layout;
  groundTruth: string | undefined;
  groundTruthBase: number;
  classes: string[] | undefined;
  retries: number;
  retryDelay: number;
  timeout: number;
  readSize: number;
}

const MAX = Number.MAX_SAFE_INTEGER;

function settings(options: ShardsOptions | undefined): Settings & { epoch: number } {
  if (options !== undefined && (typeof options !== 'object' || options === null)) throw invalidOption('an object', 'options', options);
  const o = options ?? {};
  const shuffle = intOption(o.shuffle, 'options.shuffle', 0, MAX, 0);
  const worldSize = intOption(o.worldSize, 'options.worldSize', 1, MAX, envInt('WORLD_SIZE', 1) ?? 1);
  const rank = intOption(o.rank, 'options.rank', 0, worldSize - 1, envInt('RANK', 0) ?? 0);
  if (rank >= worldSize) throw invalidOption(`an integer between 0 and ${worldSize - 1}`, 'env.RANK', rank);
  const numWorkers = intOption(o.numWorkers, 'options.numWorkers', 1, MAX, 1);
  const resampled = boolOption(o.resampled, 'options.resampled', false);
  if (resampled && o.epochLength === undefined) throw invalidOption('an integer at least 1 (resampled mode)', 'options.epochLength', undefined);
  if (!resampled && o.epochLength !== undefined) throw invalidOption('undefined unless options.resampled is true', 'options.epochLength', o.epochLength);
  if (defined(o.onError) && !fn(o.onError)) throw invalidOption('a function', 'options.onError', o.onError);
  if (defined(o.signal) && !(o.signal instanceof AbortSignal)) throw invalidOption('an AbortSignal', 'options.signal', o.signal);
  if (defined(o.classes) && (!Array.isArray(o.classes) || o.classes.some((c) => typeof c !== 'string'))) {
    throw invalidOption('an array of strings', 'options.classes', o.classes);
  }
  return {
    seed: intOption(o.seed, 'options.seed', -MAX, MAX, 0),
    epoch: intOption(o.epoch, 'options.epoch', 0, MAX, 0),
    shuffle,
    initial: intOption(o.initial, 'options.initial', 1, Math.max(shuffle, 1), Math.max(shuffle, 1)),
    shardShuffle: boolOption(o.shardShuffle, 'options.shardShuffle', false),
    rank,
    worldSize,
    workerId: intOption(o.workerId, 'options.workerId', 0, numWorkers - 1, 0),
    numWorkers,
    errors: enumOption(o.errors, 'options.errors', ERROR_POLICIES, 'throw'),
    onError: o.onError,
    resampled,
    epochLength: resampled ? intOption(o.epochLength, 'options.epochLength', 1, MAX, 1) : 0,
    signal: o.signal,
    layout: enumOption(o.layout, 'options.layout', ['auto', 'webdataset', 'ilsvrc-train', 'ilsvrc-val'] as const, 'auto'),
    groundTruth: stringOption(o.groundTruth, 'options.groundTruth'),
    groundTruthBase: intOption(o.groundTruthBase, 'options.groundTruthBase', 0, 1, 1),
    classes: o.classes,
    retries: intOption(o.retries, 'options.retries', 0, 100, 3),
    retryDelay: intOption(o.retryDelay, 'options.retryDelay', 0, 3_600_000, 250),
    timeout: intOption(o.timeout, 'options.timeout', 1, 3_600_000, 30_000),
    readSize: intOption(o.readSize, 'options.readSize', 512, 1 << 30, 1 << 20),
  };
}

function checkState(state: unknown, config: string): ShardsState {
  const s = state as ShardsState;
  const int = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0;
  const ok = typeof s === 'object' && s !== null && s.version === 1 && int(s.epoch) && int(s.shard) && int(s.sample) &&
    int(s.yielded) && Array.isArray(s.buffer) && s.buffer.every((p) => Array.isArray(p) && p.length === 2 && int(p[0]) && int(p[1]));
  if (!ok) throw invalidOption('a state returned by dataset.state()', 'options.resume', JSON.stringify(state));
  if (s.config !== config) {
    throw new ResumeStateError(
      'options.resume was taken with another configuration (seed, shuffle, split, resampling, error policy or shard list differ)',
    );
  }
  return s;
}

/** Streams samples from tar shards: `spec` is paths, brace ranges, `::`-joined lists, http(s) URLs or `-` (stdin). */
export function shards(spec: string | string[], options?: ShardsOptions): ShardDataset {
  const locations = expandShardSpec(spec, 'spec');
  const s = settings(options);
  const layouts = locations.map((l) => (s.layout === 'auto' ? detectLayout(l) : s.layout));
  const streams = s.worldSize * s.numWorkers;
  if (!s.resampled && layouts.every((l) => l !== 'ilsvrc-train') && locations.length < streams) {
    throw new TooFewShardsError(locations.length, s.worldSize, s.numWorkers);
  }
  const config = createHash('sha256')
    .update(JSON.stringify([locations, layouts, s.seed, s.shuffle, s.initial, s.shardShuffle, s.rank, s.worldSize,
      s.workerId, s.numWorkers, s.resampled, s.epochLength, s.errors, s.classes ?? null]))
    .digest('hex')
    .slice(0, 16);
  let pending = options?.resume === undefined ? undefined : checkState(options.resume, config);
  let nextEpoch = pending?.epoch ?? s.epoch;
  const stats = emptyStats();
  let refsPromise: Promise<ShardRef[]> | undefined;
  const fresh = (epoch: number): ShardsState => ({ version: 1, epoch, shard: 0, sample: 0, yielded: 0, buffer: [], config });
  let current: () => ShardsState = () => pending ?? fresh(nextEpoch);

  const resolveRefs = async (): Promise<ShardRef[]> => {
    const refs: ShardRef[] = [];
    for (let i = 0; i < locations.length; i++) {
      const location = locations[i];
      if (layouts[i] === 'ilsvrc-train') refs.push(...(await ilsvrcTrainShards(location, s, s.classes)));
      else if (layouts[i] === 'ilsvrc-val') refs.push(await ilsvrcValShard(location, s.groundTruth, s.groundTruthBase, s.classes));
      else refs.push({ url: location, location });
    }
    if (!s.resampled && refs.length < streams) throw new TooFewShardsError(refs.length, s.worldSize, s.numWorkers);
    return refs;
  };

  let partial = false;
  const hooks: ReaderHooks = {
    readSize: s.readSize,
    retries: s.retries,
    retryDelay: s.retryDelay,
    timeout: s.timeout,
    signal: s.signal,
    onBytes: (n) => (stats.bytes += n),
    onRetry: () => stats.retries++,
    onIgnored: () => stats.ignoredEntries++,
    onPartial: () => (partial = true),
  };

  async function* pass(epoch: number, resume: ShardsState | undefined): AsyncGenerator<Sample> {
    refsPromise ??= resolveRefs();
    const refs = await refsPromise;
    let order: (cursor: number) => ShardRef | undefined;
    if (s.resampled) {
      order = (cursor) => refs[uniformInt(refs.length, [s.seed, epoch, STREAM.resample, s.rank, s.workerId, cursor])];
    } else {
      const perm = s.shardShuffle ? permutation(refs.length, [s.seed, epoch, STREAM.shardOrder]) : refs.map((_, i) => i);
      // node split first, then worker split, so a node's shards do not depend on its worker count
      const mine = perm.filter((_, i) => i % s.worldSize === s.rank).filter((_, j) => j % s.numWorkers === s.workerId);
      order = (cursor) => (cursor < mine.length ? refs[mine[cursor]] : undefined);
    }
    const key = [s.seed, epoch, STREAM.sampleShuffle, s.rank, s.workerId];
    const buffer = new ShuffleBuffer(s.shuffle, s.initial, key, resume === undefined ? undefined : {
      items: await restoreBuffer(resume, order),
      taken: resume.yielded,
    });
    let cursor = resume?.shard ?? 0;
    let index = 0;
    let yielded = resume?.yielded ?? 0;
    current = () => ({
      version: 1, epoch, shard: cursor, sample: index, yielded, config,
      buffer: buffer.items.map((t): [number, number] => [t.shard, t.index]),
    });
    let skipTo = resume?.sample ?? 0;
    let emptyRun = 0;
    for (; ; cursor++) {
      if (s.resampled && yielded >= s.epochLength) return;
      const ref = order(cursor);
      index = 0;
      if (ref === undefined) break;
      s.signal?.throwIfAborted();
      partial = false;
      let completed = false;
      let abandoned = false;
      try {
        reading: for await (const batch of readShard(ref, hooks)) for (const item of batch) {
          if (item.error !== undefined) {
            if (index < skipTo) continue;
            if (handleDataError(item.error, s.errors, stats, s.onError) === 'sample') continue;
            abandoned = true;
            break reading;
          }
          if (index < skipTo) {
            index++;
            continue;
          }
          buffer.push({ sample: s.shuffle > 1 ? compactSample(item.sample) : item.sample, shard: cursor, index });
          index++;
          if (!buffer.ready()) continue;
          const next = buffer.take();
          yielded++;
          stats.samples++;
          yield next.sample;
          if (s.resampled && yielded >= s.epochLength) return;
        }
        completed = !abandoned;
      } catch (error) {
        s.signal?.throwIfAborted();
        handleDataError(error, s.errors, stats, s.onError);
        if (partial) stats.skippedSamples++;
      }
      if (completed) stats.shards++;
      emptyRun = index === 0 ? emptyRun + 1 : 0;
      if (s.resampled && emptyRun >= 4 * refs.length + 16) throw new NoSamplesError(emptyRun);
      skipTo = 0;
    }
    while (buffer.length > 0) {
      const next = buffer.take();
      yielded++;
      stats.samples++;
      yield next.sample;
    }
    current = () => fresh(epoch + 1);
  }

  /** Re-reads the samples that sat in the shuffle buffer when the state was taken. */
  async function restoreBuffer(resume: ShardsState, order: (cursor: number) => ShardRef | undefined): Promise<Tagged[]> {
    const wanted = new Map<number, Set<number>>();
    for (const [shard, index] of resume.buffer) {
      if (!wanted.has(shard)) wanted.set(shard, new Set());
      wanted.get(shard)?.add(index);
    }
    const found = new Map<string, Tagged>();
    for (const [shard, indices] of [...wanted].sort((a, b) => a[0] - b[0])) {
      const ref = order(shard);
      if (ref === undefined) throw new ResumeStateError(`options.resume refers to shard position ${shard}, which this epoch does not have`);
      let index = 0;
      let left = indices.size;
      try {
        reading: for await (const batch of readShard(ref, hooks)) for (const item of batch) {
          if (item.sample === undefined) continue;
          if (indices.has(index)) {
            found.set(`${shard}:${index}`, { sample: compactSample(item.sample), shard, index });
            if (--left === 0) break reading;
          }
          index++;
        }
      } catch (error) {
        if (!(error instanceof ShardError)) throw error;
      }
      if (left > 0) throw new ResumeStateError(`Cannot restore the shuffle buffer: ${ref.url} no longer has the samples it had`);
    }
    return resume.buffer.map(([shard, index]) => found.get(`${shard}:${index}`) as Tagged);
  }

  return {
    [Symbol.asyncIterator](): AsyncIterator<Sample> {
      const resume = pending;
      pending = undefined;
      const epoch = resume?.epoch ?? nextEpoch;
      nextEpoch = epoch + 1;
      current = () => resume ?? fresh(epoch);
      return pass(epoch, resume);
    },
    state: () => current(),
    stats,
    get epoch() {
      return nextEpoch;
    },
  };
}
