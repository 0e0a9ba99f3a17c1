import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import {
  MissingLabelError, ShapeMismatchError, batchNormStatistics, collectBatches, extractFeatures, linearProbeAugmented, rawPixelFeatures,
} from '../src/index.js';
import type { LabelledBatch } from '../src/index.js';
import { cpu, imageBatches, smallEncoder } from './helpers.js';

test.before(cpu);

async function* slowly(batches: LabelledBatch[]): AsyncGenerator<LabelledBatch> {
  for (const batch of batches) {
    await new Promise((resolve) => setImmediate(resolve));
    yield batch;
  }
}

test.serial('features are the encoder outputs in inference mode, batched, with labels and keys, leak-free', async (t) => {
  const encoder = smallEncoder();
  const batches = imageBatches(70, 4, 1, 32);
  const before = tf.memory().numTensors;
  const set = await extractFeatures(encoder, slowly(batches), { chunkSize: 16 });
  t.is(tf.memory().numTensors, before, 'no tensor leaks');
  t.is(set.dim, 8);
  t.is(set.labels.length, 70);
  t.is(set.features.length, 70 * 8);
  t.deepEqual(set.keys?.slice(0, 2), ['img1-0', 'img1-1']);
  t.deepEqual(Array.from(set.labels.slice(0, 5)), [0, 1, 2, 3, 0]);
  // Row 40 (second batch, row 8) against a direct inference-mode call on that image alone.
  const expected = tf.tidy(() => {
    const x = tf.tensor4d(batches[1].views[0] as Uint8Array, [batches[1].size, 12, 12, 1], 'float32').slice([8, 0, 0, 0], [1, -1, -1, -1]);
    return (encoder.apply(x, { training: false }) as tf.Tensor).dataSync();
  });
  const row = set.features.subarray(40 * 8, 41 * 8);
  for (let j = 0; j < 8; j++) t.true(Math.abs(row[j] - expected[j]) < 1e-5, `feature ${j}`);
  encoder.dispose();
});

test.serial('releases every batch it consumed', async (t) => {
  const encoder = smallEncoder();
  let released = 0;
  const batches = imageBatches(40, 4, 2, 16).map((b) => ({ ...b, release: () => void released++ }));
  await extractFeatures(encoder, batches);
  t.is(released, 3);
  encoder.dispose();
});

test.serial('BN moving statistics of the frozen encoder do not change during feature extraction and probing', async (t) => {
  const encoder = smallEncoder();
  // Give the BN layers non-trivial statistics first, as pretraining would.
  tf.tidy(() => {
    encoder.apply(tf.tensor4d(imageBatches(32, 4, 3)[0].views[0] as Uint8Array, [32, 12, 12, 1], 'float32'), { training: true });
  });
  const before = batchNormStatistics(encoder);
  t.is(before.size, 2);
  const weightsBefore = encoder.getWeights().map((w) => Array.from(w.dataSync()));
  const test_ = await extractFeatures(encoder, imageBatches(40, 4, 4), { split: 'test' });
  const reference = await extractFeatures(encoder, imageBatches(80, 4, 5));
  const result = await linearProbeAugmented(
    { encoder, views: (epoch) => imageBatches(80, 4, 100 + epoch), reference },
    test_,
    { epochs: 3, lr: 0.5 },
  );
  t.is(result.protocol, 'augmented');
  t.is(result.trainSamples, 80);
  t.true(result.top1 > 0.5, `augmented probe top-1 ${result.top1}`);
  t.deepEqual(batchNormStatistics(encoder), before);
  t.deepEqual(encoder.getWeights().map((w) => Array.from(w.dataSync())), weightsBefore);
  encoder.dispose();
});

test.serial('the full protocol without reference features derives statistics from a pass over epoch 0', async (t) => {
  const encoder = smallEncoder();
  const test_ = await extractFeatures(encoder, imageBatches(40, 4, 4), { split: 'test' });
  const epochs: number[] = [];
  const result = await linearProbeAugmented(
    { encoder, views: (epoch) => (epochs.push(epoch), imageBatches(80, 4, 100 + epoch)) },
    test_,
    { epochs: 2 },
  );
  t.deepEqual(epochs, [0, 0, 1]);
  t.is(result.classes, 4);
  encoder.dispose();
});

test.serial('a sample without a label is a MissingLabelError naming its key', async (t) => {
  const encoder = smallEncoder();
  const batches = imageBatches(20, 4, 6, 10);
  batches[1].labels = Int32Array.from(batches[1].labels ?? [], (l, i) => (i === 3 ? -1 : l));
  await t.throwsAsync(extractFeatures(encoder, batches, { split: 'test' }), {
    instanceOf: MissingLabelError,
    message: 'test sample img6-13 has no class label: linear probe and k-NN need labelled shards (a .cls part per sample)',
  });
  const unlabelled = imageBatches(10, 4, 7).map(({ labels: _labels, ...rest }) => rest);
  await t.throwsAsync(rawPixelFeatures(unlabelled), { instanceOf: MissingLabelError, message: /^train sample img7-0 has no class label/ });
  encoder.dispose();
});

test.serial('raw pixel features are the flattened view in its value range', async (t) => {
  const batches = imageBatches(5, 4, 8, 5);
  const set = await rawPixelFeatures(batches);
  t.is(set.dim, 144);
  t.deepEqual(Array.from(set.features.subarray(0, 144)), Array.from((batches[0].views[0] as Uint8Array).subarray(0, 144)));
});

test.serial('a view whose length does not match its declared shape is a ShapeMismatchError', async (t) => {
  const encoder = smallEncoder();
  const [batch] = imageBatches(4, 4, 9, 4);
  await t.throwsAsync(extractFeatures(encoder, [{ ...batch, height: 11 }]), {
    instanceOf: ShapeMismatchError,
    message: 'Batch view 0 holds 576 values but size x height x width x channels = 4 x 11 x 12 x 1 = 528',
  });
  await t.throwsAsync(extractFeatures(encoder, []), { instanceOf: ShapeMismatchError, message: 'The train split yielded no batches' });
  encoder.dispose();
});

test.serial('collectBatches keeps copies that outlive the released originals', async (t) => {
  const originals = imageBatches(20, 4, 10, 8);
  let released = 0;
  const firstPixel = (originals[0].views[0] as Uint8Array)[0];
  const collected = await collectBatches(originals.map((b) => ({
    ...b,
    views: [b.views[0], b.views[0]],
    release: () => {
      released++;
      (b.views[0] as Uint8Array).fill(0);
      b.labels?.fill(-1);
    },
  })));
  t.is(released, 3);
  t.is(collected.length, 3);
  t.is(collected[0].views.length, 1);
  t.is((collected[0].views[0] as Uint8Array)[0], firstPixel);
  t.deepEqual(Array.from(collected[2].labels ?? []), [0, 1, 2, 3]);
  t.deepEqual(collected[2].keys, ['img10-16', 'img10-17', 'img10-18', 'img10-19']);
});
