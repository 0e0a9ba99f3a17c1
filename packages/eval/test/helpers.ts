// Shared test material: a small conv encoder with batch norm, labelled synthetic images and separable features.
import * as tf from '@tensorflow/tfjs';
import type { FeatureSet, LabelledBatch } from '../src/index.js';

export async function cpu(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
}

/** A deterministic generator of floats in [0, 1) (mulberry32). */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** n feature vectors of `classes` Gaussian clusters with well separated means (linearly separable in practice). */
export function separableFeatures(n: number, dim: number, classes: number, seed: number, noise = 0.3): FeatureSet {
  const centres = prng(1234);
  const means = Array.from({ length: classes }, () => Array.from({ length: dim }, () => gaussian(centres) * 2));
  const random = prng(seed);
  const features = new Float32Array(n * dim);
  const labels = new Int32Array(n);
  const keys: string[] = [];
  for (let i = 0; i < n; i++) {
    const label = i % classes;
    labels[i] = label;
    keys.push(`s${seed}-${i}`);
    for (let j = 0; j < dim; j++) features[i * dim + j] = means[label][j] + noise * gaussian(random);
  }
  return { features, labels, dim, keys };
}

/** Conv -> BN -> ReLU -> Conv -> BN -> ReLU -> global average pool: (batch, h, w, c) -> (batch, 8); scales 0..255 inputs. */
export function smallEncoder(inputShape: [number, number, number] = [12, 12, 1], seed = 1): tf.LayersModel {
  const init = (s: number) => tf.initializers.glorotUniform({ seed: seed * 10 + s });
  return tf.sequential({
    layers: [
      tf.layers.rescaling({ inputShape, scale: 1 / 255 }),
      tf.layers.conv2d({ filters: 6, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: init(1) }),
      tf.layers.batchNormalization(),
      tf.layers.reLU(),
      tf.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same', useBias: false, kernelInitializer: init(2) }),
      tf.layers.batchNormalization(),
      tf.layers.reLU(),
      tf.layers.globalAveragePooling2d({}),
    ],
  });
}

/**
 * Labelled synthetic images (h, w, 1), values 0..255: class c has a bright bar at a class-specific row plus noise,
 * so both pixels and conv features separate the classes. Yields batches of `batchSize`.
 */
export function imageBatches(n: number, classes: number, seed: number, batchSize = 32, size = 12): LabelledBatch[] {
  const random = prng(seed);
  const batches: LabelledBatch[] = [];
  for (let start = 0; start < n; start += batchSize) {
    const count = Math.min(batchSize, n - start);
    const view = new Uint8Array(count * size * size);
    const labels = new Int32Array(count);
    const keys: string[] = [];
    for (let i = 0; i < count; i++) {
      const label = (start + i) % classes;
      labels[i] = label;
      keys.push(`img${seed}-${start + i}`);
      const row = Math.floor(((label + 0.5) * size) / classes);
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          const base = y === row ? 200 : 40;
          view[i * size * size + y * size + x] = Math.max(0, Math.min(255, Math.round(base + 30 * gaussian(random))));
        }
      }
    }
    batches.push({ views: [view], size: count, height: size, width: size, channels: 1, labels, keys });
  }
  return batches;
}
