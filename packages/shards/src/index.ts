// Public surface of @twinflow/shards.
export { shards } from './dataset.js';
export type { ShardDataset, ShardsOptions, ShardsState } from './dataset.js';
export type { Sample } from './sample.js';
export { splitKey } from './sample.js';
export { decodeCls, decodeJson, imagePart } from './decode.js';
export { ERROR_POLICIES, emptyStats, handleDataError } from './error-policy.js';
export type { ErrorPolicy, ShardStats } from './error-policy.js';
export { expandShardSpec } from './spec.js';
export type { Layout } from './ilsvrc.js';
export { ShardWriter, formatShardPath } from './shard-writer.js';
export type { SampleInput, ShardWriterOptions, WrittenShard } from './shard-writer.js';
export { makeShardsFromImageFolder } from './image-folder.js';
export type { MakeShardsOptions, MakeShardsResult } from './image-folder.js';
export {
  ShardsError, ShardsOptionError, ShardError, ShardNotFoundError, ShardReadError, HttpError, TarFormatError,
  TruncatedTarError, CorruptTarHeaderError, NotATarError, GzipError, DuplicatePartError, SamplePartError,
  TooFewShardsError, ShardSpecError, ResumeStateError, NoSamplesError, ShardWriteError,
} from './errors.js';
