// Paths of the committed fixtures and small helpers shared by the stream tests.
import { fileURLToPath } from 'node:url';
import type { ViewBatch, ViewStream } from '../../src/index.js';

export const root = fileURLToPath(new URL('../../../../', import.meta.url));
export const wds = `${root}fixtures/shards/wds-{000000..000003}.tar`;
export const corrupt = `${root}fixtures/broken/corrupt-jpeg.tar`;
export const fashion = `${root}fixtures/fashion-mnist/train-000000.tar`;
/** The 48 keys of the wds fixture in tar order. */
export const wdsKeys = Array.from({ length: 48 }, (_, i) => `photos/s${String(i).padStart(6, '0')}`);
/** A small SimCLR pipeline, cheap enough for tests. */
export const small = { preset: 'simclr', size: 24 } as const;

export interface Collected {
  keys: string[];
  labels: number[];
  sizes: number[];
  /** Every view of every sample, by key: one Buffer per view. */
  bytes: Map<string, Buffer[]>;
  batches: ViewBatch[];
}

/** Drains a stream, copying each sample's views out of the batch before releasing it. */
export async function collect(stream: ViewStream, options: { release?: boolean } = {}): Promise<Collected> {
  const out: Collected = { keys: [], labels: [], sizes: [], bytes: new Map(), batches: [] };
  for await (const batch of stream) {
    const per = batch.height * batch.width * batch.channels;
    const bytesPer = batch.dtype === 'float32' ? 4 : 1;
    out.sizes.push(batch.size);
    batch.keys.forEach((key, i) => {
      out.keys.push(key);
      out.labels.push(batch.labels[i]);
      out.bytes.set(
        key,
        batch.views.map((view) => Buffer.from(view.buffer, view.byteOffset + i * per * bytesPer, per * bytesPer)).map((b) => Buffer.from(b)),
      );
    });
    out.batches.push(batch);
    if (options.release !== false) batch.release();
  }
  return out;
}
