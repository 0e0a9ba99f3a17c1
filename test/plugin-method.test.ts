import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { Rng, latestCheckpoint, loadEncoder, readCheckpointMeta, tf, train } from '@twinflow/trainer';
import type { InputShape, StepRecord, TrainBatch } from '@twinflow/trainer';
import { SimSiam } from '../examples/simsiam/simsiam.js';

// A user's own method (examples/simsiam, outside the trainer package) trained through the public
// interface only: train(), checkpoints, resume and loadEncoder, on the cpu backend.

test.before(async () => {
  await tf.setBackend('cpu');
});

const SIZE = 8;

function tinyEncoder(inputShape: InputShape): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.rescaling({ inputShape, scale: 1 / 127.5, offset: -1 }),
      tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', kernelInitializer: tf.initializers.heNormal({ seed: 1 }) }),
      tf.layers.batchNormalization({}),
      tf.layers.reLU(),
      tf.layers.conv2d({ filters: 16, kernelSize: 3, strides: 2, padding: 'same', kernelInitializer: tf.initializers.heNormal({ seed: 2 }) }),
      tf.layers.reLU(),
      tf.layers.globalAveragePooling2d({}),
    ],
  });
}

/** Per-epoch batches of two noisy, shifted views of 64 fixed random-blob images. */
function data({ epoch }: { epoch: number }): AsyncIterable<TrainBatch> {
  const images = Array.from({ length: 64 }, (_, k) => {
    const rng = new Rng(5, 'image', k);
    const [cx, cy, r] = [rng.next() * SIZE, rng.next() * SIZE, 1 + rng.next() * 3];
    return Uint8Array.from({ length: SIZE * SIZE }, (_, i) =>
      Math.round(240 * Math.exp(-(((i % SIZE) - cx) ** 2 + (Math.floor(i / SIZE) - cy) ** 2) / (2 * r * r))),
    );
  });
  return {
    async *[Symbol.asyncIterator]() {
      const order = new Rng(5, 'order', epoch).permutation(images.length);
      for (let b = 0; b < images.length; b += 8) {
        const views = [0, 1].map((v) => {
          const out = new Uint8Array(8 * SIZE * SIZE);
          for (let i = 0; i < 8; i++) {
            const rng = new Rng(5, 'view', epoch, order[b + i], v);
            const shift = Math.floor(rng.next() * 3) - 1;
            const img = images[order[b + i]];
            for (let p = 0; p < SIZE * SIZE; p++) {
              const noise = (rng.next() - 0.5) * 40;
              out[i * SIZE * SIZE + p] = Math.max(0, Math.min(255, img[(p + shift + SIZE * SIZE) % (SIZE * SIZE)] + noise));
            }
          }
          return out;
        });
        yield { views, size: 8, height: SIZE, width: SIZE, channels: 1 };
      }
    },
  };
}

const simsiam = () => new SimSiam({ encoder: tinyEncoder, projectionDim: 32, predictorHiddenDim: 8, learningRate: 3 });

let dir: string;
test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'twinflow-plugin-'));
});
test.after.always(async () => {
  await rm(dir, { recursive: true, force: true });
});

test.serial('a plugin method (SimSiam) trains through the public interface and its loss falls', async (t) => {
  const records: StepRecord[] = [];
  const method = simsiam();
  const result = await train({ method, data, epochs: 3, stepsPerEpoch: 8, runDir: join(dir, 'full'), onStep: (r) => records.push(r) });
  t.is(result.step, 24);
  const losses = records.map((r) => r.loss);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b) / xs.length;
  t.true(mean(losses.slice(-6)) < mean(losses.slice(0, 6)) - 0.1, losses.map((l) => l.toFixed(3)).join(' '));
  t.true(losses.every((l) => l >= -1 && l <= 1), 'negative cosine similarity lies in [-1, 1]');
  const meta = await readCheckpointMeta((await latestCheckpoint(join(dir, 'full'))) as string);
  t.deepEqual(meta.models, ['encoder', 'projector', 'predictor']);
  t.is(meta.method, 'simsiam');

  const encoder = await loadEncoder(join(dir, 'full'));
  const x = tf.randomUniform([4, SIZE, SIZE, 1], 0, 255);
  const want = method.encoder().predict(x) as tf.Tensor;
  const got = encoder.predict(x) as tf.Tensor;
  t.deepEqual(Array.from(got.dataSync()), Array.from(want.dataSync()));
  tf.dispose([x, want, got]);
  encoder.dispose();
  method.dispose();
});

test.serial('a plugin method resumes exactly from its checkpoint', async (t) => {
  const full: number[] = [];
  const a = simsiam();
  await train({ method: a, data, epochs: 2, stepsPerEpoch: 8, onStep: (r) => full.push(r.loss) });
  a.dispose();

  const controller = new AbortController();
  const b = simsiam();
  const first = await train({
    method: b,
    data,
    epochs: 2,
    stepsPerEpoch: 8,
    runDir: join(dir, 'split'),
    signal: controller.signal,
    onStep: (r) => r.step === 5 && controller.abort(),
  });
  b.dispose();
  t.like(first, { step: 5, aborted: true });
  const rest: number[] = [];
  const c = simsiam();
  await train({ method: c, data, epochs: 2, stepsPerEpoch: 8, runDir: join(dir, 'split'), resume: true, onStep: (r) => rest.push(r.loss) });
  c.dispose();
  t.is(rest.length, 11);
  rest.forEach((l, i) => t.true(Math.abs(l - full[5 + i]) <= 1e-6, `step ${6 + i}: ${l} vs ${full[5 + i]}`));
});
