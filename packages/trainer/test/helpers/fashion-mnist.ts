import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { extract } from 'tar-stream';
import type { TrainBatch } from '../../src/index.js';
import { Rng } from '../../src/index.js';

/** The committed Fashion-MNIST training shard (28x28 grey PNG + .cls per sample). */
export const FASHION_MNIST_SHARD = fileURLToPath(new URL('../../../../fixtures/fashion-mnist/train-000000.tar', import.meta.url));

/** Decodes the first `count` images of a Fashion-MNIST shard to 28x28 uint8 grey with their labels. */
export async function readFashionMnist(count: number, path = FASHION_MNIST_SHARD): Promise<{ images: Uint8Array[]; labels: number[] }> {
  const images: Uint8Array[] = [];
  const labels: number[] = [];
  const pending = new Map<string, { png?: Buffer; cls?: number }>();
  const ex = extract();
  createReadStream(path).pipe(ex);
  for await (const entry of ex) {
    const chunks: Buffer[] = [];
    for await (const c of entry) chunks.push(c as Buffer);
    if (images.length >= count) continue;
    const name = entry.header.name;
    const key = name.slice(0, name.indexOf('.'));
    const sample = pending.get(key) ?? {};
    if (name.endsWith('.png')) sample.png = Buffer.concat(chunks);
    if (name.endsWith('.cls')) sample.cls = Number(Buffer.concat(chunks).toString('ascii'));
    pending.set(key, sample);
    if (sample.png !== undefined && sample.cls !== undefined) {
      const { data, info } = await sharp(sample.png).greyscale().raw().toBuffer({ resolveWithObject: true });
      if (info.width !== 28 || info.height !== 28 || info.channels !== 1) throw new Error(`${key}: unexpected ${info.width}x${info.height}x${info.channels}`);
      images.push(new Uint8Array(data));
      labels.push(sample.cls);
      pending.delete(key);
    }
  }
  return { images, labels };
}

/** A light SimCLR-style view of a 28x28 image: random translation (+-4 px, zero fill), flip, brightness. */
function view(img: Uint8Array, rng: Rng): Uint8Array {
  const s = 28;
  const dx = Math.floor(rng.next() * 9) - 4;
  const dy = Math.floor(rng.next() * 9) - 4;
  const flip = rng.next() < 0.5;
  const gain = 0.6 + rng.next() * 0.8;
  const out = new Uint8Array(s * s);
  for (let y = 0; y < s; y++) {
    for (let x = 0; x < s; x++) {
      const sx = (flip ? s - 1 - x : x) + dx;
      const sy = y + dy;
      if (sx >= 0 && sx < s && sy >= 0 && sy < s) out[y * s + x] = Math.min(255, Math.round(img[sy * s + sx] * gain));
    }
  }
  return out;
}

/** Per-epoch batches of two views of real Fashion-MNIST images, shuffled by (seed, epoch). */
export function fashionMnistData(images: Uint8Array[], labels: number[], batchSize: number, seed = 0) {
  return ({ epoch }: { epoch: number }): AsyncIterable<TrainBatch> => ({
    async *[Symbol.asyncIterator]() {
      const order = new Rng(seed, 'fmnist-order', epoch).permutation(images.length);
      for (let b = 0; b + batchSize <= images.length; b += batchSize) {
        const idx = Array.from(order.subarray(b, b + batchSize));
        const views = [0, 1].map((v) => {
          const buf = new Uint8Array(batchSize * 784);
          idx.forEach((k, i) => buf.set(view(images[k], new Rng(seed, 'fmnist-view', epoch, k, v)), i * 784));
          return buf;
        });
        yield { views, size: batchSize, height: 28, width: 28, channels: 1, labels: Int32Array.from(idx.map((k) => labels[k])) };
      }
    },
  });
}
