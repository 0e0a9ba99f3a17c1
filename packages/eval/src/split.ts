// Split identity: a digest of the sample keys (and labels) so that results on "the same split" can be checked.
import { createHash } from 'node:crypto';
import { shapeMismatch } from './errors.js';
import type { FeatureSet } from './features.js';

/** Sample count and a sha256 (hex, 16 chars) over the keys in order and the labels; keys `#i` when batches had none. */
export interface SplitIdentity {
  samples: number;
  digest: string;
}

export function splitIdentity(set: FeatureSet): SplitIdentity {
  const hash = createHash('sha256');
  const n = set.labels.length;
  for (let i = 0; i < n; i++) hash.update(`${set.keys?.[i] ?? `#${i}`}\t${set.labels[i]}\n`);
  return { samples: n, digest: hash.digest('hex').slice(0, 16) };
}

/** Throws when two feature sets do not hold the same samples in the same order (baselines must share the split). */
export function assertSameSamples(a: FeatureSet, b: FeatureSet, what: string): void {
  const x = splitIdentity(a);
  const y = splitIdentity(b);
  if (x.digest !== y.digest) {
    let first = 0;
    while (first < Math.min(a.labels.length, b.labels.length) && a.keys?.[first] === b.keys?.[first] && a.labels[first] === b.labels[first]) first++;
    throw shapeMismatch(
      `${what} differ: ${x.samples} vs ${y.samples} samples, first difference at row ${first} ` +
        `(${a.keys?.[first] ?? '?'} vs ${b.keys?.[first] ?? '?'}); the batch source must yield the same samples in the same order each time`,
    );
  }
}
