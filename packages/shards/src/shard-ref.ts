// What the dataset iterates over: a byte range of a location, plus how to label its samples.

export interface ShardRef {
  /** Names the shard in samples, errors and state. */
  url: string;
  /** File path, `file://` or `http(s)://` URL, or `-` for stdin. */
  location: string;
  /** Byte range inside the location (a member tar of an ILSVRC tar-of-tars). */
  start?: number;
  end?: number;
  /** Class label added as `.cls` to every sample (ILSVRC train synset). */
  label?: number;
  /** Class label by sample key (ILSVRC validation ground truth). */
  labelOf?: (key: string) => number | undefined;
}
