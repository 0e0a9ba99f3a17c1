import * as tf from '@tensorflow/tfjs';
import type { InputShape, TrainBatch } from '../../src/index.js';
import { Rng } from '../../src/index.js';

/** A small seeded conv encoder (conv-BN-ReLU x2, global average pool) outputting (batch, 16). */
export function tinyEncoder(seed = 1) {
  return (inputShape: InputShape): tf.LayersModel => {
    const init = (i: number) => tf.initializers.heNormal({ seed: seed * 100 + i });
    return tf.sequential({
      layers: [
        tf.layers.rescaling({ inputShape, scale: 1 / 127.5, offset: -1 }),
        tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: init(1) }),
        tf.layers.batchNormalization({ momentum: 0.9 }),
        tf.layers.reLU(),
        tf.layers.conv2d({ filters: 16, kernelSize: 3, strides: 2, padding: 'same', useBias: false, kernelInitializer: init(2) }),
        tf.layers.batchNormalization({ momentum: 0.9 }),
        tf.layers.reLU(),
        tf.layers.globalAveragePooling2d({}),
      ],
    });
  };
}

/** Deterministic images: `count` base images (size x size x 1, uint8), smooth random blobs. */
export function baseImages(count: number, size: number, seed = 7): Uint8Array[] {
  return Array.from({ length: count }, (_, k) => {
    const rng = new Rng(seed, 'image', k);
    const img = new Uint8Array(size * size);
    const blobs = Array.from({ length: 3 }, () => [rng.next() * size, rng.next() * size, 1 + rng.next() * size * 0.3, 80 + rng.next() * 175]);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        let v = 10;
        for (const [cx, cy, r, a] of blobs) v += a * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * r * r));
        img[y * size + x] = Math.min(255, Math.round(v));
      }
    }
    return img;
  });
}

/** A view of an image: a seeded circular shift of up to 1 pixel and pixel noise of +-`noise`. */
export function augment(img: Uint8Array, size: number, rng: Rng, noise = 20): Uint8Array {
  const dx = Math.floor(rng.next() * 3) - 1;
  const dy = Math.floor(rng.next() * 3) - 1;
  const out = new Uint8Array(img.length);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const v = img[((y + dy + size) % size) * size + ((x + dx + size) % size)] + (rng.next() * 2 - 1) * noise;
      out[y * size + x] = Math.max(0, Math.min(255, Math.round(v)));
    }
  }
  return out;
}

/** Options of syntheticData. */
export interface SyntheticOptions {
  images?: number;
  size?: number;
  batchSize?: number;
  seed?: number;
  /** Called for each batch the consumer releases. */
  onRelease?: () => void;
}

/**
 * A per-epoch data factory over a fixed set of images: each epoch shuffles them (seeded by
 * epoch) into batches of two augmented views, like @twinflow/stream's ViewBatch.
 */
export function syntheticData(options: SyntheticOptions = {}) {
  const images = options.images ?? 32;
  const size = options.size ?? 8;
  const batchSize = options.batchSize ?? 8;
  const seed = options.seed ?? 3;
  const base = baseImages(images, size, seed);
  return ({ epoch }: { epoch: number }): AsyncIterable<TrainBatch> => ({
    async *[Symbol.asyncIterator]() {
      const order = new Rng(seed, 'order', epoch).permutation(images);
      for (let b = 0; b + batchSize <= images; b += batchSize) {
        const views = [0, 1].map((v) => {
          const buf = new Uint8Array(batchSize * size * size);
          for (let i = 0; i < batchSize; i++) {
            const k = order[b + i];
            buf.set(augment(base[k], size, new Rng(seed, 'view', epoch, k, v)), i * size * size);
          }
          return buf;
        });
        await new Promise((resolve) => setImmediate(resolve));
        yield {
          views,
          size: batchSize,
          height: size,
          width: size,
          channels: 1,
          labels: new Int32Array(batchSize).fill(-1),
          release: () => options.onRelease?.(),
        };
      }
    },
  });
}
